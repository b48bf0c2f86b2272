#!/usr/bin/env bash
# podml's end-to-end demo (make demo): toy EDM4hep events -> C++ training (libtorch) ->
# ONNX model with its card -> check against fresh data -> C++ inference writing
# edm4hep::ParticleID back -> evaluation with pictures. Usage: demo.sh BUILD_DIR OUT_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build/default}
out=${2:-demo}
events=${PODML_DEMO_EVENTS:-10000}
podml="$build/cli/podml"
export PYTHONPATH="$build/python${PYTHONPATH:+:$PYTHONPATH}"
spec="$here/toy-train.yaml"
mkdir -p "$out"
start=$SECONDS

step() {
  echo
  echo "== $1"
  shift
  echo "\$ $*"
  "$@"
}

step "1/6 Toy training data: $events EDM4hep events (W/Z -> prompt leptons among hadrons)" \
  "$podml" toy -n "$events" --seed 1 -o "$out/train.h5"
step "2/6 Fresh toy events to evaluate on (another seed)" \
  "$podml" toy -n "$events" --seed 2 -o "$out/test.h5"
step "3/6 Train the prompt-lepton classifier in C++ (spec: examples/toy-train.yaml)" \
  "$podml" train "$spec" "$out/train.h5" -o "$out/lepton-id.onnx"
step "4/6 Check the model's card against the data it will run on" \
  "$podml" check "$out/lepton-id.onnx" "$out/test.h5"
step "5/6 Run it over the fresh events; scores go back as edm4hep::ParticleID" \
  "$podml" infer "$out/lepton-id.onnx" "$out/test.h5" -o "$out/scored.h5"
step "6/6 Evaluate: ROC AUC, efficiency at fixed background rejection, pictures" \
  /usr/bin/python3 "$here/python/evaluate.py" "$out/scored.h5" --truth "$out/test.h5" --spec "$spec" --out "$out"

{
  echo "podml demo: prompt-lepton identification on the podml toy ($events events each for training and test)"
  echo
  /usr/bin/python3 - "$out/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print(f"objects scored: {s['objects']} ({s['signal']} prompt leptons)")
print(f"ROC AUC: {s['roc_auc']:.4f}")
for k, v in s.items():
    if k.startswith("signal efficiency"):
        print(f"{k}: {v:.3f}")
PY
  echo
  echo "files written in $out/:"
  echo "  train.h5              toy events the model was trained on (podml HDF5; podml inspect, h5py)"
  echo "  test.h5               fresh toy events (another seed)"
  echo "  lepton-id.onnx        the classifier, ONNX opset 17, with its model card (podml inspect lepton-id.onnx)"
  echo "  scored.h5             test events with LeptonIDs: one edm4hep::ParticleID per particle, pointing at it"
  echo "  roc.png               ROC curve: signal efficiency vs background rejection"
  echo "  scores.png            score distributions of prompt leptons and hadrons"
  echo "  efficiency_vs_pt.png  efficiency vs pT at background rejection 100"
  echo "  summary.json          the numbers above, machine-readable"
  echo "  SUMMARY.txt           this summary"
  echo
  echo "took $((SECONDS - start)) s. Next: docs/training.md (the spec), examples/python/train.py (the Python route)."
} | tee "$out/SUMMARY.txt"
