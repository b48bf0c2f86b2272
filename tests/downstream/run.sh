#!/usr/bin/env bash
# Installs podml from BUILD_DIR into a scratch prefix, then configures, builds and
# runs the downstream project against that install (as a user would).
set -euo pipefail
BUILD_DIR=$1
WORK=$2
SRC=$(cd "$(dirname "$0")" && pwd)
rm -rf "$WORK"
cmake --install "$BUILD_DIR" --prefix "$WORK/prefix" > "$WORK.install.log" 2>&1 || { cat "$WORK.install.log"; exit 1; }
cmake -S "$SRC" -B "$WORK/build" -G Ninja -DCMAKE_PREFIX_PATH="$WORK/prefix" -DCMAKE_BUILD_TYPE=Release
cmake --build "$WORK/build" -j 2
"$WORK/build/downstream_app"
