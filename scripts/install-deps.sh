#!/usr/bin/env bash
# Installs podml's build and test dependencies from Debian 12's archive (idempotent).
set -euo pipefail
exec bash "$(dirname "$0")/apt-install.sh" install-deps \
  build-essential cmake ninja-build ccache pkg-config git \
  libyaml-cpp-dev libcli11-dev \
  libhdf5-dev hdf5-tools \
  hdf5-filter-plugin `# LZ4 (HDF5 filter 32004) for --compression lz4` \
  libgtest-dev \
  python3-numpy python3-h5py python3-pytest python3-yaml \
  python3-jinja2 `# podio's own generator for the podio baseline of make bench (bench/podio/)` \
  python3-jsonschema `# the model card schema is checked against the cards podml writes` \
  python3-matplotlib `# make demo's pictures` \
  pybind11-dev python3-dev `# the Python module podml (python/)` \
  libonnx-dev libprotobuf-dev protobuf-compiler libonnx-testdata python3-onnx python3-torch \
  libtorch-dev `# the C++ trainer (train/)` \
  libhepmc3-dev `# podml import hepmc (workflow/)` \
  libfastjet-dev `# the toy dataset's jets (toy/)` \
  python3-distributed python3-dask `# examples/python/dask_infer.py and its test`
