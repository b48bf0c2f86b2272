#!/usr/bin/env bash
# Where podml takes EDM4hep from (issue 14): an installed EDM4hep (find_package or
# EDM4HEP_ROOT) before -DPODML_EDM4HEP_YAML before ../shared, said at configure time.
set -u
source "$(dirname "$0")/../cli/check.sh"
SRC=$1
HERE=$(cd "$(dirname "$0")" && pwd)
YAML="schema_version: 1"
# An install as Key4hep has it: a CMake config, the YAML, ExtraCode beside the headers.
mkdir -p "$WORK/install/lib/cmake/EDM4HEP" "$WORK/install/share/edm4hep" "$WORK/install/include/edm4hep/extra_code"
echo 'set(EDM4HEP_FOUND TRUE)' > "$WORK/install/lib/cmake/EDM4HEP/EDM4HEPConfig.cmake"
echo "$YAML" > "$WORK/install/share/edm4hep/edm4hep.yaml"
touch "$WORK/install/include/edm4hep/extra_code/CovMatrixCommon.ipp"
mkdir -p "$WORK/root/share/edm4hep" "$WORK/noyaml/include"
echo "$YAML" > "$WORK/root/share/edm4hep/edm4hep.yaml"
echo "$YAML" > "$WORK/given.yaml"
echo "$YAML" > "$WORK/shared.yaml"
# A fresh build directory each time (check runs this in a subshell, so no counter survives).
configure() { cmake -S "$HERE" -B "$(mktemp -d "$WORK/build.XXXXXX")" -DPODML_SOURCE_DIR="$SRC" "$@" 2>&1; }
check "find_package(EDM4HEP) first, with its ExtraCode" 0 \
  "podml: EDM4hep from the installed EDM4hep in $WORK/install: $WORK/install/share/edm4hep/edm4hep.yaml" \
  configure -DCMAKE_PREFIX_PATH="$WORK/install" -DPODML_EDM4HEP_YAML="$WORK/given.yaml" -DFALLBACK_YAML="$WORK/shared.yaml"
check "... whose include directory holds the ExtraCode files" 0 "extra=\[$WORK/install/include\]" \
  configure -DCMAKE_PREFIX_PATH="$WORK/install" -DFALLBACK_YAML="$WORK/shared.yaml"
check "EDM4HEP_ROOT in the environment" 0 "podml: EDM4hep from the installed EDM4hep in $WORK/root" \
  env EDM4HEP_ROOT="$WORK/root" cmake -S "$HERE" -B "$WORK/build-root" -DPODML_SOURCE_DIR="$SRC" -DPODML_EDM4HEP_YAML="$WORK/given.yaml"
check "... without ExtraCode, podml's copy" 0 "extra=\[$SRC/datamodels/edm4hep-support/include\]" \
  configure -DEDM4HEP_ROOT="$WORK/root"
check "an install without the YAML is said and passed over" 0 "an EDM4hep install in $WORK/noyaml has no edm4hep.yaml" \
  configure -DEDM4HEP_ROOT="$WORK/noyaml" -DPODML_EDM4HEP_YAML="$WORK/given.yaml"
check "... for -DPODML_EDM4HEP_YAML" 0 "podml: EDM4hep from -DPODML_EDM4HEP_YAML: $WORK/given.yaml" \
  configure -DEDM4HEP_ROOT="$WORK/noyaml" -DPODML_EDM4HEP_YAML="$WORK/given.yaml" -DFALLBACK_YAML="$WORK/shared.yaml"
check "../shared last" 0 "podml: EDM4hep from the repository's ../shared: $WORK/shared.yaml" \
  configure -DFALLBACK_YAML="$WORK/shared.yaml"
check "none: a warning, EDM4hep skipped" 0 "no EDM4hep found" configure -DFALLBACK_YAML="$WORK/none.yaml"
check "a -D naming nothing is an error" 1 "PODML_EDM4HEP_YAML names" \
  configure -DPODML_EDM4HEP_YAML="$WORK/none.yaml"
finish "edm4hep discovery"
