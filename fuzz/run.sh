#!/usr/bin/env bash
# Runs the reader fuzzer for SECONDS (default 600) under ASan+UBSan, then replays
# every crash, timeout and leak it saved and sorts them: inputs that fail inside
# HDF5 in one of the known classes podml cannot prevent
# (fuzz/known-hdf5-crashers/README.md) are reported as known; anything else is a
# new finding and makes this script exit 1.
# Usage: fuzz/run.sh PATH/TO/podml-fuzz-reader [SECONDS] [WORKDIR]
set -uo pipefail
fuzzer=${1:?usage: $0 PATH/TO/podml-fuzz-reader [SECONDS] [WORKDIR]}
seconds=${2:-600}
work=${3:-$(dirname "$fuzzer")/run}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work/corpus" "$work/artifacts"
export LSAN_OPTIONS="suppressions=$here/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
# The probe helper (podml-probe) inherits these. max_allocation_size_mb: an allocation
# above 2000 MB is reported by ASan where it happens, which is first in the helper (the
# same reads run there before they run in-process), so the input becomes an IoError
# instead of libFuzzer's malloc limit (-malloc_limit_mb, default 2048) firing in-process.
# A normal build's malloc would fail on most of these sizes, and HDF5 checks for that.
export ASAN_OPTIONS="max_allocation_size_mb=2000${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
command -v llvm-symbolizer >/dev/null && export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-$(command -v llvm-symbolizer)}
# Fork mode keeps going after a finding; -timeout=3: a healthy input takes ~20 ms.
"$fuzzer" -fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1 -timeout=3 \
  -max_total_time="$seconds" -artifact_prefix="$work/artifacts/" \
  "$work/corpus" "$here/corpus" 2>&1 | tee "$work/fuzz.log" | grep -E "^#[0-9]+|INITED|DONE" | tail -n 3
echo "fuzz: last status: $(grep -E '^#[0-9]+' "$work/fuzz.log" | tail -n 1)"
known=0
new=0
for a in "$work"/artifacts/*; do
  [ -e "$a" ] || continue
  trace=$(timeout 30 "$fuzzer" -timeout=3 "$a" 2>&1)
  # Known classes: the global heap (variable-length strings), and attribute
  # messages whose names HDF5 copies with strdup past the object header.
  if grep -qE "H5HG_read|H5HG__protect|H5HG__cache_heap" <<<"$trace" ||
     { grep -q "H5MM_strdup" <<<"$trace" && grep -q "H5O__msg_iterate_real" <<<"$trace"; }; then
    known=$((known + 1))
  elif grep -qE "ERROR|timeout|SUMMARY" <<<"$trace"; then
    new=$((new + 1))
    echo "fuzz: NEW finding: $a"
    grep -E "ERROR|SUMMARY|^    #[0-9]+ " <<<"$trace" | head -n 15
  fi
done
echo "fuzz: $known input(s) of the known HDF5 classes, $new new finding(s); artifacts in $work/artifacts"
[ "$new" -eq 0 ]
