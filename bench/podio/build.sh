#!/usr/bin/env bash
# Builds real podio (core + podio-generated EDM4hep) and podio-bench-collections, the podio
# side of podml's collection benchmark, into BUILD_DIR (make bench-podio). Not part of podml's
# build or tests: a separate CMake project (bench/podio/CMakeLists.txt) configured with the
# compiler, launcher and flags of podml's release tree RELEASE_DIR, so both sides are compiled
# alike.
#
# Usage: bench/podio/build.sh ARCHIVE RELEASE_DIR BUILD_DIR [JOBS]
# Exit status: 0 built; 3 the archive is absent (a message says so; the benchmark then runs
# without podio); anything else: the build failed.
set -euo pipefail

archive=$1 release=$2 build=$3 jobs=${4:-2}
here=$(cd "$(dirname "$0")" && pwd)

if [ ! -f "$archive" ]; then
  echo "bench-podio: podio archive '$archive' not found: the collection benchmark runs without" \
       "the podio column (set PODIO_ARCHIVE=... to point at podio-32b44e8.tar.gz)" >&2
  exit 3
fi

# The release tree's compiler and flags (podml's release preset: CMAKE_BUILD_TYPE=Release).
cache_value() { sed -n "s/^$1:[A-Z]*=//p" "$release/CMakeCache.txt" 2>/dev/null | head -n 1; }
cxx=$(cache_value CMAKE_CXX_COMPILER)
flags=$(cache_value CMAKE_CXX_FLAGS)
flags_release=$(cache_value CMAKE_CXX_FLAGS_RELEASE)
launcher=$(cache_value PODML_CCACHE)
if [ -z "$cxx" ]; then
  echo "bench-podio: no configured release tree at '$release' (run cmake --preset release first)" >&2
  exit 1
fi
case "$launcher" in *NOTFOUND*) launcher="" ;; esac

cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_CXX_FLAGS_RELEASE="$flags_release" \
  ${launcher:+-DCMAKE_CXX_COMPILER_LAUNCHER="$launcher"} \
  -DPODIO_ARCHIVE="$(cd "$(dirname "$archive")" && pwd)/$(basename "$archive")"
cmake --build "$build" -j "$jobs" --target podio-bench-collections
