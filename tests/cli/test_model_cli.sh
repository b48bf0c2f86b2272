#!/usr/bin/env bash
# CLI tests of `podml card attach`, `podml check` and `podml inspect MODEL.onnx`:
# output, messages and exit codes (0 ok, 1 bad data or model, 2 bad usage).
set -u
source "$(dirname "$0")/check.sh"
PODML=$1
WRITE_MODELS=$2
SAMPLE=$3
CARD=$4
"$WRITE_MODELS" "$WORK" || { echo "cannot write test models"; exit 1; }
check "inspect a model without card" 0 "card: none" "$PODML" inspect "$WORK/linear.onnx"
check "check needs a card" 1 "has no podml card" "$PODML" check "$WORK/linear.onnx" "$SAMPLE"
check "attach completes the card from the data" 0 "attached a card \(1 inputs, 1 outputs\)" \
  "$PODML" card attach "$WORK/linear.onnx" "$CARD" -o "$WORK/carded.onnx" --data "$SAMPLE"
check "inspect shows the card with units" 0 "energy  float64 \[GeV\]" "$PODML" inspect "$WORK/carded.onnx"
check "inspect --json is JSON" 0 "" bash -c "'$PODML' inspect '$WORK/carded.onnx' --json | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[\"card\"][\"inputs\"][0][\"members\"][1][\"unit\"]==\"GeV\"'"
check "check passes" 0 "fits" "$PODML" check "$WORK/carded.onnx" "$SAMPLE"
check "attach fits a card to a graph ONNX Runtime cannot run" 0 "attached" \
  "$PODML" card attach "$WORK/unknown-op.onnx" "$CARD" -o "$WORK/unknown-op-carded.onnx" --data "$SAMPLE"
check "... but check loads it in ONNX Runtime and says why not (exit 1)" 1 \
  "model: ONNX Runtime cannot run it: cannot load model .*unknown-op-carded.onnx.*PodmlNoSuchOperator" \
  "$PODML" check "$WORK/unknown-op-carded.onnx" "$SAMPLE"
check "check --json" 0 "\"ok\": true" "$PODML" check "$WORK/carded.onnx" "$SAMPLE" --json

sed 's/members: \[x, energy\]/members: [x, energy, y]/' "$CARD" > "$WORK/three.yaml"
check "attach refuses a card that does not fit the graph" 1 "the graph expects 2 values per object, the card's members give 3" \
  "$PODML" card attach "$WORK/linear.onnx" "$WORK/three.yaml" -o "$WORK/bad.onnx" --data "$SAMPLE"
check "nothing written on refusal" 0 "" test ! -e "$WORK/bad.onnx"

# A card whose unit disagrees with the data: attach without completing, then check.
write_mev_card "$WORK/mev.json"
sed 's/MeV/GeV/' "$WORK/mev.json" > "$WORK/mev-fixed.json"
check "attach a card without targets" 0 "attached" "$PODML" card attach "$WORK/linear.onnx" "$WORK/mev-fixed.json" -o "$WORK/mev-fixed.onnx"
check "attach a card with a wrong unit" 0 "attached" "$PODML" card attach "$WORK/linear.onnx" "$WORK/mev.json" -o "$WORK/mev.onnx"
check "check names input, member, expected and found" 1 "input 'features', member 'energy': the model expects float64 \[MeV\], the data has float64 \[GeV\]" \
  "$PODML" check "$WORK/mev.onnx" "$SAMPLE"

check "infer writes scores next to the scored hits" 0 "scored 4 events with .*: 14 ex::Score in 'HitScores'" \
  "$PODML" infer "$WORK/carded.onnx" "$SAMPLE" -o "$WORK/scored.h5" --algorithm-type 3
check "inspect the scored file" 0 "HitScores: ex::Score, 14 objects" "$PODML" inspect "$WORK/scored.h5"
check "scores point at their hits, values match the model" 0 "" /usr/bin/python3 - "$WORK/scored.h5" <<'PY'
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1])
hits, scores = f["events/Hits"], f["events/HitScores"]
assert (hits["offsets"][:] == scores["offsets"][:]).all()
idx = scores["hit.index"][:]
off = scores["offsets"][:]
for e in range(len(off) - 1):
    assert (idx[off[e]:off[e + 1]] == np.arange(off[e + 1] - off[e])).all()
assert (scores["hit.collectionID"][:] == hits.attrs["collection_id"]).all()
z = 0.5 * hits["x"][:] - 0.25 * hits["energy"][:] + 0.1
assert np.allclose(scores["value"][:], 1 / (1 + np.exp(-z)), atol=1e-6)
assert (scores["algorithmType"][:] == 3).all()
import json
o = f["metadata/parameters_offsets"]
meta = json.loads(bytes(f["metadata/parameters"][o[0]:o[1]]))
assert meta["string"]["HitScores__ParameterNames"] == ["score"]
PY
cp "$SAMPLE" "$WORK/chain-a.h5"
cp "$SAMPLE" "$WORK/chain-b.h5"
check "infer over a glob of files" 0 "scored 8 events with .*: 28 ex::Score" \
  "$PODML" infer "$WORK/carded.onnx" "$WORK/chain-*.h5" -o "$WORK/chain-scored.h5"
check "the chained output has every entry" 0 "'events': 8 entries" "$PODML" inspect "$WORK/chain-scored.h5"
check "a card without targets writes no new collection" 0 "no output has a target" \
  "$PODML" infer "$WORK/mev-fixed.onnx" "$SAMPLE" -o "$WORK/no-target.h5"
check "no score collection without a target" 0 "" bash -c "! '$PODML' inspect '$WORK/no-target.h5' | grep -q HitScores"
check "infer one shard" 0 "scored 2 events" "$PODML" infer "$WORK/carded.onnx" "$SAMPLE" -o "$WORK/shard.h5" --shard 1/2
check "a bad shard is bad usage" 2 "cannot take shard 2 of 2" "$PODML" infer "$WORK/carded.onnx" "$SAMPLE" -o "$WORK/x.h5" --shard 2/2
check "infer without a card" 1 "has no podml card" "$PODML" infer "$WORK/linear.onnx" "$SAMPLE" -o "$WORK/y.h5"

printf 'not a model' > "$WORK/junk.onnx"
check "inspect a non-ONNX file" 1 "podml: error: cannot read model '.*junk.onnx': not an ONNX model" "$PODML" inspect "$WORK/junk.onnx"
printf '{"podml_card": 9}' > "$WORK/v9.json"
check "unknown card version" 1 "card version 9 is not supported" "$PODML" card attach "$WORK/linear.onnx" "$WORK/v9.json" -o "$WORK/v9.onnx"
check "card without subcommand is bad usage" 2 "" "$PODML" card
check "check with missing arguments is bad usage" 2 "" "$PODML" check "$WORK/carded.onnx"

finish "model cli"
