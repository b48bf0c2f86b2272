#!/usr/bin/env bash
# Installs podml's build and test dependencies from Debian 12's archive.
# Idempotent: packages already present are skipped, and apt-get update runs
# only when something is missing. Run as root (or with sudo available).
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  libyaml-cpp-dev
  libhdf5-dev hdf5-tools
  hdf5-filter-plugin  # LZ4 (HDF5 filter 32004) for --compression lz4; found on HDF5's default plugin path
  libgtest-dev libgmock-dev libbenchmark-dev
  nlohmann-json3-dev libfmt-dev libcli11-dev
  pybind11-dev python3-dev python3-numpy python3-h5py python3-pytest
  libonnx-dev libprotobuf-dev protobuf-compiler libonnx-testdata python3-onnx python3-torch
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} Debian packages already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing from Debian: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: done"
