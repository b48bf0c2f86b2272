#!/usr/bin/env bash
# Scale-out with the CLI (docs/scale-out.md): `podml train` over several files and globs, and
# `podml infer --shard i/n` over a multi-file glob: the shards 0..n-1, concatenated, are the
# unsharded output, dataset by dataset (read with h5py), also where shards cross file boundaries
# and where a shard is empty.
set -u
source "$(dirname "$0")/check.sh"
PODML=$1
SPEC=$2

mkdir -p "$WORK/in"
"$PODML" toy -q -n 50 --seed 1 -o "$WORK/in/a.h5" || { echo "cannot write toy events"; exit 1; }
"$PODML" toy -q -n 37 --seed 2 -o "$WORK/in/b.h5"
"$PODML" toy -q -n 3 --seed 3 -o "$WORK/in/c.h5"
sed 's/^\( *epochs:\).*/\1 1/' "$SPEC" > "$WORK/spec.yaml"
check "the spec has one epoch" 0 "epochs: 1$" grep "epochs:" "$WORK/spec.yaml"

check "train over a glob reads every file" 0 "data: 90 events" \
  "$PODML" train "$WORK/spec.yaml" "$WORK/in/*.h5" -o "$WORK/model.onnx"
check "train over a file and a glob" 0 "data: 90 events" \
  "$PODML" train "$WORK/spec.yaml" "$WORK/in/a.h5" "$WORK/in/[bc].h5" -o "$WORK/model2.onnx"
check "train with a glob that matches nothing is an error" 1 "matches no file" \
  "$PODML" train "$WORK/spec.yaml" "$WORK/in/a.h5" "$WORK/in/none*.h5" -o "$WORK/model3.onnx"

check "infer over the glob, unsharded" 0 "scored 90 events" \
  "$PODML" infer "$WORK/model.onnx" "$WORK/in/*.h5" -o "$WORK/all.h5"
check "infer with a glob that matches nothing is an error" 1 "matches no file" \
  "$PODML" infer "$WORK/model.onnx" "$WORK/in/*.h5" "$WORK/in/none*.h5" -o "$WORK/none.h5"

# Shards cross the file boundaries (after events 50 and 87): 90 events in 3 -> 30 30 30, the
# boundaries inside shards 1 and 2; in 4 -> 23 23 22 22, inside shards 2 and 3.
for n in 3 4; do
  for ((i = 0; i < n; i++)); do
    check "infer --shard $i/$n" 0 "" \
      "$PODML" infer -q "$WORK/model.onnx" "$WORK/in/*.h5" -o "$WORK/shard-$n-$i.h5" --shard "$i/$n"
  done
  check "shards 0..$((n - 1)) of $n chain to 90 events" 0 "'events': 90 entries" \
    "$PODML" inspect $(for ((i = 0; i < n; i++)); do echo "$WORK/shard-$n-$i.h5"; done)
  check "shards 0..$((n - 1)) of $n concatenated are the unsharded output" 0 "^same: [0-9]+ datasets" \
    /usr/bin/python3 - "$WORK/all.h5" $(for ((i = 0; i < n; i++)); do echo "$WORK/shard-$n-$i.h5"; done) <<'PY'
import sys
import h5py
import numpy as np

whole, shards = h5py.File(sys.argv[1]), [h5py.File(p) for p in sys.argv[2:]]
compared = 0
for coll, group in whole["events"].items():
    if not isinstance(group, h5py.Group):
        continue
    for name, ds in group.items():
        parts = [s["events"][coll][name][:] for s in shards if "events" in s and coll in s["events"]]
        if name == "offsets" or name.endswith("_offsets"):
            # Per-entry offsets restart at 0 in every file: compare the rows per entry.
            got, want = np.concatenate([np.diff(p) for p in parts]), np.diff(ds[:])
        else:
            got, want = np.concatenate(parts), ds[:]
        assert got.dtype == want.dtype and np.array_equal(got, want), f"{coll}/{name} differs"
        compared += 1
    for s in shards:
        if "events" in s and coll in s["events"]:
            assert s["events"][coll].attrs["collection_id"] == group.attrs["collection_id"], coll
assert {"LeptonIDs", "ReconstructedParticles"} <= set(whole["events"]), list(whole["events"])
print(f"same: {compared} datasets")
PY
done

# 3 events in 4 shards: 1 1 1 0. The empty shard's file has the metadata frame and no events
# category; chained with the others it adds nothing.
for i in 0 1 2 3; do
  check "infer --shard $i/4 of a 3-event file" 0 "scored $(( i < 3 ? 1 : 0 )) events" \
    "$PODML" infer "$WORK/model.onnx" "$WORK/in/c.h5" -o "$WORK/c-$i.h5" --shard "$i/4"
done
check "the empty shard is a valid file" 0 "'metadata': 1 entry" "$PODML" inspect "$WORK/c-3.h5"
check "the empty shard chains with the others" 0 "'events': 3 entries" \
  "$PODML" inspect "$WORK/c-3.h5" "$WORK/c-0.h5" "$WORK/c-1.h5" "$WORK/c-2.h5"
check "shard i >= n is bad usage" 2 "cannot take shard 4 of 4" \
  "$PODML" infer "$WORK/model.onnx" "$WORK/in/*.h5" -o "$WORK/x.h5" --shard 4/4
check "a shard without /n is bad usage" 2 "shard" \
  "$PODML" infer "$WORK/model.onnx" "$WORK/in/*.h5" -o "$WORK/x.h5" --shard 3
check "nothing written on bad usage" 0 "" test ! -e "$WORK/x.h5"

finish "infer shards"
