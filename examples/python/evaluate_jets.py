#!/usr/bin/python3
"""Evaluate jet flavour taggers written back by `podml infer`: b- and c-tagging rejection
against simple impact-parameter cuts, discriminant distributions and a summary.

Usage:
  /usr/bin/python3 examples/python/evaluate_jets.py --truth EVENTS.h5 \\
      --model NAME=SCORED.h5:PREFIX [--model ...] --out DIR [--fc 0.05] [--fb 0.2]
e.g.
  --model DeepSets=demo/scored_jets.h5:JetTags --model "jet MLP"=demo/scored_jets.h5:JetMLPTags

EVENTS.h5 is the file that was scored: it holds the jets, their constituents' tracks and the
flavour links (JetMCFlavourLinks; a jet without a link is light). Each model's scores are the
three edm4hep::ParticleID collections PREFIX_b, PREFIX_c and PREFIX_light of SCORED.h5, whose
`likelihood` is the class probability and whose `particle` points at the jet in Jets; several
models may share one file. The taggers are compared as ATLAS and CMS do it, through
  D_b = ln(p_b / (f_c p_c + (1 - f_c) p_light)),  D_c = ln(p_c / (f_b p_b + (1 - f_b) p_light)),
with the simple cuts on the largest and second-largest |d0|/sigma(d0) of the jet's constituents
("track counting") beside them. Writes DIR/btag_rejection.png, DIR/ctag_rejection.png,
DIR/discriminants.png and DIR/jets_summary.json; prints a table.
"""

import argparse
import json
import os
import sys

import numpy as np

import podml

CLASSES = ("b", "c", "light")
BTAG_POINTS = (0.70, 0.77)
CTAG_POINTS = (0.30, 0.50)  # c tagging is used at lower efficiencies than b tagging
CUTS = ("2nd largest |d0|/sigma(d0)", "largest |d0|/sigma(d0)")


def entry_of(offsets):
    """The entry of every row of a column whose per-entry offsets these are."""
    return np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))


def offsets_of(batch):
    return batch.offsets.astype(np.int64)


def truth_flavour(reader, jet_offsets):
    """5, 4 or 0 per jet: the heaviest quark digit of the linked hadron; no link is light."""
    links = reader.read_columns("JetMCFlavourLinks", ["from.index", "to.index"])
    mc = reader.read_columns("MCParticles", ["PDG"])
    ev = entry_of(offsets_of(links))
    jet, hadron = links["from.index"].astype(np.int64), links["to.index"].astype(np.int64)
    ok = (jet >= 0) & (hadron >= 0)
    pdg = np.abs(mc["PDG"].astype(np.int64)[offsets_of(mc)[ev[ok]] + hadron[ok]])
    digit = np.maximum.reduce([(pdg // 10) % 10, (pdg // 100) % 10, (pdg // 1000) % 10])
    flavour = np.zeros(jet_offsets[-1], dtype=np.int64)
    # A jet with several links takes the heaviest, as the toy's b-over-c precedence does.
    np.maximum.at(flavour, jet_offsets[ev[ok]] + jet[ok], digit)
    return np.where(np.isin(flavour, (4, 5)), flavour, 0)


def track_counting(reader, jet_offsets):
    """(largest, second largest) |d0|/sigma(d0) among each jet's constituents; -1 if missing."""
    rel = reader.read_columns("Jets", ["particles_begin", "particles_end"])
    links = reader.read_columns("Jets", ["particles.index"])
    reco = reader.read_columns("ReconstructedParticles", ["referencePoint.x", "referencePoint.y"])
    tracks = reader.read_columns("Tracks", ["trackStates_begin", "trackStates_end"])
    states = reader.read_columns("Tracks", ["trackStates.covMatrix.values"])
    if not np.array_equal(tracks.offsets, reco.offsets):
        raise podml.UsageError("Tracks is not aligned with ReconstructedParticles (one track per particle)")
    # The first track state is the one at the IP: its D0 variance is the d0 resolution.
    ev_t = entry_of(offsets_of(tracks))
    first_state = offsets_of(states)[ev_t] + tracks["trackStates_begin"].astype(np.int64)
    var = np.asarray(states["trackStates.covMatrix.values"])[first_state, 0].astype(np.float64)
    d0 = np.hypot(reco["referencePoint.x"], reco["referencePoint.y"]).astype(np.float64)
    # A track without a usable variance cannot claim to be displaced.
    significance = np.divide(d0, np.sqrt(np.maximum(var, 0)), out=np.zeros_like(d0), where=var > 0)
    significance[tracks["trackStates_end"] == tracks["trackStates_begin"]] = 0

    ev_j = entry_of(jet_offsets)
    begin = offsets_of(links)[ev_j] + rel["particles_begin"].astype(np.int64)
    counts = (rel["particles_end"].astype(np.int64) - rel["particles_begin"].astype(np.int64))
    jet = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    link_row = begin[jet] + np.arange(counts.sum()) - starts[jet]
    particle = offsets_of(reco)[ev_j[jet]] + links["particles.index"].astype(np.int64)[link_row]
    s = significance[particle]
    # Grouped by jet (as `jet` already is), largest first; the -1 at the end keeps the
    # gathers below in range for jets without constituents.
    s = np.append(s[np.lexsort((-s, jet))], -1.0)
    largest = np.where(counts >= 1, s[np.minimum(starts, len(s) - 1)], -1.0)
    second = np.where(counts >= 2, s[np.minimum(starts + 1, len(s) - 1)], -1.0)
    return largest, second


def check_same_jets(reader, path, truth_jets):
    jets = reader.read_columns("Jets", ["energy"])
    if not (np.array_equal(jets.offsets, truth_jets.offsets) and np.array_equal(jets["energy"], truth_jets["energy"])):
        raise podml.UsageError(f"'{path}': its Jets are not those of the truth file (another file was scored?)")


def read_probabilities(reader, path, prefix, jet_offsets):
    """{class: probability per jet}, placed through `particle` so the order does not matter."""
    have = {c.name: c for c in reader.collections("events")}
    n_jets, p = int(jet_offsets[-1]), {}
    for k in CLASSES:
        coll = f"{prefix}_{k}"
        if coll not in have:
            raise podml.UsageError(f"'{path}' has no collection '{coll}'")
        ids = reader.read_columns(coll, ["likelihood", "particle.index", "particle.collectionID"])
        off = offsets_of(ids)
        if len(off) != len(jet_offsets):
            raise podml.UsageError(f"'{path}': '{coll}' has {len(off) - 1} entries, Jets {len(jet_offsets) - 1}")
        ev, local = entry_of(off), ids["particle.index"].astype(np.int64)
        bad = ((ids["particle.collectionID"] != have["Jets"].collection_id) | (local < 0)
               | (local >= np.diff(jet_offsets)[ev]))
        if bad.any():
            raise podml.UsageError(f"'{path}': {bad.sum()} scores of '{coll}' do not point at a jet of their entry in Jets")
        rows = jet_offsets[ev] + local
        n = np.bincount(rows, minlength=n_jets)
        if (n != 1).any():
            raise podml.UsageError(f"'{path}': '{coll}' must hold exactly one score per jet: "
                                   f"{(n == 0).sum()} jets have none, {(n > 1).sum()} more than one")
        p[k] = np.empty(n_jets)
        p[k][rows] = ids["likelihood"]
    return p


def discriminant(p, signal, other, fraction):
    """ln(p_signal / (f p_other + (1 - f) p_light)); probabilities of exactly 0 are raised to the
    smallest float32 so that D stays finite (it only ties jets that are tied anyway)."""
    tiny = np.finfo(np.float32).tiny
    den = fraction * p[other] + (1 - fraction) * p["light"]
    return np.log(np.maximum(p[signal], tiny)) - np.log(np.maximum(den, tiny))


def roc(score, sig, bkg):
    """(signal efficiency, background efficiency) for every threshold, highest first."""
    keep = sig | bkg
    s = sig[keep][np.argsort(-score[keep], kind="mergesort")]
    return np.cumsum(s) / max(1, s.sum()), np.cumsum(~s) / max(1, (~s).sum())


def rejection(score, sig, bkg, efficiency):
    """Background rejection at the cut that keeps `efficiency` of the signal."""
    cut = np.quantile(score[sig], 1 - efficiency)
    passing, n = int((score[bkg] >= cut).sum()), int(bkg.sum())
    out = {"rejection": n / passing if passing else None, "passing": passing, "background": n}
    if not passing:
        # None of n passed: the efficiency is below 1/n, the rejection above n.
        out.update(rejection_lower_limit=n, efficiency_upper_limit=1 / n)
    return out


def rejections(score, flavours, signal, backgrounds, points):
    return {f"{e:.2f}": {b: rejection(score, flavours[signal], flavours[b], e) for b in backgrounds}
            for e in points}


def value(r):
    return np.inf if r["rejection"] is None else r["rejection"]


def parse_model(text):
    name, sep, rest = text.partition("=")
    path, sep2, prefix = rest.rpartition(":")
    if not (sep and sep2 and name and path and prefix):
        raise argparse.ArgumentTypeError(f"'{text}' is not NAME=SCORED.h5:PREFIX")
    return name, path, prefix


def rejection_plot(plt, path, title, flavours, signal, backgrounds, curves, xlim, guides):
    fig, axes = plt.subplots(1, len(backgrounds), figsize=(11, 4.6))
    for ax, bkg in zip(axes, backgrounds):
        top = 1.0
        for label, score, style in curves:
            es, eb = roc(score, flavours[signal], flavours[bkg])
            ok = eb > 0  # a rejection of infinity has no place on a log axis
            ax.plot(es[ok], 1 / eb[ok], label=label, **style)
            seen = ok & (es >= xlim[0])
            top = max(top, (1 / eb[seen]).max() if seen.any() else 1.0)
        x = np.linspace(xlim[0], 1, 50)
        ax.plot(x, 1 / x, ":", color="lightgrey", label="random")
        for g in guides:
            ax.axvline(g, color="grey", linewidth=0.8, linestyle=":")
            ax.annotate(f"{g:.0%}", (g, 1), xycoords=("data", "axes fraction"), xytext=(2, -10),
                        textcoords="offset points", fontsize=8, color="grey")
        ax.set_xlim(*xlim)
        ax.set_yscale("log")
        ax.set_ylim(0.9, top * 1.5)
        ax.set_xlabel(f"{signal}-jet efficiency")
        ax.set_ylabel(f"{bkg}-jet rejection (1 / efficiency)")
        ax.grid(alpha=0.3, which="both")
    # One legend below both panels: inside, it would hide the best curves at low efficiency.
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=8, frameon=False)
    fig.suptitle(title)
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--truth", required=True, help="the podml file that was scored (jets, tracks, flavour links)")
    ap.add_argument("--model", required=True, action="append", type=parse_model, metavar="NAME=SCORED.h5:PREFIX",
                    help="a tagger: its name, the output of podml infer and its collections' prefix (repeatable)")
    ap.add_argument("--out", required=True, help="directory for the pictures and jets_summary.json")
    ap.add_argument("--fc", type=float, default=0.05, help="c fraction in the b-tagging discriminant (default 0.05)")
    ap.add_argument("--fb", type=float, default=0.2, help="b fraction in the c-tagging discriminant (default 0.2)")
    args = ap.parse_args(argv)
    if len({m[0] for m in args.model}) != len(args.model):
        ap.error("model names must differ")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    os.makedirs(args.out, exist_ok=True)
    truth = podml.open(args.truth)
    truth_jets = truth.read_columns("Jets", ["energy"])
    jet_offsets = offsets_of(truth_jets)
    flavour = truth_flavour(truth, jet_offsets)
    flavours = {"b": flavour == 5, "c": flavour == 4, "light": flavour == 0}
    missing = [k for k, v in flavours.items() if not v.any()]
    if missing:
        raise podml.UsageError(f"'{args.truth}' has no {' and no '.join(missing)} jets to evaluate on")
    largest, second = track_counting(truth, jet_offsets)
    cuts = dict(zip(CUTS, (second, largest)))

    readers, models = {}, {}
    for name, path, prefix in args.model:
        if path not in readers:
            readers[path] = podml.open(path)
            check_same_jets(readers[path], path, truth_jets)
        p = read_probabilities(readers[path], path, prefix, jet_offsets)
        models[name] = {"source": f"{path}:{prefix}", "D_b": discriminant(p, "b", "c", args.fc),
                        "D_c": discriminant(p, "c", "b", args.fb)}

    def tagging(score_b, score_c):
        return {"btag": rejections(score_b, flavours, "b", ("light", "c"), BTAG_POINTS),
                "ctag": rejections(score_c, flavours, "c", ("light", "b"), CTAG_POINTS)}

    results = {n: {"scores": m["source"], **tagging(m["D_b"], m["D_c"])} for n, m in models.items()}
    baselines = {n: tagging(s, s) for n, s in cuts.items()}
    # The best simple cut per task, by its light rejection at the first working point.
    best = {task: max(CUTS, key=lambda n: value(baselines[n][task][f"{pts[0]:.2f}"]["light"]))
            for task, pts in (("btag", BTAG_POINTS), ("ctag", CTAG_POINTS))}

    files = {}
    for task, signal, backgrounds, key, xlim, guides, what in (
            ("btag", "b", ("light", "c"), "D_b", (0.4, 1), BTAG_POINTS, f"b tagging (D_b, f_c = {args.fc:g})"),
            ("ctag", "c", ("light", "b"), "D_c", (0.1, 1), CTAG_POINTS, f"c tagging (D_c, f_b = {args.fb:g})")):
        curves = [(n, m[key], {"color": f"C{i}"}) for i, (n, m) in enumerate(models.items())]
        curves += [(f"cut: {n}" + (" (best simple cut)" if n == best[task] else ""), cuts[n],
                    {"color": c, "linestyle": "--"}) for n, c in zip(CUTS, ("black", "grey"))]
        name = f"{task}_rejection.png"
        rejection_plot(plt, os.path.join(args.out, name), f"{what} on the podml toy jets", flavours, signal,
                       backgrounds, curves, xlim, guides)
        files[name] = f"{'/'.join(backgrounds)} rejection vs {signal}-jet efficiency, with the simple cuts"

    fig, axes = plt.subplots(1, len(models), figsize=(5.5 * len(models), 4.6), squeeze=False)
    for ax, (n, m) in zip(axes[0], models.items()):
        bins = np.linspace(m["D_b"].min(), m["D_b"].max(), 61)
        for k, style in zip(CLASSES, ({"color": "C3"}, {"color": "C1"}, {"color": "C0", "linestyle": "--"})):
            ax.hist(m["D_b"][flavours[k]], bins=bins, histtype="step", density=True, linewidth=1.5,
                    label=f"{k} jets ({flavours[k].sum()})", **style)
        ax.set_yscale("log")
        low, high = ax.get_ylim()
        ax.set_ylim(low, high * 6)  # room for the legend above the peaks
        ax.set_xlabel(f"D_b = ln(p_b / ({args.fc:g} p_c + {1 - args.fc:g} p_light))")
        ax.set_ylabel("normalised to unit area")
        ax.set_title(n)
        ax.legend(fontsize=8, ncol=3, loc="upper center")
    fig.text(0.5, 0.01, "D_b is a log-likelihood ratio of softmax outputs trained with plain class fractions "
             "(no balancing): its range is unbounded. Each flavour is normalised to unit area.",
             ha="center", fontsize=8, style="italic")
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    fig.savefig(os.path.join(args.out, "discriminants.png"), dpi=120)
    plt.close(fig)
    files["discriminants.png"] = "D_b per true flavour for every model"

    summary = {"truth": args.truth, "jets": int(len(flavour)), "jets_per_flavour": {k: int(v.sum()) for k, v in flavours.items()},
               "f_c": args.fc, "f_b": args.fb, "btag_efficiencies": list(BTAG_POINTS), "ctag_efficiencies": list(CTAG_POINTS),
               "models": results, "baselines": baselines, "best_simple_cut": best}
    with open(os.path.join(args.out, "jets_summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    files["jets_summary.json"] = "these numbers, machine-readable (null rejection: no background passed)"

    print(f"jets: {len(flavour)} ({', '.join(f'{v} {k}' for k, v in summary['jets_per_flavour'].items())})")
    rows = [(n, r) for n, r in results.items()] + [(f"cut: {n}", r) for n, r in baselines.items()]
    width = max(len(n) for n, _ in rows)
    for task, (b1, b2), pts, what in (("btag", ("light", "c"), BTAG_POINTS, f"b tagging, f_c = {args.fc:g}"),
                                      ("ctag", ("light", "b"), CTAG_POINTS, f"c tagging, f_b = {args.fb:g}")):
        print(f"\n{what:{width}s}" + "".join(f"{f'{b} rej @{e * 100:.0f}%':>15s}" for b in (b1, b2) for e in pts))
        for n, r in rows:
            cells = [value(r[task][f"{e:.2f}"][b]) for b in (b1, b2) for e in pts]
            print(f"{n:{width}s}" + "".join(f"{c:15.1f}" if c >= 10 else f"{c:15.2f}" for c in cells))
    print(f"best simple cut: {best['btag']} (b tagging), {best['ctag']} (c tagging)")
    for name, what in files.items():
        print(f"wrote {os.path.join(args.out, name)}: {what}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except podml.Error as e:
        print(f"evaluate_jets.py: error: {e}", file=sys.stderr)
        sys.exit(1)
