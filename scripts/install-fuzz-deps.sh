#!/usr/bin/env bash
# What `make fuzz` needs beyond install-deps.sh: clang 14 with libFuzzer and the sanitizer runtimes.
set -euo pipefail
exec bash "$(dirname "$0")/apt-install.sh" install-fuzz-deps clang-14 libclang-rt-14-dev
