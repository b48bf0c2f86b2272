# Shared by the CLI test scripts (sourced): `check NAME RC REGEX COMMAND...` runs
# COMMAND and passes if it exits with RC and its combined output matches REGEX;
# `finish LABEL` prints "LABEL: N passed, M failed" and returns the verdict.
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
pass=0
fail=0

check() {
  local name=$1 want=$2 regex=$3
  shift 3
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  if [[ $rc -eq $want ]] && grep -qE -- "$regex" <<<"$out"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL: $name (rc $rc, want $want; output: $out)"
  fi
}

finish() {
  echo "$1: $pass passed, $fail failed"
  [[ $fail -eq 0 ]]
}

# `write_mev_card FILE`: a complete card for the test model whose energy unit (MeV)
# disagrees with the sample data (GeV), for the mismatch tests.
write_mev_card() {
  /usr/bin/python3 - "$1" <<'PY'
import json, sys
card = {"podml_card": 1, "datamodel": {"name": "testdm", "schema_version": 3},
        "inputs": [{"name": "features", "collection_type": "ExampleHit", "collection": "Hits",
                    "members": [{"path": "x", "dtype": "float64", "unit": "mm"},
                                {"path": "energy", "dtype": "float64", "unit": "MeV"}],
                    "dtype": "float32", "shape": ["N", 2]}],
        "outputs": [{"name": "score", "dtype": "float32", "shape": ["N", 1]}]}
json.dump(card, open(sys.argv[1], "w"))
PY
}
