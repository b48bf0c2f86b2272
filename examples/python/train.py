#!/usr/bin/python3
"""Train a binary classifier on podml files with PyTorch and export it to ONNX with a model card.

The Python route of podml's training (docs/training.md). It reads the same YAML spec as
`podml train`, so both routes see the same features, labels and validation split:

  1. read the feature columns of the input collection with podml (NumPy views, no copy),
  2. join the label through the link, as `podml train` does,
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
import yaml

import podml

OPSET = 17
TOLERANCE = 1e-5


# --- the validation split: the same hash as podml::train::isValidationEvent -------------

def _mix(z):
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def validation_events(entries, seed, fraction):
    """Boolean mask over events: True for the validation split (as podml train splits)."""
    with np.errstate(over="ignore"):
        e = np.arange(entries, dtype=np.uint64)
        h = _mix((np.uint64(seed) * np.uint64(0x9E3779B97F4A7C15)) ^ _mix(e))
    return (h >> np.uint64(11)).astype(np.float64) * 2.0**-53 < fraction


# --- data -----------------------------------------------------------------------------------

def load(spec, files):
    """Features [rows, width] (float32), labels [rows] and the validation mask per row."""
    reader = podml.open(files)
    category = spec.get("category", "events")
    inp = spec["input"]
    feats = spec["features"]
    t0 = time.perf_counter()
    batch = reader.read_columns(inp["collection"], feats, category=category)
    # One gather into a row-major matrix: the columns themselves are views of podml's buffers.
    x = np.concatenate([batch[p].reshape(len(batch[p]), -1).astype(np.float32, copy=False) for p in feats], axis=1)
    offsets = batch.offsets.astype(np.int64)
    rows = len(x)
    events = len(offsets) - 1
    event_of_row = np.repeat(np.arange(events), np.diff(offsets))

    label = spec["label"]
    signal = set(label.get("in", []))
    is_signal = (lambda v: np.isin(v, list(signal))) if signal else (lambda v: v != 0)
    if label.get("link") or label.get("relation"):
        y, keep = _labels_through_link(reader, spec, category, offsets, rows, is_signal)
    else:
        own = reader.read_columns(inp["collection"], [label["member"]], category=category)
        y = is_signal(own[label["member"]]).astype(np.float32)
        keep = np.ones(rows, dtype=bool)
    read_seconds = time.perf_counter() - t0

    tr = spec.get("training", {})
    val_event = validation_events(events, tr.get("seed", 42), tr.get("validation_fraction", 0.2))
    is_val = val_event[event_of_row]
    return reader, x[keep], y[keep], is_val[keep], read_seconds


def _pairs_through_link(reader, spec, category, infos):
    """(event, input index, target collection ID, target index) per link, as arrays."""
    label = spec["label"]
    inp = infos[spec["input"]["collection"]]
    link = infos[label["link"]]
    model = reader.data_models()[link.data_model].definition()
    link_def = model.get("links", {}).get(link.type)
    if link_def is None:
        raise podml.UsageError(f"label link collection '{label['link']}' holds {link.type}, which is not a link")
    # Which side of the link points at the input objects.
    side, other = ("from", "to")
    if link_def["From"] != inp.type and link_def["To"] == inp.type:
        side, other = ("to", "from")
    cols = [f"{side}.index", f"{side}.collectionID", f"{other}.index", f"{other}.collectionID"]
    lb = reader.read_columns(label["link"], cols, category=category)
    event = np.repeat(np.arange(len(lb.offsets) - 1), np.diff(lb.offsets.astype(np.int64)))
    ok = (lb[cols[1]] == inp.collection_id) & (lb[cols[0]] >= 0)
    return event[ok], lb[cols[0]][ok].astype(np.int64), lb[cols[3]][ok], lb[cols[2]][ok].astype(np.int64)


def _pairs_through_relation(reader, spec, category, infos, offsets):
    """(event, input index, target collection ID, target index) per related target, as arrays."""
    rel = spec["label"]["relation"]
    coll = spec["input"]["collection"]
    ids = reader.read_columns(coll, [f"{rel}.index", f"{rel}.collectionID"], category=category)
    t_idx, t_cid = ids[f"{rel}.index"].astype(np.int64), ids[f"{rel}.collectionID"]
    events = len(offsets) - 1
    many = any(c.path == f"{rel}_begin" for c in infos[coll].columns)
    if not many:
        event = np.repeat(np.arange(events), np.diff(offsets))
        return event, np.arange(len(event)) - offsets[event], t_cid, t_idx
    # One-to-many: object j of entry e owns targets [begin[j], end[j]) of the entry's targets.
    rg = reader.read_columns(coll, [f"{rel}_begin", f"{rel}_end"], category=category)
    begin, end = rg[f"{rel}_begin"].astype(np.int64), rg[f"{rel}_end"].astype(np.int64)
    obj_event = np.repeat(np.arange(events), np.diff(offsets))
    counts = end - begin
    obj = np.repeat(np.arange(len(begin)), counts)
    within = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    value = ids.offsets.astype(np.int64)[obj_event[obj]] + begin[obj] + within
    return obj_event[obj], obj - offsets[obj_event[obj]], t_cid[value], t_idx[value]


def _labels_through_link(reader, spec, category, offsets, rows, is_signal):
    """Labels from the objects a link or relation connects each input object to."""
    label = spec["label"]
    infos = {c.name: c for c in reader.collections(category)}
    if label.get("relation"):
        event, in_idx, t_cid, t_idx = _pairs_through_relation(reader, spec, category, infos, offsets)
    else:
        event, in_idx, t_cid, t_idx = _pairs_through_link(reader, spec, category, infos)
    y = np.zeros(rows, dtype=np.float32)
    linked = np.zeros(rows, dtype=bool)
    ok = t_idx >= 0
    for target in [c for c in infos.values() if c.collection_id in set(np.unique(t_cid[ok]).tolist())]:
        tb = reader.read_columns(target.name, [label["member"]], category=category)
        toff = tb.offsets.astype(np.int64)
        sel = ok & (t_cid == target.collection_id)
        values = tb[label["member"]][toff[event[sel]] + t_idx[sel]]
        row = offsets[event[sel]] + in_idx[sel]
        # Several targets for one object: signal if any of them is.
        np.maximum.at(y, row, is_signal(values).astype(np.float32))
        linked[row] = True
    keep = linked if label.get("unlinked") == "skip" else np.ones(rows, dtype=bool)
    return y, keep


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
    tr = spec.get("training", {})
    net = spec.get("network", {})
    seed = tr.get("seed", 42)
    if threads > 0:
        torch.set_num_threads(threads)
    torch.manual_seed(seed)
    xt, yt = torch.from_numpy(x[~is_val]), torch.from_numpy(y[~is_val]).unsqueeze(1)
    xv, yv = torch.from_numpy(x[is_val]), y[is_val]
    mean = xt.double().mean(0).float()
    std = xt.double().std(0, unbiased=False).float()
    std[std <= 1e-12] = 1.0
    model = Classifier(mean, std, net.get("hidden", [64, 64]), net.get("activation", "relu"))
    opt = torch.optim.Adam(model.parameters(), lr=tr.get("learning_rate", 1e-3), weight_decay=tr.get("weight_decay", 0.0))
    loss_fn = torch.nn.BCEWithLogitsLoss()
    es = tr.get("early_stopping", {})
    patience, min_delta = es.get("patience", 3), es.get("min_delta", 1e-4)
    batch = tr.get("batch_size", 256)
    gen = torch.Generator().manual_seed(seed)
    best, best_loss, since, history, step_seconds, samples = None, float("inf"), 0, [], 0.0, 0
    for epoch in range(1, tr.get("epochs", 20) + 1):
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

def card_for(spec, report, files, reader):
    out = spec.get("output", {})
    name_in = spec["input"].get("name", "features")
    category = spec.get("category", "events")
    info = next(c for c in reader.collections(category) if c.name == spec["input"]["collection"])
    card = {
        "podml_card": 1,
        "datamodel": {"name": info.data_model, "schema_version": info.schema_version},
        "inputs": [{
            "name": name_in,
            "collection_type": spec["input"]["type"],
            "collection": spec["input"]["collection"],
            "members": list(spec["features"]),
            "dtype": "float32",
            "shape": ["N", len(spec["features"])],
            "preprocessing": "standardised in the graph: (x - mean) / std, mean and std of the training set",
        }],
        "outputs": [{
            "name": out.get("name", "score"),
            "meaning": out.get("meaning", "probability of the signal class"),
            "dtype": "float32",
            "shape": ["N", 1],
            "input": name_in,
        }],
        "provenance": {
            "trainer": f"examples/python/train.py (PyTorch {torch.__version__})",
            "files": [os.fspath(f) for f in files],
            "best_epoch": report["best_epoch"],
            "validation_auc": report["validation_auc"],
            "seed": spec.get("training", {}).get("seed", 42),
        },
    }
    if "target" in out:
        card["outputs"][0]["target"] = dict(out["target"])
    return card


def export(model, spec, report, reader, files, path):
    """torch.onnx.export, then the card attached with podml (members completed from the data)."""
    name_in = spec["input"].get("name", "features")
    name_out = spec.get("output", {}).get("name", "score")
    width = len(model.classifier.mean) if isinstance(model, Probabilities) else len(model.mean)
    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, "raw.onnx")
        torch.onnx.export(Probabilities(model), torch.zeros(2, width), raw, opset_version=OPSET,
                          input_names=[name_in], output_names=[name_out],
                          dynamic_axes={name_in: {0: "N"}, name_out: {0: "N"}})
        podml.attach_card(raw, card_for(spec, report, files, reader), path, data=reader)
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
    with open(args.spec) as f:
        spec = yaml.safe_load(f)
    tr = spec.setdefault("training", {})
    if args.epochs:
        tr["epochs"] = args.epochs
    if args.no_early_stopping:
        tr.setdefault("early_stopping", {})["patience"] = 0
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
