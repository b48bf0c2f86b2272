#!/usr/bin/env bash
# Runs a docs script (examples/readme_tour.sh, examples/datamodel_syntax.sh) as a reader would
# from the source root: in a scratch directory laid out like it (links to the source tree's
# examples/, tests/ and datamodels/, and ../shared beside it), with the build's podml first
# on PATH. Every command must succeed, and each FILE (relative to that root) must exist after.
# Usage: run_doc_script.sh SCRIPT PODML SOURCE_DIR SHARED_DIR SCRATCH_DIR [FILE...]
set -euo pipefail
SCRIPT=$1 PODML=$2 SRC=$3 SHARED=$4 DIR=$5
shift 5
rm -rf "$DIR" && mkdir -p "$DIR/root" "$DIR/bin"
ln -s "$SHARED" "$DIR/shared"
for d in examples tests datamodels; do ln -s "$SRC/$d" "$DIR/root/$d"; done
ln -s "$PODML" "$DIR/bin/podml"
cd "$DIR/root"
PATH="$DIR/bin:$PATH" bash "$SCRIPT"
for f in "$@"; do
  [[ -e $f ]] || { echo "FAIL: $(basename "$SCRIPT") did not make $f"; exit 1; }
done
echo "$(basename "$SCRIPT"): every command ran and made its files"
