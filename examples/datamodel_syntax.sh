#!/usr/bin/env bash
# The commands of docs/datamodel-syntax.md, line for line (tests/docs/test_snippets.py checks
# that its sh blocks are excerpts of this file). Run it from the source root, as the page says;
# ctest (`datamodel_syntax_commands`) runs it in a directory laid out like the source root.
set -euo pipefail

podml generate examples/my_model.yaml build/my_model --name mymodel     # writes build/my_model/include/mymodel/...

podml generate tests/datamodel/extension.yaml build/ext --upstream-edm testdm:tests/datamodel/testdm.yaml
podml generate examples/edm4hep_extension.yaml build/my_ext --name myext --upstream-edm edm4hep:../shared/datamodels/edm4hep/edm4hep.yaml --extra-code-path datamodels/edm4hep-support/include
