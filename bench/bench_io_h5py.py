#!/usr/bin/python3
"""h5py side of podml's I/O benchmark (bench/bench_io.cc runs it in the same run).

Reads one dataset of a podml file the way a user without podml does, `f[path][:]`,
and prints the best wall time in seconds of REPS reads (the file is opened once,
outside the timing, as podml-bench-io does for its own column read).

Usage: /usr/bin/python3 bench_io_h5py.py FILE DATASETPATH [REPS] [--cold]

Output: line 1 the best seconds; line 2 `rows=N sum=S` so that the caller can check
that both sides read the same values. With --cold the file's pages are dropped from
the page cache (posix_fadvise DONTNEED) before every read.
"""

import os
import sys
import time

import h5py
import numpy as np


def evict(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    cold = "--cold" in argv[1:]
    if len(args) not in (2, 3):
        sys.stderr.write(__doc__)
        return 2
    path, dataset = args[0], args[1]
    reps = int(args[2]) if len(args) == 3 else 5
    best = float("inf")
    with h5py.File(path, "r") as f:
        ds = f[dataset]
        a = None
        for _ in range(reps):
            if cold:
                evict(path)
            del a  # free the previous array first, as the C++ side does
            t0 = time.perf_counter()
            a = ds[:]
            t1 = time.perf_counter()
            best = min(best, t1 - t0)
    print(f"{best:.9f}")
    print(f"rows={a.shape[0]} sum={float(np.sum(a, dtype=np.float64)):.6e}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
