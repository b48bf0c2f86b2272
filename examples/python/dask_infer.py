#!/usr/bin/python3
"""Score many podml files in parallel with Dask distributed: one task per (file, part).

Every input file is split into --parts parts with podml.shard(); each (file, part) is one unit of
work, and one Dask task. A task runs podml.infer() on its part, the same library code as
`podml infer --shard`: it reads the events, scores them with ONNX Runtime (one thread: the
parallelism is Dask's) and writes them, with the new collections (e.g. LeptonIDs), to
<outdir>/<stem>.part<k>.h5, with EDM4hep's PID metadata. The driver prints one line per unit and
the total throughput.

As `podml infer`, an output holds every collection of the input events plus the ones the model
writes (--only-scores: only the collections the model reads and the new ones). Parts are
independent: a failed unit leaves no file under its name, and rerunning one unit redoes only it.

Usage:
  /usr/bin/python3 examples/python/dask_infer.py model.onnx 'run*.h5' -o scored/ --workers 2 --parts 4
  /usr/bin/python3 examples/python/dask_infer.py model.onnx 'run*.h5' -o scored/ --serial    # no Dask
  /usr/bin/python3 examples/python/dask_infer.py model.onnx 'run*.h5' -o scored/ --scheduler tcp://host:8786
Read the parts as one chain, in input order:
  podml.open(sorted(glob.glob('scored/*.part*.h5')))      # or: podml inspect 'scored/*.part*.h5'
(Name order is file order only while there are at most 10 parts: use the outputs the driver lists.)

Needs Debian's python3-distributed (and python3-dask) and the podml module on PYTHONPATH
(e.g. PYTHONPATH=build/default/python). With --workers N it starts a LocalCluster of N worker
processes, one thread each, without dashboard, and closes it at the end; with --scheduler it uses
a running cluster, whose workers must see the same paths (a shared file system) and podml.

From Python (tests/python/test_dask_infer.py):
  import dask_infer
  units = dask_infer.plan("model.onnx", ["run*.h5"], "scored/", parts=4)
  summaries = dask_infer.run_dask(units, workers=2)     # or run_serial(units), or run_dask(units, client=c)
  print(dask_infer.format_table(summaries, wall_seconds))
"""

import argparse
import contextlib
import dataclasses
import glob
import os
import sys
import time

import podml

CATEGORY = "events"


@dataclasses.dataclass(frozen=True)
class Unit:
    """One unit of work: part `part` of `parts` of the events of one input file."""
    model: str
    input: str
    part: int
    parts: int
    output: str
    category: str = CATEGORY
    only_scores: bool = False
    algorithm_type: int = 0


def expand_inputs(patterns):
    """Paths for the given paths and globs, in the order given (each glob sorted), without repeats.

    Raises podml.IoError for a pattern that matches nothing, as podml.open does."""
    files = []
    for pattern in patterns:
        pattern = os.fspath(pattern)
        matches = sorted(glob.glob(pattern)) if glob.has_magic(pattern) else [pattern]
        if not matches or not os.path.exists(matches[0]):
            raise podml.IoError(f"cannot open '{pattern}': " +
                                ("the pattern matches no file" if glob.has_magic(pattern) else "no such file"))
        for f in matches:
            f = os.path.abspath(f)
            if f not in files:
                files.append(f)
    return files


def plan(model, inputs, outdir, parts=1, category=CATEGORY, only_scores=False, algorithm_type=0, check=True):
    """The units for `inputs` (paths or globs), `parts` per file, writing into `outdir`.

    Fails early, before any work is scheduled: podml.IoError for inputs that do not exist,
    podml.ModelError for a model without a card or whose card does not fit the first file
    (the lines of podml.check), podml.UsageError for bad arguments or two inputs with one stem."""
    if parts < 1:
        raise podml.UsageError(f"--parts must be at least 1, got {parts}")
    files = expand_inputs(inputs)
    model = os.path.abspath(os.fspath(model))
    if podml.read_card(model) is None:  # also IoError/ModelError for a missing or non-ONNX file
        raise podml.ModelError(f"cannot run model '{model}': it has no podml card (attach one with podml card attach)")
    if check:
        problems = podml.check(model, files[0])
        if problems:
            raise podml.ModelError(f"model '{model}' does not fit '{files[0]}':\n  " + "\n  ".join(problems))
    stems = {}
    for f in files:
        stem = os.path.splitext(os.path.basename(f))[0]
        if stem in stems:
            raise podml.UsageError(f"inputs '{stems[stem]}' and '{f}' would write the same outputs "
                                   f"('{stem}.part<k>.h5'): rename one or score them into separate directories")
        stems[stem] = f
    outdir = os.path.abspath(os.fspath(outdir))
    os.makedirs(outdir, exist_ok=True)
    return [Unit(model, f, k, parts, os.path.join(outdir, f"{os.path.splitext(os.path.basename(f))[0]}.part{k}.h5"),
                 category, only_scores, algorithm_type)
            for f in files for k in range(parts)]


# --- the task ------------------------------------------------------------------------------------

def score_unit(unit):
    """Scores one unit and writes its output file; returns its summary (a dict).

    Runs inside a Dask worker (or in-process for --serial). A podml error is re-raised as the same
    podml exception type, prefixed with the unit, so the driver says which file and part failed."""
    t0 = time.perf_counter()
    try:
        s = podml.infer(unit.model, unit.input, unit.output, category=unit.category, shard=(unit.part, unit.parts),
                        only_scores=unit.only_scores, algorithm_type=unit.algorithm_type)
    except podml.Error as e:
        raise type(e)(f"part {unit.part}/{unit.parts} of {unit.input}: {e}") from None
    return {
        "input": unit.input, "part": unit.part, "parts": unit.parts, "first": s["first"], "last": s["last"],
        "events": s["events"], "skipped_events": s["skipped_events"],
        "objects": sum(o["objects"] for o in s["outputs"]), "collections": [o["collection"] for o in s["outputs"]],
        "output": unit.output, "seconds": time.perf_counter() - t0, "pid": os.getpid(),
    }


# --- the two drivers -----------------------------------------------------------------------------

def run_serial(units):
    """Every unit in this process, one after the other (the reference for run_dask)."""
    return [score_unit(u) for u in units]


@contextlib.contextmanager
def dask_client(workers=None, scheduler=None):
    """A distributed.Client ready to run units, closed (with its LocalCluster) on exit.

    Connects to `scheduler` (an address) if given, else starts a LocalCluster of `workers`
    processes (default: the number of cores) with one thread each and no dashboard."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as e:
        raise ImportError(f"cannot import Dask distributed ({e}): install Debian's python3-distributed, "
                          "or run with --serial") from None

    if scheduler is not None:
        with Client(scheduler) as client:
            _prepare(client)
            yield client
        return
    workers = workers or os.cpu_count() or 1
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        client.wait_for_workers(workers)
        _prepare(client)
        yield client


def _prepare(client):
    # The workers import this file as the module `dask_infer`, so that score_unit is sent by
    # reference (Dask cannot pickle functions of __main__ for other processes).
    client.upload_file(os.path.abspath(__file__))


def run_dask(units, workers=None, client=None, scheduler=None):
    """Every unit as one Dask task; returns the summaries in the order of `units`.

    Uses `client` if given (prepared by dask_client(), or by any client after upload_file of this
    file), else a dask_client(workers, scheduler) for this call only, closed before returning (also
    on errors). A podml error of a task arrives here as the same podml exception."""
    if client is None:
        with dask_client(workers, scheduler) as c:
            return run_dask(units, client=c)
    futures = client.map(score_unit, units, pure=False)
    try:
        return client.gather(futures)
    finally:
        client.cancel(futures)


# --- reporting -----------------------------------------------------------------------------------

def format_table(summaries, wall_seconds):
    """One line per unit, then the totals and the throughput over `wall_seconds`."""
    lines = [f"{'input':<28} {'part':>7} {'events':>8} {'objects':>9} {'seconds':>8}  output"]
    for s in summaries:
        lines.append(f"{os.path.basename(s['input']):<28} {s['part']:>3}/{s['parts']:<3} {s['events']:>8} "
                     f"{s['objects']:>9} {s['seconds']:>8.3f}  {os.path.basename(s['output'])}")
    events = sum(s["events"] for s in summaries)
    objects = sum(s["objects"] for s in summaries)
    busy = sum(s["seconds"] for s in summaries)
    processes = len({s["pid"] for s in summaries})
    plural = "es" if processes != 1 else ""
    rate = events / wall_seconds if wall_seconds > 0 else float("inf")
    lines.append(f"total: {len(summaries)} units, {events} events, {objects} objects scored in {wall_seconds:.2f} s "
                 f"wall ({busy:.2f} s in tasks, {processes} process{plural}): {rate:,.0f} events/s")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", help="ONNX model with a podml card")
    ap.add_argument("inputs", nargs="+", help="podml files or globs")
    ap.add_argument("-o", "--outdir", required=True, help="directory for the outputs <stem>.part<k>.h5")
    ap.add_argument("--parts", type=int, default=1, help="split each file into this many units (default 1)")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--workers", type=int, help="LocalCluster worker processes (default: the number of cores)")
    mode.add_argument("--scheduler", help="address of a running Dask scheduler instead of a LocalCluster")
    mode.add_argument("--serial", action="store_true", help="do the same work in this process, without Dask")
    ap.add_argument("--category", default=CATEGORY, help="category of the frames to score (default: events)")
    ap.add_argument("--only-scores", action="store_true",
                    help="write only the collections the model reads and the new ones, not every collection")
    ap.add_argument("--algorithm-type", type=int, default=0, help="value of the target's algorithmType member")
    ap.add_argument("-q", "--quiet", action="store_true", help="print only the total line")
    args = ap.parse_args(argv)
    if args.workers is not None and args.workers < 1:
        ap.error("--workers must be at least 1")
    if args.parts < 1:
        ap.error("--parts must be at least 1")

    units = plan(args.model, args.inputs, args.outdir, args.parts, args.category, args.only_scores,
                 args.algorithm_type)
    if args.serial:
        t0 = time.perf_counter()
        summaries = run_serial(units)
        wall = time.perf_counter() - t0
    else:
        t0 = time.perf_counter()
        with dask_client(args.workers, args.scheduler) as client:
            started = time.perf_counter() - t0
            workers = len(client.scheduler_info()["workers"])
            t0 = time.perf_counter()
            summaries = run_dask(units, client=client)
            wall = time.perf_counter() - t0
        if not args.quiet:
            print(f"dask: {workers} workers, ready in {started:.2f} s (not in the times below)")
    table = format_table(summaries, wall)
    print(table if not args.quiet else table.splitlines()[-1])
    return 0


if __name__ == "__main__":
    # Run main() from the module `dask_infer` (this file, imported), not from __main__: Dask then
    # sends score_unit by reference to the workers, which import the same file.
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import dask_infer
    try:
        sys.exit(dask_infer.main())
    except (podml.Error, ImportError) as e:
        print(f"dask_infer.py: error: {e}", file=sys.stderr)
        sys.exit(1)
