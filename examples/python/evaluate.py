#!/usr/bin/python3
"""Evaluate a classifier's scores written back by `podml infer`: ROC AUC, signal efficiency at
fixed background rejection, and pictures (ROC curve, score distributions, efficiency vs pT), with
the best single-variable cut, |pT - 40 GeV|, as the baseline the classifier has to beat.

Usage:
  /usr/bin/python3 examples/python/evaluate.py SCORED.h5 --truth EVENTS.h5 --spec SPEC.yaml --out DIR

SCORED.h5 is the output of `podml infer` (it holds the scored collection and the new score
collection named in the model card); EVENTS.h5 is the file that was scored, which still holds the
truth links the spec's label is taken from. Labels are joined exactly as for training
(examples/python/train.py). Writes DIR/roc.png, DIR/scores.png, DIR/efficiency_vs_pt.png and
DIR/summary.json; prints a summary.
"""

import argparse
import functools
import importlib.util
import json
import os
import sys

import numpy as np

import podml

HERE = os.path.dirname(os.path.abspath(__file__))


@functools.cache
def _train_module():
    spec = importlib.util.spec_from_file_location("podml_train_example", os.path.join(HERE, "train.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def roc(scores, labels):
    """(background efficiency, signal efficiency) for every threshold, highest first."""
    order = np.argsort(-scores, kind="mergesort")
    lab = labels[order] > 0.5
    sig = np.cumsum(lab) / max(1, lab.sum())
    bkg = np.cumsum(~lab) / max(1, (~lab).sum())
    return bkg, sig


def efficiency_at(bkg, sig, background_efficiency):
    i = np.searchsorted(bkg, background_efficiency, side="left")
    return float(sig[min(i, len(sig) - 1)])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scored", help="output of podml infer")
    ap.add_argument("--truth", required=True, help="the podml file that was scored (holds the truth links)")
    ap.add_argument("--spec", required=True, help="the training spec (label definition)")
    ap.add_argument("--model", help="the ONNX model (for the card's output collection; default: from the spec)")
    ap.add_argument("--out", required=True, help="directory for the pictures and summary.json")
    args = ap.parse_args(argv)

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    spec = podml.read_training_spec(args.spec)  # as podml train reads it
    target = spec["output"]["target"]
    coll_in = spec["input"]["collection"]
    os.makedirs(args.out, exist_ok=True)

    scored = podml.open(args.scored)
    ids = scored.read_columns(target["collection"], [target["member"], f"{target['relation']}.index"])
    reco = scored.read_columns(coll_in, ["momentum.x", "momentum.y"])
    offsets = reco.offsets.astype(np.int64)
    if not np.array_equal(ids.offsets, reco.offsets):
        raise podml.UsageError(f"'{target['collection']}' does not hold one score per object of '{coll_in}'")
    # Scores follow their relation to the scored object, so the order of the score collection does not matter.
    rows = offsets[np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))] + ids[f"{target['relation']}.index"]
    scores = np.empty(offsets[-1], dtype=np.float64)
    scores[rows] = ids[target["member"]]

    # The labels as podml train makes them, placed by (entry, object): objects the label drops
    # (unlinked: skip) are left out of the evaluation too.
    truth = podml.labelled_rows(spec, [args.truth])
    if truth["events"] != len(offsets) - 1:
        raise podml.UsageError(f"'{args.truth}' has {truth['events']} events, the scored file {len(offsets) - 1}")
    where = offsets[truth["entry"].astype(np.int64)] + truth["object"]
    scores, labels = scores[where], truth["labels"]
    pt = np.hypot(reco["momentum.x"], reco["momentum.y"])[where]
    sig = labels > 0.5

    auc = _train_module().roc_auc(scores, labels)
    # The best single-variable cut of the toy (docs/toy-dataset.md): the prompt leptons' pT has
    # the W/Z Jacobian peak near 40 GeV, so closeness to it is the score (larger = more signal-like).
    baseline_name = "|pT - 40 GeV|"
    baseline = -np.abs(pt - 40.0)
    baseline_auc = _train_module().roc_auc(baseline, labels)
    base_bkg, base_sig = roc(baseline, labels)
    bkg_eff, sig_eff = roc(scores, labels)
    points = {f"signal efficiency at background rejection {int(1 / b)}": efficiency_at(bkg_eff, sig_eff, b)
              for b in (0.1, 0.01, 0.001)}

    files = {}
    # ROC curve as physicists draw it: signal efficiency against background rejection.
    fig, ax = plt.subplots(figsize=(6, 4.5))
    ok = bkg_eff > 0
    ax.plot(sig_eff[ok], 1 / bkg_eff[ok], label=f"podml MLP (AUC = {auc:.4f})")
    ok = base_bkg > 0
    ax.plot(base_sig[ok], 1 / base_bkg[ok], "--", color="black",
            label=f"simple cut on {baseline_name} (AUC = {baseline_auc:.4f})")
    ax.plot(np.linspace(0.01, 1, 100), 1 / np.linspace(0.01, 1, 100), ":", color="grey", label="random")
    ax.set_yscale("log")
    ax.set_xlabel("signal efficiency (prompt leptons)")
    ax.set_ylabel("background rejection (1 / efficiency)")
    ax.set_title("Prompt-lepton ID on the podml toy")
    ax.grid(alpha=0.3)
    ax.legend()
    files["roc.png"] = f"ROC curve: signal efficiency vs background rejection, with the cut on {baseline_name}"
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, "roc.png"), dpi=120)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(6, 4.5))
    bins = np.linspace(0, 1, 51)
    ax.hist(scores[~sig], bins=bins, histtype="stepfilled", alpha=0.5, density=True, label=f"background ({(~sig).sum()})")
    ax.hist(scores[sig], bins=bins, histtype="step", linewidth=2, density=True, label=f"signal ({sig.sum()})")
    ax.set_yscale("log")
    ax.set_xlabel(f"{target['type']}.{target['member']}")
    ax.set_ylabel("normalised entries")
    ax.set_title("Classifier score")
    ax.legend()
    files["scores.png"] = "score distributions of signal and background"
    # The range of the score needs saying: a sigmoid of a network trained on the natural
    # class fractions (or balanced, if the spec says so), not a calibrated probability.
    balanced = bool(spec.get("training", {}).get("balance_classes"))
    fig.text(0.01, 0.01, "Sigmoid output trained with " + ("balanced classes (signal weighted up): scores are pushed "
             "towards 1, not probabilities" if balanced else "the natural class fractions (few signal): scores near 1 "
             "are rare; not calibrated per pT"), fontsize=7, ha="left", va="bottom")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    fig.savefig(os.path.join(args.out, "scores.png"), dpi=120)
    plt.close(fig)

    # Efficiency vs pT at the working point with background rejection 100.
    cut = np.quantile(scores[~sig], 0.99) if (~sig).any() else 0.5
    edges = np.array([0, 5, 10, 15, 20, 30, 40, 50, 70, 100, 200])
    centres = 0.5 * (edges[1:] + edges[:-1])
    idx = np.digitize(pt, edges) - 1

    def eff(mask):
        out = np.full(len(centres), np.nan)
        for k in range(len(centres)):
            m = mask & (idx == k)
            if m.sum() >= 10:
                out[k] = np.mean(scores[m] > cut)
        return out

    fig, ax = plt.subplots(figsize=(6, 4.5))
    ax.plot(centres, eff(sig), "o-", label="signal efficiency")
    ax.plot(centres, eff(~sig), "s--", label="background efficiency")
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("transverse momentum [GeV]")
    ax.set_ylabel(f"efficiency of score > {cut:.3f}")
    ax.set_title("Working point with background rejection 100")
    ax.grid(alpha=0.3)
    ax.legend()
    files["efficiency_vs_pt.png"] = "efficiency vs pT at background rejection 100"
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, "efficiency_vs_pt.png"), dpi=120)
    plt.close(fig)

    summary = {"objects": int(len(scores)), "signal": int(sig.sum()), "roc_auc": auc, **points,
               "working_point_cut": float(cut), "baseline": baseline_name, "baseline_auc": baseline_auc}
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    files["summary.json"] = "these numbers, machine-readable"

    print(f"objects scored: {len(scores)} ({sig.sum()} prompt leptons)")
    print(f"ROC AUC: {auc:.4f} (simple cut on {baseline_name}: {baseline_auc:.4f})")
    for k, v in points.items():
        print(f"{k}: {v:.3f}")
    for name, what in files.items():
        print(f"wrote {os.path.join(args.out, name)}: {what}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except podml.Error as e:
        print(f"evaluate.py: error: {e}", file=sys.stderr)
        sys.exit(1)
