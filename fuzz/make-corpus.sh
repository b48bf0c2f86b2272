#!/usr/bin/env bash
# Rewrites fuzz/corpus/: small real podml files from podml-fuzz-make-corpus, repacked
# with h5repack so that each stays under 20 KB (podml's writer makes chunked,
# extendible datasets whose B-tree nodes and 1024-row parameter chunks take ~40 KB
# even for three events). The repacked files hold the same objects, attributes and
# values; only the storage layout differs, which the reader does not depend on.
# Two flavours per file: contiguous datasets (*.h5) and the latest HDF5 file format
# with small chunks (*-latest.h5), so the fuzzer sees both kinds of HDF5 metadata.
# Usage: fuzz/make-corpus.sh PATH/TO/podml-fuzz-make-corpus
set -euo pipefail
maker=${1:?usage: $0 PATH/TO/podml-fuzz-make-corpus}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$maker" "$tmp/raw" >/dev/null
rm -f "$here"/corpus/*.h5
# Smallest of: contiguous; latest format with 4-row chunks; latest format, compact
# (data inside the object headers). Each flavour exercises other HDF5 metadata.
limit=20480
for f in "$tmp"/raw/*.h5; do
  base=$(basename "$f" .h5)
  h5repack -l CONTI "$f" "$here/corpus/$base.h5"
  h5repack -L -l CHUNK=4 "$f" "$here/corpus/$base-latest.h5"
  if [ "$(stat -c %s "$here/corpus/$base-latest.h5")" -ge $limit ]; then
    h5repack -L -l COMPA "$f" "$here/corpus/$base-latest.h5" 2>/dev/null
  fi
done
# Keep each file under the limit; the one file with vector members (everything*) is
# kept at its smallest flavour even above it, as no smaller real file has them.
for f in "$here"/corpus/*.h5; do
  size=$(stat -c %s "$f")
  case $(basename "$f") in
    everything-latest.h5) keep=1 ;;
    *) keep=0 ;;
  esac
  if [ "$size" -ge $limit ] && [ $keep -eq 0 ]; then
    echo "make-corpus: $(basename "$f") is $size bytes, dropped" >&2
    rm -f "$f"
  else
    echo "make-corpus: $(basename "$f") $size bytes"
  fi
done
