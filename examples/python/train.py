#!/usr/bin/python3
"""Train a binary classifier on podml files with PyTorch and export it to ONNX with a model card.

The Python route of podml's training (docs/training.md). It reads the same YAML spec as
`podml train`, so both routes see the same features, labels and validation split:

  1. read the spec and the feature columns of the input collection as `podml train` does,
  2. join the label through the link, with the same C++ code as `podml train` (podml.labelled_rows),
  3. train an MLP with PyTorch (standardisation inside the network),
  4. export with torch.onnx.export (opset 17, dynamic object axis "N"),
  5. attach the model card with podml and check the export with ONNX Runtime.

Usage:
  /usr/bin/python3 examples/python/train.py examples/toy-train.yaml toy.h5 -o model.onnx
Then run it over events with C++ inference:
  podml infer model.onnx fresh.h5 -o scored.h5
"""

import argparse
import json
import os
import sys
import tempfile
import time

import numpy as np
import torch

import podml

OPSET = 17
TOLERANCE = 1e-5


# --- data -----------------------------------------------------------------------------------

def load(spec, files):
    """Features [rows, width] (float32), labels [rows] and the validation mask per row.

    podml.labelled_rows makes the rows exactly as `podml train` does (the same C++ code): the
    feature columns by bulk reads (array members give all their elements), the label joined
    through the spec's link or relation, the split by a hash of the event number."""
    t0 = time.perf_counter()
    rows = podml.labelled_rows(spec, files)
    read_seconds = time.perf_counter() - t0
    return podml.open(files), rows["features"], rows["labels"], rows["validation"], read_seconds


# --- model ----------------------------------------------------------------------------------

ACTIVATIONS = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid,
               "elu": torch.nn.ELU, "leaky_relu": lambda: torch.nn.LeakyReLU(0.01)}


class Classifier(torch.nn.Module):
    """Standardisation, MLP, logit; probabilities() adds the sigmoid for export."""

    def __init__(self, mean, std, hidden, activation):
        super().__init__()
        self.register_buffer("mean", torch.as_tensor(mean))
        self.register_buffer("std", torch.as_tensor(std))
        layers, width = [], len(mean)
        for h in hidden:
            layers += [torch.nn.Linear(width, h), ACTIVATIONS[activation]()]
            width = h
        layers.append(torch.nn.Linear(width, 1))
        self.net = torch.nn.Sequential(*layers)

    def forward(self, x):
        return self.net((x - self.mean) / self.std)


class Probabilities(torch.nn.Module):
    def __init__(self, classifier):
        super().__init__()
        self.classifier = classifier

    def forward(self, x):
        return torch.sigmoid(self.classifier(x))


def roc_auc(scores, labels):
    """Area under the ROC curve (ties count half)."""
    order = np.argsort(scores, kind="mergesort")
    s = scores[order]
    ranks = np.empty(len(s), dtype=np.float64)
    # Average ranks of tied scores.
    _, start, counts = np.unique(s, return_index=True, return_counts=True)
    for a, n in zip(start, counts):
        ranks[a:a + n] = a + (n + 1) / 2.0
    r = np.empty_like(ranks)
    r[order] = ranks
    pos = labels > 0.5
    n_pos, n_neg = pos.sum(), (~pos).sum()
    return float((r[pos].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def train(spec, x, y, is_val, threads=0, log=print):
    """Trains on the rows of `load`; `spec` as podml.read_training_spec returns it (defaults filled)."""
    tr = spec["training"]
    net = spec["network"]
    seed = tr["seed"]
    if threads > 0:
        torch.set_num_threads(threads)
    torch.manual_seed(seed)
    xt, yt = torch.from_numpy(x[~is_val]), torch.from_numpy(y[~is_val]).unsqueeze(1)
    xv, yv = torch.from_numpy(x[is_val]), y[is_val]
    mean = xt.double().mean(0).float()
    std = xt.double().std(0, unbiased=False).float()
    std[std <= 1e-12] = 1.0
    model = Classifier(mean, std, net["hidden"], net["activation"])
    opt = torch.optim.Adam(model.parameters(), lr=tr["learning_rate"], weight_decay=tr["weight_decay"])
    positives = float(yt.sum())
    # balance_classes: the positive class weighted by negatives/positives, as podml train does.
    pos_weight = torch.tensor([(len(yt) - positives) / positives]) if tr["balance_classes"] and positives > 0 else None
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    es = tr["early_stopping"]
    patience, min_delta = es["patience"], es["min_delta"]
    batch = tr["batch_size"]
    gen = torch.Generator().manual_seed(seed)
    best, best_loss, since, history, step_seconds, samples = None, float("inf"), 0, [], 0.0, 0
    for epoch in range(1, tr["epochs"] + 1):
        t0 = time.perf_counter()
        model.train()
        perm = torch.randperm(len(xt), generator=gen)
        total = 0.0
        for a in range(0, len(xt), batch):
            idx = perm[a:a + batch]
            s0 = time.perf_counter()
            opt.zero_grad()
            loss = loss_fn(model(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
            step_seconds += time.perf_counter() - s0
            total += loss.item() * len(idx)
        samples += len(xt)
        model.eval()
        with torch.no_grad():
            p = torch.sigmoid(model(xv)).squeeze(1).numpy()
        pc = np.clip(p, 1e-7, 1 - 1e-7)
        val_loss = float(-np.mean(np.where(yv > 0.5, np.log(pc), np.log(1 - pc))))
        auc = roc_auc(p, yv)
        acc = float(np.mean((p >= 0.5) == (yv > 0.5)))
        improved = val_loss < best_loss - min_delta
        if improved:
            best_loss, since = val_loss, 0
            best = {k: v.clone() for k, v in model.state_dict().items()}
            best_epoch, best_auc, best_acc = epoch, auc, acc
        else:
            since += 1
        history.append(dict(epoch=epoch, train_loss=total / len(xt), val_loss=val_loss, val_auc=auc, val_acc=acc))
        log(f"epoch {epoch:2d}  loss {total / len(xt):.4f}  val loss {val_loss:.4f}  val acc {acc:.4f}  "
            f"val AUC {auc:.4f}  {time.perf_counter() - t0:.1f} s{'  *' if improved else ''}")
        if patience > 0 and since >= patience:
            break
    model.load_state_dict(best)
    model.eval()
    return model, dict(history=history, best_epoch=best_epoch, validation_auc=best_auc, validation_accuracy=best_acc,
                       step_seconds=step_seconds, samples=samples)


# --- export ---------------------------------------------------------------------------------

def export(model, spec, report, reader, files, path):
    """torch.onnx.export, then the card attached with podml (members completed from the data)."""
    name_in = spec["input"]["name"]
    name_out = spec["output"]["name"]
    width = len(model.classifier.mean) if isinstance(model, Probabilities) else len(model.mean)
    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, "raw.onnx")
        torch.onnx.export(Probabilities(model), torch.zeros(2, width), raw, opset_version=OPSET,
                          input_names=[name_in], output_names=[name_out],
                          dynamic_axes={name_in: {0: "N"}, name_out: {0: "N"}})
        # The card podml train attaches for this spec (one builder for both routes).
        provenance = {"trainer": f"examples/python/train.py (PyTorch {torch.__version__})",
                      "files": [os.fspath(f) for f in files], "best_epoch": report["best_epoch"],
                      "validation_auc": report["validation_auc"], "seed": spec["training"]["seed"]}
        podml.attach_card(raw, podml.training_card(spec, files, provenance), path)
    problems = podml.check(path, reader)
    if problems:
        raise podml.ModelError("exported model does not fit the data: " + "; ".join(problems))


def check_export(model, path, x):
    """max |ONNX Runtime - PyTorch| over `x`; raises if above TOLERANCE."""
    session = podml.Session(path)
    ort = session.run_tensors([x])[0].reshape(-1)
    with torch.no_grad():
        ref = torch.sigmoid(model(torch.from_numpy(x))).squeeze(1).numpy()
    diff = float(np.max(np.abs(ort - ref))) if len(x) else 0.0
    if not diff <= TOLERANCE:
        raise podml.ModelError(f"exported model '{path}' differs from PyTorch by {diff:g} (tolerance {TOLERANCE:g})")
    return diff


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("spec", help="training spec (YAML), as for podml train")
    ap.add_argument("inputs", nargs="+", help="podml files or globs")
    ap.add_argument("-o", "--output", required=True, help="ONNX model to write")
    ap.add_argument("--threads", type=int, default=0, help="PyTorch threads (default: all cores)")
    ap.add_argument("--epochs", type=int, help="override training.epochs")
    ap.add_argument("--no-early-stopping", action="store_true", help="run every epoch (for benchmarks)")
    ap.add_argument("--report", help="write a JSON report (AUC, timings) here")
    ap.add_argument("-q", "--quiet", action="store_true")
    args = ap.parse_args(argv)
    # Read as podml train reads it: unknown keys and bad values are errors naming the line.
    spec = podml.read_training_spec(args.spec)
    if args.epochs:
        spec["training"]["epochs"] = args.epochs
    if args.no_early_stopping:
        spec["training"]["early_stopping"]["patience"] = 0
    spec = podml.read_training_spec(spec)  # the overrides checked as the file was
    if spec["podml_training"] != 1:
        raise podml.DefinitionError(f"train.py trains version 1 specs ({args.spec} is version {spec['podml_training']}: "
                                    "podml train trains its mlp and deepsets, examples/python/train_jets.py its "
                                    "deepsets and attention)")
    log = (lambda *_: None) if args.quiet else print
    t0 = time.perf_counter()
    reader, x, y, is_val, read_seconds = load(spec, args.inputs)
    log(f"data: {len(x)} objects ({int(y.sum())} signal), {int(is_val.sum())} for validation; read in {read_seconds:.2f} s")
    model, report = train(spec, x, y, is_val, args.threads, log)
    export(model, spec, report, reader, args.inputs, args.output)
    diff = check_export(model, args.output, np.ascontiguousarray(x[is_val]))
    report.update(read_seconds=read_seconds, total_seconds=time.perf_counter() - t0, max_export_difference=diff,
                  training_objects=int((~is_val).sum()), validation_objects=int(is_val.sum()), model=args.output)
    log(f"wrote {args.output}: best epoch {report['best_epoch']}, validation AUC {report['validation_auc']:.4f}, "
        f"max |ONNX Runtime - PyTorch| = {diff:.2e}")
    if args.report:
        with open(args.report, "w") as f:
            json.dump(report, f, indent=1)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except podml.Error as e:
        print(f"train.py: error: {e}", file=sys.stderr)
        sys.exit(1)
