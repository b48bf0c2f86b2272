#!/usr/bin/env bash
# Installs podml from BUILD_DIR into a scratch prefix and uses it as a user would, with the
# build tree's copy of ONNX Runtime moved away (the install must not need the build tree):
# the installed podml makes toy events, trains and runs a model; then the downstream project
# is configured, built and run against the prefix, linking every exported target.
# Usage: run.sh BUILD_DIR WORK_DIR SOURCE_DIR   (ctest runs it alone: RUN_SERIAL)
set -euo pipefail
BUILD_DIR=$1
WORK=$2
PODML_SRC=$3
SRC=$(cd "$(dirname "$0")" && pwd)
rm -rf "$WORK"
mkdir -p "$WORK"
cmake --install "$BUILD_DIR" --prefix "$WORK/prefix" > "$WORK/install.log" 2>&1 || { cat "$WORK/install.log"; exit 1; }
PREFIX=$WORK/prefix

# No installed binary may look for libraries in the build tree.
for f in "$PREFIX"/bin/podml "$PREFIX"/libexec/podml/*; do
  if readelf -d "$f" | grep -E "R(UN)?PATH" | grep -qF "$BUILD_DIR"; then
    echo "FAIL: $f looks for libraries in the build tree: $(readelf -d "$f" | grep -E 'R(UN)?PATH')"
    exit 1
  fi
done

ORT=$(find "$BUILD_DIR/_deps" -name libonnxruntime.so -path '*native*' -printf '%h\n' 2>/dev/null | head -n 1 || true)
if [[ -n $ORT ]]; then
  mv "$ORT" "$ORT.moved-by-downstream-test"
  trap 'mv "$ORT.moved-by-downstream-test" "$ORT"' EXIT
fi

cd "$WORK"
"$PREFIX/bin/podml" toy -q -n 300 --seed 3 -o toy.h5
sed 's/^\( *epochs:\).*/\1 1/' "$PODML_SRC/examples/toy-train.yaml" > spec.yaml
"$PREFIX/bin/podml" train -q spec.yaml toy.h5 -o model.onnx
"$PREFIX/bin/podml" infer model.onnx toy.h5 -o scored.h5

cmake -S "$SRC" -B "$WORK/build" -G Ninja -DCMAKE_PREFIX_PATH="$PREFIX" -DCMAKE_BUILD_TYPE=Release \
  -DPODML_EXAMPLES_DIR="$PODML_SRC/examples"
cmake --build "$WORK/build" -j 2
"$WORK/build/downstream_app" spec.yaml model.onnx toy.h5
