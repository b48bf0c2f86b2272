#!/usr/bin/env bash
# podml's end-to-end demo (make demo): jet flavour tagging on toy EDM4hep events.
# Toy events with jets (FastJet) -> DeepSets on each jet's constituents trained in C++
# (libtorch) and a small attention network on weaver's input contract trained in Python
# (PyTorch), beside a jet-level MLP -> ONNX models with their cards -> check against fresh
# data -> C++ inference writing one edm4hep::ParticleID collection per flavour -> the
# rejection-versus-efficiency pictures flavour tagging is judged by, against the
# track-counting cut. Usage: demo.sh BUILD_DIR OUT_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build/default}
out=${2:-demo}
events=${PODML_DEMO_EVENTS:-10000}
attention_epochs=${PODML_DEMO_ATTENTION_EPOCHS:-12}
podml="$build/cli/podml"
export PYTHONPATH="$build/python${PYTHONPATH:+:$PYTHONPATH}"
mkdir -p "$out"
start=$SECONDS

step() {
  echo
  echo "== $1"
  shift
  echo "\$ $*"
  "$@"
}

step "1/8 Toy training data: $events EDM4hep events with anti-kt R=0.4 jets (b, c and light)" \
  "$podml" toy -n "$events" --seed 1 -o "$out/train.h5"
step "2/8 Fresh toy events to evaluate on (another seed)" \
  "$podml" toy -n "$events" --seed 2 -o "$out/test.h5"
step "3/8 Train DeepSets on the jets' constituents in C++ (spec: examples/toy-jets-train.yaml)" \
  "$podml" train "$here/toy-jets-train.yaml" "$out/train.h5" -o "$out/jet-deepsets.onnx"
step "4/8 Train the jet-level baseline: an MLP on the jet four-momentum (examples/toy-jets-mlp.yaml)" \
  "$podml" train "$here/toy-jets-mlp.yaml" "$out/train.h5" -o "$out/jet-mlp.onnx"
step "5/8 Train an attention network on weaver's input contract in Python ($attention_epochs epochs)" \
  /usr/bin/python3 "$here/python/train_jets.py" "$here/toy-jets-attention.yaml" "$out/train.h5" \
  -o "$out/jet-attention.onnx" --epochs "$attention_epochs"
step "6/8 Check each model's card against the data it will run on" \
  "$podml" check "$out/jet-deepsets.onnx" "$out/test.h5"
"$podml" check "$out/jet-mlp.onnx" "$out/test.h5"
"$podml" check "$out/jet-attention.onnx" "$out/test.h5"
step "7/8 Run them over the fresh events; one edm4hep::ParticleID collection per flavour and model" \
  "$podml" infer "$out/jet-deepsets.onnx" "$out/test.h5" -o "$out/scored-1.h5"
"$podml" infer "$out/jet-mlp.onnx" "$out/scored-1.h5" -o "$out/scored-2.h5"
"$podml" infer "$out/jet-attention.onnx" "$out/scored-2.h5" -o "$out/scored.h5"
rm -f "$out/scored-1.h5" "$out/scored-2.h5"
step "8/8 Evaluate: light and c rejection at fixed b efficiency, against the track-counting cut" \
  /usr/bin/python3 "$here/python/evaluate_jets.py" --truth "$out/test.h5" --out "$out" \
  --model "DeepSets (C++)=$out/scored.h5:JetTags" --model "attention (Python)=$out/scored.h5:JetAttentionTags" \
  --model "jet-level MLP=$out/scored.h5:JetMLPTags"

{
  echo "podml demo: jet flavour tagging on the podml toy ($events events each for training and test)"
  echo
  /usr/bin/python3 - "$out/jets_summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
f = s["jets_per_flavour"]
print(f"jets scored: {s['jets']} ({f['b']} b, {f['c']} c, {f['light']} light); b-tagging D_b with f_c = {s['f_c']}")
def rej(r):
    return f"{r['rejection']:7.1f}" if r["rejection"] is not None else f"> {r['rejection_lower_limit']:5.0f}"
print(f"{'':34s} light rejection      c rejection")
print(f"{'b efficiency':34s}   70%     77%       70%    77%")
for group in ("models", "baselines"):
    for name, m in s[group].items():
        b = m["btag"]
        label = name if group == "models" else "cut: " + name
        print(f"{label:34s}{rej(b['0.70']['light'])} {rej(b['0.77']['light'])}   {rej(b['0.70']['c'])} {rej(b['0.77']['c'])}")
print(f"best simple cut: {s['best_simple_cut']['btag'] if isinstance(s['best_simple_cut'], dict) else s['best_simple_cut']}")
PY
  echo
  echo "files written in $out/:"
  echo "  train.h5, test.h5         toy events (podml HDF5; podml inspect, h5py), seeds 1 and 2"
  echo "  jet-deepsets.onnx         DeepSets trained by podml train (podml inspect jet-deepsets.onnx shows its card)"
  echo "  jet-attention.onnx        attention network trained by examples/python/train_jets.py"
  echo "  jet-mlp.onnx              jet-level MLP baseline"
  echo "  scored.h5                 test events with JetTags_*, JetAttentionTags_*, JetMLPTags_* (edm4hep::ParticleID per jet)"
  echo "  btag_rejection.png        light and c rejection vs b efficiency, with the track-counting cuts"
  echo "  ctag_rejection.png        the same for c tagging"
  echo "  discriminants.png         D_b per true flavour"
  echo "  jets_summary.json         the numbers, machine-readable"
  echo "  SUMMARY.txt               this summary"
  echo
  echo "took $((SECONDS - start)) s. Next: docs/training.md (the specs), examples/python/train_jets.py (the Python route)."
} | tee "$out/SUMMARY.txt"
