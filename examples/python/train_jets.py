#!/usr/bin/python3
"""Train a jet flavour tagger on constituents with PyTorch and export it to ONNX with its model card.

The Python route of podml's structured training (docs/training.md). It reads the same version 2
spec as `podml train`, so both routes see the same jets, constituents, labels and split:

  1. read the spec and the rows as `podml train` does (podml.read_training_spec, podml.labelled_rows:
     the constituents ordered and truncated exactly as the inference gather will give them),
  2. train the spec's network: `deepsets` (the same network podml train builds in libtorch) or
     `attention` (a small ParticleTransformer-like encoder on weaver's input contract: pf_features
     and pf_vectors [N, F, P] with pf_mask [N, 1, P]),
  3. export with torch.onnx.export (opset 17; symbolic N, and P when the spec's max is 0),
  4. attach the card podml train would attach (podml.training_card) and check the export with ONNX
     Runtime, on the validation rows and through the inference gather on the first events.

Usage:
  /usr/bin/python3 examples/python/train_jets.py examples/toy-jets-attention.yaml toy.h5 -o tagger.onnx
Then:
  podml infer tagger.onnx fresh.h5 -o scored.h5
"""

import argparse
import json
import math
import os
import sys
import tempfile
import time
import warnings

import numpy as np
import torch

import podml

OPSET = 17
TOLERANCE = 1e-5
GATHER_CHECK_EVENTS = 64


# --- data -----------------------------------------------------------------------------------

def member_widths(names, members):
    """Values per member, from the value names podml.labelled_rows gives (`p` or `p[k]`)."""
    widths, i = [], 0
    for m in members:
        n = 0
        while i < len(names) and (names[i] == m or names[i].startswith(m + "[")):
            i, n = i + 1, n + 1
        widths.append(n)
    return widths


class Rows:
    """The rows of a spec as arrays, and the graph inputs of any subset of them, padded as the
    card says (the one copy this route makes: labelled_rows' arrays are used as they are)."""

    def __init__(self, spec, files):
        t0 = time.perf_counter()
        r = podml.labelled_rows(spec, files)
        self.read_seconds = time.perf_counter() - t0
        self.spec, self.r = spec, r
        self.labels, self.validation = r["labels"], r["validation"]
        self.entry, self.object = r["entry"], r["object"]
        self.inputs = spec["inputs"]
        self.columns = {}  # constituents input -> slice of the constituent values
        start = 0
        for i in self.inputs:
            if i["kind"] == "constituents":
                width = sum(member_widths(r["constituent_names"][start:], i["members"]))
                self.columns[i["name"]] = slice(start, start + width)
                start += width
        cons = next((i for i in self.inputs if i["kind"] == "constituents"), None)
        self.max = cons["max"] if cons else 0
        self.offsets = r.get("offsets")
        self.counts = np.diff(self.offsets).astype(np.int64) if cons else None

    def tensors(self, rows):
        """The graph's inputs, in spec order, for row indices `rows`."""
        out = []
        p = 1
        if self.counts is not None:
            p = self.max if self.max > 0 else max(1, int(self.counts[rows].max(initial=1)))
        for i in self.inputs:
            if i["kind"] == "objects":
                out.append(torch.from_numpy(np.ascontiguousarray(self.r["features"][rows])))
            elif i["kind"] == "constituents":
                out.append(torch.from_numpy(self.padded(rows, p, self.columns[i["name"]], i["pad_value"], i["layout"])))
            elif i["kind"] == "mask":
                of = next(x for x in self.inputs if x["name"] == i["of"])
                m = np.arange(p)[None, :] < np.minimum(self.counts[rows], p)[:, None]
                m = m[:, None, :] if of["layout"] == "NFP" else m
                out.append(torch.from_numpy(m if i["dtype"] == "bool" else m.astype(np.float32)))
            else:
                raise podml.DefinitionError(f"train_jets.py: input kind '{i['kind']}' is not supported (use padded inputs)")
        return out

    def padded(self, rows, p, cols, pad, layout):
        values = self.r["constituents"]
        first = self.offsets[rows].astype(np.int64)
        n = np.minimum(self.counts[rows], p)
        out = np.full((len(rows), p, cols.stop - cols.start), pad, dtype=np.float32)
        slot = np.arange(p)[None, :]
        real = slot < n[:, None]
        out[real] = values[(first[:, None] + slot)[real], cols]
        return np.ascontiguousarray(out.transpose(0, 2, 1)) if layout == "NFP" else out


def check_rows(spec, data, source):
    """What podml train's Dataset refuses: an empty split, or a class without training rows."""
    where = f"({source}; {spec['input']['collection']})"
    for name, n in [("training", int((~data.validation).sum())), ("validation", int(data.validation.sum()))]:
        if n == 0:
            raise podml.DefinitionError(f"training spec does not fit the data: the {name} split has no objects {where}")
    classes = list(spec["label"].get("classes", {}))
    train_counts = np.bincount(data.labels[~data.validation].astype(np.int64), minlength=len(classes))
    for k, name in enumerate(classes):
        if train_counts[k] == 0:
            raise podml.DefinitionError(f"training spec does not fit the data: no training object is of class '{name}' {where}")


# --- networks -------------------------------------------------------------------------------

ACTIVATIONS = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid,
               "elu": torch.nn.ELU, "leaky_relu": lambda: torch.nn.LeakyReLU(0.01)}


def mlp(sizes, activation, last_activation=False):
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers += [torch.nn.Linear(a, b), ACTIVATIONS[activation]()]
    return torch.nn.Sequential(*(layers if last_activation else layers[:-1]))


def layout_of(inputs, i):
    """The constituents layout an input follows (None for objects)."""
    if i["kind"] == "constituents":
        return i["layout"]
    if i["kind"] == "mask":
        return next(x["layout"] for x in inputs if x["name"] == i["of"])
    return None


class Canonical(torch.nn.Module):
    """The graph's inputs (in spec order and layouts) as [N, k] objects, [N, P, F] constituents
    (all constituents inputs side by side) and a [N, P, 1] float mask, standardised with the
    training set's mean and std: inside the network, so the exported graph takes raw members."""

    def __init__(self, inputs, stats):
        super().__init__()
        self.kinds = [(i["kind"], layout_of(inputs, i)) for i in inputs]
        for k, v in stats.items():
            self.register_buffer(k, torch.as_tensor(v))

    def forward(self, xs):
        objects, cons, mask = None, [], None
        for (kind, layout), x in zip(self.kinds, xs):
            if kind == "objects":
                objects = (x - self.o_mean) / self.o_std
            elif kind == "constituents":
                cons.append(x.transpose(1, 2) if layout == "NFP" else x)
            else:
                # [N, 1, P] or [N, P] -> [N, P, 1]; no reshape(-1), which an empty batch breaks.
                mask = x.float().transpose(1, 2) if layout == "NFP" else x.float().unsqueeze(-1)
        c = torch.cat(cons, 2) if len(cons) > 1 else cons[0]
        return objects, (c - self.c_mean) / self.c_std, mask


class DeepSets(torch.nn.Module):
    """podml train's DeepSets: phi per constituent, masked sum or mean, rho with the objects."""

    def __init__(self, canonical, f, k, outputs, net):
        super().__init__()
        self.canonical, self.pool = canonical, net["pooling"]
        self.phi = mlp([f] + net["phi"], net["activation"], last_activation=True)
        self.rho = mlp([net["phi"][-1] + k] + net["hidden"] + [outputs], net["activation"])

    def forward(self, *xs):
        objects, c, mask = self.canonical(xs)
        pooled = (self.phi(c) * mask).sum(1)
        if self.pool == "mean":
            pooled = pooled / mask.sum(1).clamp(min=1.0)
        return self.rho(pooled if objects is None else torch.cat([pooled, objects], 1))


class Block(torch.nn.Module):
    """Pre-norm transformer block with padding masked out of the attention (as ParT's)."""

    def __init__(self, e, heads):
        super().__init__()
        self.heads, self.d = heads, e // heads
        self.norm1, self.norm2 = torch.nn.LayerNorm(e), torch.nn.LayerNorm(e)
        self.qkv, self.proj = torch.nn.Linear(e, 3 * e), torch.nn.Linear(e, e)
        self.ffn = torch.nn.Sequential(torch.nn.Linear(e, 2 * e), torch.nn.GELU(), torch.nn.Linear(2 * e, e))

    def forward(self, x, mask):
        n, p, e = x.shape
        q, k, v = self.qkv(self.norm1(x)).reshape(n, p, 3, self.heads, self.d).permute(2, 0, 3, 1, 4)
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.d)
        # Padded keys get -1e9 (not -inf): a softmax over real keys only, and no NaN.
        scores = scores + (mask.reshape(n, 1, 1, p) - 1.0) * 1e9
        a = (torch.softmax(scores, -1) @ v).transpose(1, 2).reshape(n, p, e)
        x = x + self.proj(a)
        return x + self.ffn(self.norm2(x))


class Attention(torch.nn.Module):
    """A small ParticleTransformer-like tagger: embedding, attention blocks, masked sum, head."""

    def __init__(self, canonical, f, k, outputs, net):
        super().__init__()
        e = net["embed"]
        self.canonical = canonical
        self.embed = torch.nn.Sequential(torch.nn.Linear(f, e), torch.nn.GELU(), torch.nn.Linear(e, e))
        self.blocks = torch.nn.ModuleList(Block(e, net["heads"]) for _ in range(net["blocks"]))
        self.norm = torch.nn.LayerNorm(e)
        self.head = mlp([e + k] + net["hidden"] + [outputs], net["activation"])

    def forward(self, *xs):
        objects, c, mask = self.canonical(xs)
        x = self.embed(c)
        for b in self.blocks:
            x = b(x, mask)
        # A masked sum, as DeepSets': the multiplicity is information (b jets have more tracks).
        pooled = (self.norm(x) * mask).sum(1)
        return self.head(pooled if objects is None else torch.cat([pooled, objects], 1))


class Probabilities(torch.nn.Module):
    def __init__(self, net, outputs):
        super().__init__()
        self.net, self.outputs = net, outputs

    def forward(self, *xs):
        z = self.net(*xs)
        return torch.sigmoid(z) if self.outputs == 1 else torch.softmax(z, -1)


def statistics(data, train_rows):
    """Mean and std of the objects and of the real constituents of the training rows."""
    def ms(x):
        x = x.astype(np.float64)
        m, s = x.mean(0), x.std(0)
        s[s <= 1e-12] = 1.0
        return m.astype(np.float32), s.astype(np.float32)
    stats = {}
    if any(i["kind"] == "objects" for i in data.inputs):
        stats["o_mean"], stats["o_std"] = ms(data.r["features"][train_rows])
    first = data.offsets[train_rows].astype(np.int64)
    real = np.concatenate([np.arange(a, a + n) for a, n in zip(first, data.counts[train_rows])]) if len(first) else []
    stats["c_mean"], stats["c_std"] = ms(data.r["constituents"][real])
    return stats


def class_weights(spec, labels):
    tr, names = spec["training"], list(spec["label"].get("classes", {}))
    if not names:
        return None
    if "class_weights" in tr:
        return torch.tensor([float(tr["class_weights"][n]) for n in names])
    if tr["balance_classes"]:
        counts = np.bincount(labels, minlength=len(names)).astype(np.float64)
        return torch.tensor(len(labels) / (len(names) * counts), dtype=torch.float32)
    return None


# --- training -------------------------------------------------------------------------------

def train(spec, data, threads=0, log=print):
    tr, net_spec = spec["training"], spec["network"]
    if threads > 0:
        torch.set_num_threads(threads)
    torch.manual_seed(tr["seed"])
    classes = list(spec["label"].get("classes", {}))
    outputs = len(classes) or 1
    train_rows = np.flatnonzero(~data.validation)
    val_rows = np.flatnonzero(data.validation)
    stats = statistics(data, train_rows)
    f = len(stats["c_mean"])
    k = len(stats.get("o_mean", []))
    canonical = Canonical(data.inputs, stats)
    kind = {"deepsets": DeepSets, "attention": Attention}[net_spec["name"]]
    model = kind(canonical, f, k, outputs, net_spec)
    opt = torch.optim.Adam(model.parameters(), lr=tr["learning_rate"], weight_decay=tr["weight_decay"])
    weights = class_weights(spec, data.labels[train_rows])
    if outputs == 1:
        y_all = torch.from_numpy(data.labels.astype(np.float32)).unsqueeze(1)
        pos = float(y_all[train_rows].sum())
        pw = torch.tensor([(len(train_rows) - pos) / pos]) if tr["balance_classes"] and pos > 0 else None
        loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=pw)
    else:
        y_all = torch.from_numpy(data.labels.astype(np.int64))
        loss_fn = torch.nn.CrossEntropyLoss(weight=weights)
    es, batch = tr["early_stopping"], tr["batch_size"]
    gen = torch.Generator().manual_seed(tr["seed"])
    best, best_loss, since, history = None, float("inf"), 0, []
    report = dict(step_seconds=0.0, batch_seconds=0.0, samples=0)
    for epoch in range(1, tr["epochs"] + 1):
        t0 = time.perf_counter()
        model.train()
        perm = train_rows[torch.randperm(len(train_rows), generator=gen).numpy()]
        total = 0.0
        for a in range(0, len(perm), batch):
            rows = perm[a:a + batch]
            b0 = time.perf_counter()
            xs = data.tensors(rows)
            s0 = time.perf_counter()
            report["batch_seconds"] += s0 - b0
            opt.zero_grad()
            loss = loss_fn(model(*xs), y_all[rows])
            loss.backward()
            opt.step()
            report["step_seconds"] += time.perf_counter() - s0
            total += loss.item() * len(rows)
        report["samples"] += len(perm)
        model.eval()
        with torch.no_grad():
            val_loss = float(evaluate_loss(model, data, val_rows, y_all, weights))
        improved = val_loss < best_loss - es["min_delta"]
        if improved:
            best_loss, since, best_epoch = val_loss, 0, epoch
            best = {key: v.clone() for key, v in model.state_dict().items()}
        else:
            since += 1
        history.append(dict(epoch=epoch, train_loss=total / len(perm), val_loss=val_loss))
        log(f"epoch {epoch:2d}  loss {total / len(perm):.4f}  val loss {val_loss:.4f}  "
            f"{time.perf_counter() - t0:.1f} s{'  *' if improved else ''}")
        if es["patience"] > 0 and since >= es["patience"]:
            break
    if best is None:
        raise podml.ModelError(f"training never improved the validation loss (last {val_loss}): NaN in the data, "
                               f"or lower training.learning_rate ({spec['input']['collection']})")
    model.load_state_dict(best)
    model.eval()
    report.update(history=history, best_epoch=best_epoch, validation_loss=best_loss)
    return Probabilities(model, outputs), report


def evaluate_loss(model, data, rows, y_all, weights, block=4096):
    """The validation loss as podml train computes it: binary, the plain mean log loss;
    classes, the class-weighted mean cross-entropy over all rows (sum w_y l / sum w_y)."""
    num = den = 0.0
    for a in range(0, len(rows), block):
        r = rows[a:a + block]
        z, y = model(*data.tensors(r)), y_all[r]
        if z.shape[1] == 1:
            p = torch.sigmoid(z).clamp(1e-7, 1 - 1e-7)
            num += float(-(y * torch.log(p) + (1 - y) * torch.log(1 - p)).sum())
            den += len(r)
        else:
            w = weights[y] if weights is not None else torch.ones(len(r))
            num += float((w * torch.nn.functional.cross_entropy(z, y, reduction="none")).sum())
            den += float(w.sum())
    return num / max(den, 1e-30)


def roc_auc(scores, labels):
    """Area under the ROC curve of `scores` for boolean `labels` (ties count half)."""
    order = np.argsort(scores, kind="mergesort")
    s = scores[order]
    _, inverse, counts = np.unique(s, return_inverse=True, return_counts=True)
    ranks = (np.cumsum(counts) - (counts - 1) / 2.0)[inverse]  # average rank of each tie group
    pos = labels[order]
    n_pos, n_neg = pos.sum(), (~pos).sum()
    if n_pos == 0 or n_neg == 0:
        return 0.5
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def validation_auc(model, data):
    """As podml train reports it: the AUC of a binary model, or the mean over classes of each
    class against the rest."""
    val = np.flatnonzero(data.validation)
    p = predict(model, data, val)
    y = data.labels[val]
    if p.shape[1] == 1:
        return roc_auc(p[:, 0], y > 0.5)
    return float(np.mean([roc_auc(p[:, k], y == k) for k in range(p.shape[1])]))


def predict(model, data, rows, block=4096):
    with torch.no_grad():
        return np.concatenate([model(*data.tensors(rows[a:a + block])).numpy()
                               for a in range(0, len(rows), block)]) if len(rows) else np.zeros((0, 1))


# --- export ---------------------------------------------------------------------------------

def export(model, spec, data, files, report, path):
    """torch.onnx.export, then the card podml train attaches (podml.training_card)."""
    names = [i["name"] for i in spec["inputs"]]
    out = spec["output"]["name"]
    dynamic = {out: {0: "N"}}
    for i in spec["inputs"]:
        axes = {0: "N"}
        layout = layout_of(spec["inputs"], i)
        if layout and data.max == 0:
            axes[2 if layout == "NFP" else 1] = "P"
        dynamic[i["name"]] = axes
    example = data.tensors(np.flatnonzero(data.validation)[:4])
    provenance = dict(trainer=f"examples/python/train_jets.py (PyTorch {torch.__version__})",
                      network=spec["network"], files=[os.fspath(f) for f in files],
                      best_epoch=report["best_epoch"], validation_loss=report["validation_loss"],
                      seed=spec["training"]["seed"])
    card = podml.training_card(spec, files, provenance)
    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, "raw.onnx")
        with warnings.catch_warnings():
            # PyTorch 1.13's exporter warns about its own shape inference of constants.
            warnings.filterwarnings("ignore", category=UserWarning, module="torch.onnx")
            warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)  # shapes traced as constants: fine
            torch.onnx.export(model, tuple(example), raw, opset_version=OPSET, input_names=names,
                              output_names=[out], dynamic_axes=dynamic)
        podml.attach_card(raw, card, path)
    problems = podml.check(path, files[0])
    if problems:
        raise podml.ModelError("exported model does not fit the data: " + "; ".join(problems))


def check_export(model, spec, data, files, path):
    """max |ONNX Runtime - PyTorch| on the validation rows (the graph's own inputs) and on the
    first events through the inference gather (Session.run on frames); raises above TOLERANCE."""
    val = np.flatnonzero(data.validation)
    ref = predict(model, data, val)
    session = podml.Session(path)
    ort = np.concatenate([session.run_tensors([t.numpy() for t in data.tensors(val[a:a + 4096])])[0]
                          for a in range(0, len(val), 4096)])
    diff = float(np.max(np.abs(ort.reshape(ref.shape) - ref))) if len(val) else 0.0
    reader = podml.open(files)
    bound = podml.Session(path, data=reader)
    out = spec["output"]["name"]
    events = min(reader.entries(spec["category"]), GATHER_CHECK_EVENTS)
    first = np.flatnonzero(data.entry < events)
    torch_first = predict(model, data, first)
    for e in np.unique(data.entry[first]):
        rows = np.flatnonzero(data.entry[first] == e)
        got = bound.run(reader.read_frame(int(e), spec["category"]))[out]
        got = got.reshape(got.shape[0], -1)[data.object[first[rows]]]
        diff = max(diff, float(np.max(np.abs(got - torch_first[rows]))))
    if not diff <= TOLERANCE:
        raise podml.ModelError(f"exported model '{path}' differs from PyTorch by {diff:g} (tolerance {TOLERANCE:g})")
    return diff


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("spec", help="training spec version 2 (YAML), as for podml train")
    ap.add_argument("inputs", nargs="+", help="podml files or globs")
    ap.add_argument("-o", "--output", required=True, help="ONNX model to write")
    ap.add_argument("--threads", type=int, default=0, help="PyTorch threads (default: all cores)")
    ap.add_argument("--epochs", type=int, help="override training.epochs")
    ap.add_argument("--no-early-stopping", action="store_true", help="run every epoch (for benchmarks)")
    ap.add_argument("--report", help="write a JSON report (losses, timings) here")
    ap.add_argument("-q", "--quiet", action="store_true")
    args = ap.parse_args(argv)
    spec = podml.read_training_spec(args.spec)
    if args.epochs is not None:
        spec["training"]["epochs"] = args.epochs
    if args.no_early_stopping:
        spec["training"]["early_stopping"]["patience"] = 0
    spec = podml.read_training_spec(spec)  # the overrides checked as the file was
    log = (lambda *_: None) if args.quiet else print
    t0 = time.perf_counter()
    if spec["podml_training"] < 2 or spec["network"]["name"] not in ("deepsets", "attention"):
        raise podml.DefinitionError(f"train_jets.py trains version 2 specs with network deepsets or attention, not "
                                    f"'{spec['network'].get('name', 'mlp')}' ({args.spec}; podml train trains mlp)")
    # The card first, as podml train does: a spec the card cannot hold fails before training.
    podml.training_card(spec, args.inputs)
    data = Rows(spec, args.inputs)
    check_rows(spec, data, args.spec)
    counts = np.bincount(data.labels.astype(np.int64)) if len(data.labels) else []
    log(f"data: {len(data.labels)} jets (per class {list(counts)}), {int(data.validation.sum())} for validation, "
        f"{len(data.r.get('constituents', []))} constituents; read in {data.read_seconds:.2f} s")
    model, report = train(spec, data, args.threads, log)
    export(model, spec, data, args.inputs, report, args.output)
    diff = check_export(model, spec, data, args.inputs, args.output)
    report.update(read_seconds=data.read_seconds, total_seconds=time.perf_counter() - t0, max_export_difference=diff,
                  model=args.output, network=spec["network"]["name"], validation_auc=validation_auc(model, data))
    log(f"wrote {args.output}: best epoch {report['best_epoch']}, validation loss {report['validation_loss']:.4f}, "
        f"AUC {report['validation_auc']:.4f}, "
        f"max |ONNX Runtime - PyTorch| = {diff:.2e}; {report['batch_seconds']:.1f} s building batches, "
        f"{report['step_seconds']:.1f} s optimising")
    if args.report:
        with open(args.report, "w") as f:
            json.dump(report, f, indent=1)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except podml.Error as e:
        print(f"train_jets.py: error: {e}", file=sys.stderr)
        sys.exit(1)
