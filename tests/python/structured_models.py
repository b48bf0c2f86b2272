"""Small structured models of the kinds the field deploys, exported by Debian's PyTorch
(torch.onnx.export), one per input kind of the card version 2 (docs/model-card.md):

- deepsets: constituents [N, P, F] + bool mask [N, P], softmax [N, 3];
- weaver: weaver's ParticleTransformer contract, pf_features [N, F, P], pf_vectors
  [N, 4, P], pf_mask [N, 1, P] (float), masked attention with a class token, softmax [N, 3];
- ragged: a graph-style model on [M, F] constituents with segment ids [M] and offsets [N + 1];
- jetlevel: a jet-level input [N, 4] and constituents [N, F, 8] (fixed P: truncation) + mask;
- perconstituent: constituents [N, P, F] in, one score per constituent [N, P] out;
- dips: the DeepSets model at the size of ATLAS's DIPS, for the benchmark;
- part: a small ParticleTransformer-sized model with weaver's contract (embedding 64,
  two particle-attention blocks with 4 heads, one class-attention block), for the
  benchmark (bench/bench_structured.cc).

Also usable as a script: `python3 structured_models.py OUTDIR` writes every model.
"""

import sys

import torch
from torch import nn

F = 4  # features per constituent in these tests: energy, momentum.x, momentum.y, momentum.z


def mlp(*sizes):
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(a, b), nn.Tanh()]
    return nn.Sequential(*layers[:-1])


class DeepSets(nn.Module):
    def __init__(self, features=F, classes=3, phi=(16, 16), rho=(16,)):
        super().__init__()
        self.phi = mlp(features, *phi)
        self.rho = mlp(phi[-1], *rho, classes)

    def forward(self, x, mask):  # x [N, P, F], mask [N, P] bool
        m = mask.unsqueeze(-1).float()
        pooled = (self.phi(x * 0.1) * m).sum(1) / m.sum(1).clamp(min=1.0)
        return torch.softmax(self.rho(pooled), dim=-1)


class WeaverStyle(nn.Module):
    """Channels first as weaver feeds its ParticleTransformer; a class token that every
    jet attends from, so a jet whose constituents are all padding still gets a score."""

    def __init__(self, features=F, classes=3, dim=16):
        super().__init__()
        self.embed = nn.Conv1d(features + 4, dim, 1)
        self.cls = nn.Parameter(torch.randn(1, 1, dim) * 0.5)
        self.q = nn.Linear(dim, dim)
        self.k = nn.Linear(dim, dim)
        self.v = nn.Linear(dim, dim)
        self.head = mlp(dim, 16, classes)

    def forward(self, pf_features, pf_vectors, pf_mask):  # [N, F, P], [N, 4, P], [N, 1, P]
        x = torch.cat([pf_features, pf_vectors * 0.05], dim=1) * 0.1
        h = self.embed(x).transpose(1, 2)  # [N, P, D]
        n = h.shape[0]
        cls = self.cls.expand(n, 1, h.shape[2])
        keys = torch.cat([cls, h], dim=1)  # the class token is never masked
        mask = torch.cat([torch.ones_like(pf_mask[:, :, :1]), pf_mask], dim=2)  # [N, 1, P + 1]
        att = torch.matmul(self.q(cls), self.k(keys).transpose(1, 2)) / 4.0  # [N, 1, P + 1]
        att = att.masked_fill(mask == 0, -1e4)
        out = torch.matmul(torch.softmax(att, dim=-1), self.v(keys))[:, 0]
        return torch.softmax(self.head(out), dim=-1)


class Ragged(nn.Module):
    def __init__(self, features=F):
        super().__init__()
        self.phi = mlp(features, 16, 16)
        self.rho = mlp(16, 8, 1)

    def forward(self, points, segment, offsets):  # [M, F], [M], [N + 1]
        h = self.phi(points * 0.1)
        n = offsets.shape[0] - 1
        onehot = (segment.unsqueeze(0) == torch.arange(n).unsqueeze(1)).float()  # [N, M]
        counts = (offsets[1:] - offsets[:-1]).float().clamp(min=1.0).unsqueeze(1)
        return torch.sigmoid(self.rho(torch.matmul(onehot, h) / counts))


class JetLevel(nn.Module):
    def __init__(self, features=F):
        super().__init__()
        self.jet = mlp(4, 8)
        self.phi = nn.Conv1d(features, 8, 1)
        self.head = mlp(16, 8, 1)

    def forward(self, jet, constituents, mask):  # [N, 4], [N, F, 8], [N, 1, 8]
        h = torch.tanh(self.phi(constituents * 0.1)) * mask
        pooled = h.sum(2)
        return torch.sigmoid(self.head(torch.cat([torch.tanh(self.jet(jet * 0.05)), pooled], dim=1)))


class PerConstituent(nn.Module):
    def __init__(self, features=F):
        super().__init__()
        self.phi = mlp(features, 8, 1)

    def forward(self, x):  # [N, P, F]
        return torch.sigmoid(self.phi(x * 0.1))[:, :, 0]


class Block(nn.Module):
    """Multi-head attention (masked with a large negative number, never -inf, so that
    a fully masked row stays finite) and a feed-forward layer, both residual."""

    def __init__(self, dim=64, heads=4):
        super().__init__()
        self.heads, self.dim = heads, dim
        self.norm1, self.norm2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.out = nn.Linear(dim, dim)
        self.ffn = nn.Sequential(nn.Linear(dim, 2 * dim), nn.GELU(), nn.Linear(2 * dim, dim))

    def forward(self, x, keys, mask):  # x [N, Q, D] queries, keys [N, K, D], mask [N, 1, K]
        n, q, d = x.shape
        h = self.heads
        qx = self.qkv(self.norm1(x))[:, :, :d].reshape(n, q, h, d // h).transpose(1, 2)
        kv = self.qkv(self.norm1(keys))[:, :, d:]
        k = kv[:, :, :d].reshape(n, -1, h, d // h).transpose(1, 2)
        v = kv[:, :, d:].reshape(n, -1, h, d // h).transpose(1, 2)
        att = torch.matmul(qx, k.transpose(2, 3)) / (d // h) ** 0.5
        att = att.masked_fill(mask.unsqueeze(1) == 0, -1e4)
        y = torch.matmul(torch.softmax(att, dim=-1), v).transpose(1, 2).reshape(n, q, d)
        x = x + self.out(y)
        return x + self.ffn(self.norm2(x))


class ParTLike(nn.Module):
    def __init__(self, features=F, classes=3, dim=64):
        super().__init__()
        self.embed = nn.Sequential(nn.Conv1d(features + 4, dim, 1), nn.GELU(), nn.Conv1d(dim, dim, 1))
        self.blocks = nn.ModuleList([Block(dim), Block(dim)])
        self.cls_block = Block(dim)
        self.cls = nn.Parameter(torch.randn(1, 1, dim) * 0.1)
        self.head = nn.Linear(dim, classes)

    def forward(self, pf_features, pf_vectors, pf_mask):
        x = self.embed(torch.cat([pf_features, pf_vectors], dim=1) * 0.05).transpose(1, 2)  # [N, P, D]
        for b in self.blocks:
            x = b(x, x, pf_mask)
        cls = self.cls.expand(x.shape[0], 1, x.shape[2])
        keys = torch.cat([cls, x], dim=1)
        mask = torch.cat([torch.ones_like(pf_mask[:, :, :1]), pf_mask], dim=2)
        return torch.softmax(self.head(self.cls_block(cls, keys, mask)[:, 0]), dim=-1)


def export(name, path):
    """Exports model `name` to `path`; returns the model (in eval mode) for reference outputs."""
    torch.manual_seed(7)
    n, p = 3, 5
    if name in ("deepsets", "dips"):
        # dips: the size of ATLAS's DIPS (per-constituent 100-100-128, jet-level 100-100), for the benchmark
        model = DeepSets() if name == "deepsets" else DeepSets(phi=(100, 100, 128), rho=(100, 100))
        args = (torch.randn(n, p, F), torch.ones(n, p, dtype=torch.bool))
        names, outs = ["constituents", "mask"], ["probs"]
        axes = {"constituents": {0: "N", 1: "P"}, "mask": {0: "N", 1: "P"}, "probs": {0: "N"}}
    elif name == "weaver":
        model = WeaverStyle()
        args = (torch.randn(n, F, p), torch.randn(n, 4, p), torch.ones(n, 1, p))
        names, outs = ["pf_features", "pf_vectors", "pf_mask"], ["softmax"]
        axes = {"pf_features": {0: "N", 2: "n_pf"}, "pf_vectors": {0: "N", 2: "n_pf"}, "pf_mask": {0: "N", 2: "n_pf"},
                "softmax": {0: "N"}}
    elif name == "part":
        model = ParTLike()
        args = (torch.randn(n, F, p), torch.randn(n, 4, p), torch.ones(n, 1, p))
        names, outs = ["pf_features", "pf_vectors", "pf_mask"], ["softmax"]
        axes = {"pf_features": {0: "N", 2: "n_pf"}, "pf_vectors": {0: "N", 2: "n_pf"}, "pf_mask": {0: "N", 2: "n_pf"},
                "softmax": {0: "N"}}
    elif name == "ragged":
        model = Ragged()
        args = (torch.randn(7, F), torch.tensor([0, 0, 1, 1, 1, 2, 2]), torch.tensor([0, 2, 5, 7]))
        names, outs = ["points", "segment", "offsets"], ["score"]
        axes = {"points": {0: "M"}, "segment": {0: "M"}, "offsets": {0: "N1"}, "score": {0: "N"}}
    elif name == "jetlevel":
        model = JetLevel()
        args = (torch.randn(n, 4), torch.randn(n, F, 8), torch.ones(n, 1, 8))
        names, outs = ["jet", "constituents", "mask"], ["score"]
        axes = {"jet": {0: "N"}, "constituents": {0: "N"}, "mask": {0: "N"}, "score": {0: "N"}}
    elif name == "perconstituent":
        model = PerConstituent()
        args = (torch.randn(n, p, F),)
        names, outs = ["constituents"], ["score"]
        axes = {"constituents": {0: "N", 1: "P"}, "score": {0: "N", 1: "P"}}
    else:
        raise ValueError(name)
    model.eval()
    torch.onnx.export(model, args, path, input_names=names, output_names=outs, dynamic_axes=axes, opset_version=17)
    return model


MODELS = ["deepsets", "weaver", "ragged", "jetlevel", "perconstituent", "part", "dips"]

if __name__ == "__main__":
    for m in MODELS:
        export(m, f"{sys.argv[1]}/{m}.onnx")
