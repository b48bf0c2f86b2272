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
