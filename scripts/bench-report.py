#!/usr/bin/python3
"""Turns the JSON lines of podml's benchmarks into one markdown table (make bench).

Every benchmark in bench/ appends its results to the file given with --report FILE
(bench/BenchCommon.h describes the records): a "start" record (machine, build, sizes),
one "result" record per measurement, an "end" record. `make bench` adds an "exit"
record for a benchmark that exited with a non-zero status.

Result records may also carry real podio's figure for the same operation (podio_value,
podio_ratio = podio / podml, podio_target, podio_pass; the collections bench with --podio):
they fill the table's "podio" and "podio/podml" columns, "-" where podio was not measured.

Usage: /usr/bin/python3 scripts/bench-report.py REPORT.jsonl [-o OUT.md]

Writes the table to OUT.md (default: report.md next to REPORT.jsonl) and prints it.
Standard library only. Exit status 1 if the input holds no results or any record is
malformed (the table is written all the same), 2 on bad usage.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys

RESULT_KEYS = ("metric", "value", "unit", "baseline", "baseline_value", "ratio", "target", "pass", "error")


def num(v):
    """A value with 3 significant digits; thousands separated above 1000."""
    if v is None:
        return None
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    return f"{v:.3g}"


def ratio_text(r):
    if r is None:
        return "-"
    if r >= 100:
        return f"{r:.0f}x"
    if r >= 10:
        return f"{r:.1f}x"
    if r >= 0.1:
        return f"{r:.2f}x"
    return f"{r:.2g}x"


def cell(text):
    """Markdown table cell: no pipes or line breaks."""
    return str(text).replace("|", "\\|").replace("\n", " ").strip() or "-"


def with_unit(v, unit):
    if v is None:
        return None
    if unit == "s":  # seconds: the unit that puts the value at 1 or above
        for scale, name in ((1, "s"), (1e3, "ms"), (1e6, "µs")):
            if abs(v) * scale >= 1 or name == "µs":
                v, unit = v * scale, name
                break
    s = num(v)
    return f"{s} {unit}" if unit else s


def read_records(path):
    records, problems = [], []
    with open(path, encoding="utf-8", errors="replace") as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                problems.append(f"line {lineno}: not JSON ({e.msg})")
                continue
            if not isinstance(rec, dict) or not isinstance(rec.get("bench"), str):
                problems.append(f"line {lineno}: not an object with a \"bench\" name")
                continue
            kind = rec.get("kind", "result")
            if kind == "result":
                missing = [k for k in RESULT_KEYS if k not in rec]
                bad_numbers = [k for k in ("value", "baseline_value", "ratio")
                               if rec.get(k) is not None and not isinstance(rec.get(k), (int, float))]
                if missing or bad_numbers or not rec.get("metric"):
                    problems.append(f"line {lineno}: result record with missing keys {missing} "
                                    f"or non-numbers {bad_numbers}")
                    continue
            records.append(rec)
    return records, problems


def machine_cpu():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def git_commit(repo):
    try:
        head = subprocess.run(["git", "-C", repo, "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", repo, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    if not head:
        return None
    return head + (" (with local changes)" if dirty else "")


def load1(rec):
    """The 1-minute load average of a start or end record."""
    return (rec.get("load") or "?").split()[0] if rec else "?"


def build(records, problems, repo):
    benches = []  # in order of appearance
    by_bench = {}
    for rec in records:
        b = rec["bench"]
        if b not in by_bench:
            benches.append(b)
            by_bench[b] = {"start": None, "end": None, "results": [], "exit": None}
        entry = by_bench[b]
        kind = rec.get("kind", "result")
        if kind == "result":
            entry["results"].append(rec)
        elif kind in ("start", "end", "exit"):
            entry[kind] = rec

    starts = [by_bench[b]["start"] for b in benches if by_bench[b]["start"]]
    ends = [by_bench[b]["end"] for b in benches if by_bench[b]["end"]]
    first = starts[0] if starts else {}

    out = ["# podml benchmark summary", ""]
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    span = ""
    if starts and ends:
        t0 = min(s["time"] for s in starts)
        t1 = max(e["time"] for e in ends)
        span = f" (runs from {t0} to {t1})"
    out.append(f"- date: {now}{span}")
    cpu = first.get("cpu") or machine_cpu()
    nproc = first.get("nproc") or os.cpu_count()
    out.append(f"- machine: {cpu}, {nproc} logical CPUs")
    loads = []
    for b in benches:
        s, e = by_bench[b]["start"], by_bench[b]["end"]
        if s or e:
            secs = f", {e['seconds']:.0f} s" if e and isinstance(e.get("seconds"), (int, float)) else ""
            loads.append(f"{b} {load1(s)} -> {load1(e)}{secs}")
    one, five, fifteen = os.getloadavg()
    out.append("- load average (1 min) at start -> end of each benchmark: " + "; ".join(loads) +
               f"; now {one:.2f} {five:.2f} {fifteen:.2f} (1/5/15 min). Near or above the number of CPUs, "
               "the timings were shared with other work")
    builds = sorted({(s.get("compiler", "?"), s.get("flags", "?").strip()) for s in starts})
    for compiler, flags in builds:
        users = [b for b in benches if by_bench[b]["start"] and
                 (by_bench[b]["start"].get("compiler", "?"), by_bench[b]["start"].get("flags", "?").strip()) ==
                 (compiler, flags)]
        which = "" if len(builds) == 1 else f" ({', '.join(users)})"
        out.append(f"- compiler: {compiler}, flags `{flags or '(none)'}`{which}")
    for b in benches:
        s = by_bench[b]["start"]
        if s and s.get("config"):
            out.append(f"- {b}: {s['config']}")
    commit = git_commit(repo)
    if commit:
        out.append(f"- commit: {commit}")
    out.append("")

    out.append("| benchmark | measurement | podml | baseline | ratio | podio | podio/podml | target | result |")
    out.append("|---|---|---:|---|---:|---:|---:|---|---|")
    counts = {"PASS": 0, "MISS": 0, "ERROR": 0}
    podio_counts = {"PASS": 0, "MISS": 0}
    for b in benches:
        entry = by_bench[b]
        for r in entry["results"]:
            podml = with_unit(r["value"], r["unit"]) or "-"
            base = r["baseline"] or "-"
            bv = with_unit(r["baseline_value"], r["unit"])
            if r["baseline"] and bv:
                base = f"{r['baseline']}: {bv}"
            if r["error"]:
                result = "ERROR: " + (r["error"] if len(r["error"]) <= 200 else r["error"][:197] + "...")
                counts["ERROR"] += 1
            elif r["pass"] is True:
                result = "PASS"
                counts["PASS"] += 1
            elif r["pass"] is False:
                result = "MISS"
                counts["MISS"] += 1
            else:
                result = "-"
            podio = with_unit(r.get("podio_value"), r["unit"]) or "-"
            podio_ratio = ratio_text(r.get("podio_ratio")) if r.get("podio_value") is not None else "-"
            target = r["target"] or "-"
            if r.get("podio_target"):
                # The target for podio / podml, beside podml's own target and result.
                target = (f"{r['target']}; " if r["target"] else "") + f"podio/podml {r['podio_target']}"
                if r.get("podio_pass") is not None:
                    verdict = "PASS" if r["podio_pass"] else "MISS"
                    podio_counts[verdict] += 1
                    result = (f"{result}; " if result != "-" else "") + f"vs podio {verdict}"
            out.append("| " + " | ".join(cell(x) for x in (b, r["metric"], podml, base, ratio_text(r["ratio"]),
                                                             podio, podio_ratio, target, result)) + " |")
        if not entry["results"]:
            why = "no results"
            if entry["exit"]:
                why += f" (exit status {entry['exit'].get('status')})"
            out.append(f"| {cell(b)} | - | - | - | - | - | - | - | ERROR: {cell(why)} |")
            counts["ERROR"] += 1

    out.append("")
    out.append("ratio = podml / baseline in the unit shown (for ns/object and seconds lower is better, for MB/s "
               "and samples/s higher is better), except rows named \"speed-up\", which give baseline time / "
               "podml time. podio: real podio's figure for the same code, measured in alternation with podml "
               "(collections; - where not measured, the collections line above says why); podio/podml = podio's "
               "figure / podml's, above 1 podml is faster or smaller. result: against the target of the issue; "
               "- is informative.")
    out.append("")
    summary = f"{counts['PASS']} PASS, {counts['MISS']} MISS, {counts['ERROR']} ERROR"
    if podio_counts["PASS"] or podio_counts["MISS"]:
        summary += f"; against podio {podio_counts['PASS']} PASS, {podio_counts['MISS']} MISS"
    failed = [f"podml-bench-{b} exited with status {by_bench[b]['exit'].get('status')}"
              for b in benches if by_bench[b]["exit"]]
    unfinished = [b for b in benches if by_bench[b]["start"] and not by_bench[b]["end"] and not by_bench[b]["exit"]]
    out.append(f"Summary: {summary}." +
               (" " + "; ".join(failed) + "." if failed else "") +
               (" No end record (interrupted?): " + ", ".join(unfinished) + "." if unfinished else ""))
    if problems:
        out.append("")
        out.append(f"{len(problems)} malformed record(s) skipped: " + "; ".join(problems[:5]))
    return "\n".join(out) + "\n"


def main(argv):
    ap = argparse.ArgumentParser(description="One markdown table from the JSON lines of podml's benchmarks.")
    ap.add_argument("report", help="JSON lines written by the benchmarks with --report")
    ap.add_argument("-o", "--output", help="markdown file to write (default: report.md next to the input)")
    args = ap.parse_args(argv[1:])
    try:
        records, problems = read_records(args.report)
    except OSError as e:
        sys.stderr.write(f"bench-report: error: {e}\n")
        return 1
    for p in problems:
        sys.stderr.write(f"bench-report: warning: {args.report}: {p}\n")
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    text = build(records, problems, repo)
    output = args.output or os.path.join(os.path.dirname(os.path.abspath(args.report)), "report.md")
    with open(output, "w", encoding="utf-8") as f:
        f.write(text)
    sys.stdout.write(text)
    sys.stdout.write(f"\n(written to {output})\n")
    has_results = any(r.get("kind", "result") == "result" for r in records)
    return 0 if has_results and not problems else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
