#!/usr/bin/env bash
# CLI tests of `podml generate`: output, messages and exit codes
# (0 ok, 1 bad data, 2 bad usage), determinism and rewrite-only-if-changed.
set -u
source "$(dirname "$0")/check.sh"
PODML=$1
SRC=$2
EDM4HEP_YAML=${3:-}
check "help lists generate" 0 "generate" "$PODML" --help
check "generate help has an example" 0 "Example" "$PODML" generate --help
check "no subcommand is bad usage" 2 "subcommand" "$PODML"
check "unknown option is bad usage" 2 "" "$PODML" generate --frobnicate
check "missing model file" 1 "podml: error: cannot open data model '$WORK/nope.yaml'" "$PODML" generate "$WORK/nope.yaml" "$WORK/out"

printf 'schema_version: 1\ndatatypes:\n  ex::A: [unclosed\n' > "$WORK/syntax.yaml"
check "malformed YAML names file:line" 1 "podml: error: cannot parse data model: .*syntax.yaml:[0-9]+" "$PODML" generate "$WORK/syntax.yaml" "$WORK/out"

cat > "$WORK/invalid.yaml" <<'YAML'
schema_version: 1
datatypes:
  ex::A:
    Description: "a"
    Author: "b"
    Members:
      - ex::Missing m // not declared
YAML
check "podio validation message with location" 1 "'ex::A' defines member 'm' of type 'ex::Missing' that is not declared! \(.*invalid.yaml:7\)" "$PODML" generate "$WORK/invalid.yaml" "$WORK/out"
check "bad --upstream-edm is bad usage" 2 "NAME:FILE.yaml" "$PODML" generate "$SRC/datamodel/testdm.yaml" "$WORK/out" --upstream-edm nocolon
check "nothing written on error" 0 "" test ! -e "$WORK/out"

check "generate testdm" 0 "generated data model 'testdm'.* changed" "$PODML" generate "$SRC/datamodel/testdm.yaml" "$WORK/a"
check "second run rewrites nothing" 0 ", 0 changed" "$PODML" generate "$SRC/datamodel/testdm.yaml" "$WORK/a"
check "output is deterministic" 0 "testdm" "$PODML" generate "$SRC/datamodel/testdm.yaml" "$WORK/b"
check "identical trees" 0 "" diff -r "$WORK/a" "$WORK/b"
check "--name overrides the stem" 0 "data model 'other'" "$PODML" generate "$SRC/datamodel/testdm.yaml" "$WORK/c" --name other
check "--name with a path is bad usage" 2 "--name '../../x' is not a valid data model name" "$PODML" generate "$SRC/datamodel/testdm.yaml" "$WORK/deep/er" --name ../../x
check "nothing written outside the output directory" 1 "" test -e "$WORK/deep"
cp "$SRC/datamodel/testdm.yaml" "$WORK/my-model.yaml"
check "a stem that is not an identifier is bad usage" 2 "stem 'my-model' is not a valid data model name" "$PODML" generate "$WORK/my-model.yaml" "$WORK/d"
check "and the hint asks for --name" 2 "hint: .*--name my_model" "$PODML" generate "$WORK/my-model.yaml" "$WORK/d"
[[ -f $EDM4HEP_YAML ]] && check "an extension of EDM4hep without its ExtraCode files names the option" 1 "podml: hint: give the directory that holds it with --extra-code-path DIR" \
  "$PODML" generate "$SRC/../examples/edm4hep_extension.yaml" "$WORK/e" --upstream-edm "edm4hep:$EDM4HEP_YAML"
check "quiet prints nothing" 0 "^$" "$PODML" generate "$SRC/datamodel/testdm.yaml" "$WORK/a" --quiet
check "extension with upstream" 0 "generated data model 'extension'" "$PODML" generate "$SRC/datamodel/extension.yaml" "$WORK/ext" --upstream-edm "testdm:$SRC/datamodel/testdm.yaml"
check "extension without its upstream fails clearly" 1 "is not a builtin type, another component or one from the upstream EDM \\(.*extension.yaml:13\\)" "$PODML" generate "$SRC/datamodel/extension.yaml" "$WORK/ext2"

finish "cli"
