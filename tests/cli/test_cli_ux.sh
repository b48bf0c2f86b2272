#!/usr/bin/env bash
# The command line as a whole (docs/cli.md): help with examples for every command,
# exit codes (0 ok, 1 bad data or model, 2 bad usage) for every command, hints after
# errors, --json documents that parse, -q and -v before and after the command name,
# and progress bars only on a terminal.
set -u
source "$(dirname "$0")/check.sh"
PODML=$1
SAMPLE=$2
SPEC=$3
WRITE_MODELS=$4
CARD=$5
SRC=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=/usr/bin/python3
[[ -f $SAMPLE ]] || { echo "FAIL: sample file '$SAMPLE' is missing (run the io_write_sample test first)"; exit 1; }

# `check_stdout NAME RC REGEX COMMAND...`: like check, on stdout alone (stderr is dropped).
check_stdout() {
  local name=$1 want=$2 regex=$3
  shift 3
  local out rc
  out=$("$@" 2>/dev/null)
  rc=$?
  if [[ $rc -eq $want ]] && grep -qE -- "$regex" <<<"$out"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL: $name (rc $rc, want $want; stdout: $out)"
  fi
}

# `check_silent NAME RC COMMAND...`: exits with RC and prints nothing at all on stdout.
check_silent() {
  local name=$1 want=$2
  shift 2
  local out rc
  out=$("$@" 2>/dev/null)
  rc=$?
  if [[ $rc -eq $want && -z $out ]]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL: $name (rc $rc, want $want; stdout should be empty: $out)"
  fi
}

# `check_json NAME RC PYEXPR COMMAND...`: exits with RC, stdout is one JSON document `d`
# and the Python expression PYEXPR over it is true.
check_json() {
  local name=$1 want=$2 expr=$3
  shift 3
  local out rc verdict
  out=$("$@" 2>/dev/null)
  rc=$?
  verdict=$("$PYTHON" -c "import json,sys; d=json.load(sys.stdin); print('yes' if ($expr) else 'no')" <<<"$out" 2>&1)
  if [[ $rc -eq $want && $verdict == yes ]]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL: $name (rc $rc, want $want; check: $verdict; stdout: $out)"
  fi
}

COMMANDS=(generate inspect card check infer train toy)

# ---- Help -------------------------------------------------------------------------
# Each help text is made once (the binary takes a while to start) and then searched.
echo_of() { printf '%s\n' "$1"; }
top_help=$("$PODML" --help)
check "podml --help exits 0" 0 "" "$PODML" --help
for c in "${COMMANDS[@]}"; do
  check "podml --help lists $c" 0 "^  $c +[A-Z]" echo_of "$top_help"
done
check "podml --help shows the typical workflow" 0 "^  podml toy -n" echo_of "$top_help"
for step in "podml train examples/toy-train.yaml" "podml check " "podml infer "; do
  check "the workflow has '$step'" 0 "^  $step" echo_of "$top_help"
done
check "podml --help says where the docs are" 0 "docs/cli.md" echo_of "$top_help"
check "podml --help names the exit codes" 0 "0 ok, 1 bad data or model, 2 bad usage" echo_of "$top_help"
check "--version" 0 "^podml [0-9]+\.[0-9]+" "$PODML" --version
for c in "${COMMANDS[@]}" "card attach"; do
  # shellcheck disable=SC2086 # "card attach" is two words
  help=$("$PODML" $c --help 2>/dev/null)
  rc=$?
  check "podml $c --help exits 0" 0 "" test "$rc" -eq 0
  check "podml $c --help (on stdout) has the usage" 0 "^Usage: podml $c" echo_of "$help"
  check "podml $c --help has examples" 0 "^Examples:" echo_of "$help"
  check "podml $c --help has an example line" 0 "^  podml $c " echo_of "$help"
  check "podml $c --help lists -q and -v" 0 "-v,--verbose" echo_of "$help"
done

# ---- Data for the rest --------------------------------------------------------------
"$PODML" toy -q -n 200 --seed 5 -o "$WORK/toy.h5" || { echo "FAIL: cannot write toy events"; exit 1; }
sed 's/^\( *epochs:\).*/\1 1/' "$SPEC" > "$WORK/spec.yaml"
"$WRITE_MODELS" "$WORK" >/dev/null || { echo "FAIL: cannot write test models"; exit 1; }

# ---- Exit codes and messages, command by command ------------------------------------
check "no command is bad usage" 2 "A subcommand is required" "$PODML"
check "an unknown command is bad usage, named" 2 "podml: error: unknown command 'frobnicate'" "$PODML" frobnicate
check "an unknown command: hint" 2 "podml: hint: run \`podml --help\`" "$PODML" frobnicate
check "an unknown option names the next step" 2 "podml: hint: run \`podml toy --help\`" "$PODML" toy -n 5 -o "$WORK/x.h5" --frobnicate
check "-q with -v is bad usage" 2 "cannot use --quiet and --verbose together" "$PODML" -q toy -v -n 5 -o "$WORK/x.h5"
check_silent "parse errors go to stderr only" 2 "$PODML" toy

# generate
check "generate: ok" 0 "generated data model 'testdm'" "$PODML" generate "$SRC/datamodel/testdm.yaml" "$WORK/gen"
check "generate: missing YAML file is bad data" 1 "podml: error: cannot open data model" "$PODML" generate "$WORK/nope.yaml" "$WORK/gen2"
check "generate: missing outdir is bad usage" 2 "outdir is required" "$PODML" generate "$SRC/datamodel/testdm.yaml"
check "generate: bad --upstream-edm is bad usage, with a hint" 2 "podml: hint: .*--upstream-edm edm4hep:edm4hep.yaml" \
  "$PODML" generate "$SRC/datamodel/testdm.yaml" "$WORK/gen3" --upstream-edm nocolon

# inspect
check "inspect: ok" 0 "category 'events': 200 entries" "$PODML" inspect "$WORK/toy.h5"
printf 'not hdf5\n' > "$WORK/text.h5"
check "inspect: non-HDF5 file is bad data" 1 "podml: error: cannot open '$WORK/text.h5': not an HDF5 file" "$PODML" inspect "$WORK/text.h5"
check "inspect: a glob matching nothing is bad data" 1 "matches no file" "$PODML" inspect "$WORK/none*.h5"
check "inspect: no files is bad usage" 2 "files is required" "$PODML" inspect
check "inspect: a model among data files is bad usage" 2 "cannot inspect ONNX models together" "$PODML" inspect "$WORK/linear.onnx" "$SAMPLE"
check "inspect: a model" 0 "card: none; attach one with \`podml card attach" "$PODML" inspect "$WORK/linear.onnx"
printf 'junk' > "$WORK/junk.onnx"
check "inspect: a broken model is bad data" 1 "not an ONNX model" "$PODML" inspect "$WORK/junk.onnx"

# card attach
check "card attach: ok" 0 "attached a card \(1 inputs, 1 outputs\)" \
  "$PODML" card attach "$WORK/linear.onnx" "$CARD" -o "$WORK/carded.onnx" --data "$SAMPLE"
sed 's/members: \[x, energy\]/members: [x, energy, y]/' "$CARD" > "$WORK/three.yaml"
check "card attach: a card that does not fit the graph is bad data" 1 "the graph expects 2 values per object" \
  "$PODML" card attach "$WORK/linear.onnx" "$WORK/three.yaml" -o "$WORK/bad.onnx" --data "$SAMPLE"
check "card attach: ... with a hint to inspect the model" 1 "podml: hint: run \`podml inspect .*linear.onnx\`" \
  "$PODML" card attach "$WORK/linear.onnx" "$WORK/three.yaml" -o "$WORK/bad.onnx" --data "$SAMPLE"
sed 's/members: \[x, energy\]/members: [x, nope]/' "$CARD" > "$WORK/nope.yaml"
check "card attach: an unknown member names the next step" 1 "podml: hint: run \`podml inspect -v .*sample.h5\`" \
  "$PODML" card attach "$WORK/linear.onnx" "$WORK/nope.yaml" -o "$WORK/bad.onnx" --data "$SAMPLE"
check "card attach: data without the card's data model is bad data" 1 "holds no data model 'testdm' \(it holds 'edm4hep'\)" \
  "$PODML" card attach "$WORK/linear.onnx" "$CARD" -o "$WORK/bad.onnx" --data "$WORK/toy.h5"
check "card attach: bare member paths without --data is bad usage" 2 \
  "input 'features' gives member 'x' as a bare path, and podml fills in its dtype, shape and unit from the data" \
  "$PODML" card attach "$WORK/linear.onnx" "$CARD" -o "$WORK/bad.onnx"
check "card attach: ... with a hint to add --data" 2 "podml: hint: add --data FILE" \
  "$PODML" card attach "$WORK/linear.onnx" "$CARD" -o "$WORK/bad.onnx"
cp "$CARD" "$WORK/card-copy.yaml"
cp "$SAMPLE" "$WORK/data-copy.h5"
check "card attach: -o naming the card is bad usage" 2 "it is also an input of this run" \
  "$PODML" card attach "$WORK/linear.onnx" "$WORK/card-copy.yaml" -o "$WORK/card-copy.yaml" --data "$SAMPLE"
check "card attach: -o naming the data is bad usage" 2 "it is also an input of this run" \
  "$PODML" card attach "$WORK/linear.onnx" "$CARD" -o "$WORK/data-copy.h5" --data "$WORK/data-copy.h5"
check "card attach: ... and both stay intact" 0 "" bash -c "cmp '$CARD' '$WORK/card-copy.yaml' && cmp '$SAMPLE' '$WORK/data-copy.h5'"
check "card attach: missing -o is bad usage" 2 "--output is required" "$PODML" card attach "$WORK/linear.onnx" "$CARD"
printf 'podml_card: 1\ninputs: \xff\n' > "$WORK/latin1.yaml"
check "card attach: a card that is not UTF-8 names the file, line and column" 1 \
  "cannot read model card: byte 0xff is not valid UTF-8; podml reads UTF-8 text \(.*latin1.yaml:2:9\)" \
  "$PODML" card attach "$WORK/linear.onnx" "$WORK/latin1.yaml" -o "$WORK/bad.onnx"
check "card: no subcommand is bad usage" 2 "podml: hint: run \`podml card --help\`" "$PODML" card
check "card: an unknown subcommand is bad usage" 2 "unknown command 'detach'" "$PODML" card detach

# train (one epoch on 200 toy events: fast)
check "train: ok" 0 "wrote $WORK/model.onnx: best epoch 1 of 1" "$PODML" train "$WORK/spec.yaml" "$WORK/toy.h5" -o "$WORK/model.onnx"
check "train: a spec that does not fit the data is bad data" 1 "training spec does not fit the data" \
  "$PODML" train "$WORK/spec.yaml" "$SAMPLE" -o "$WORK/x.onnx"
check "train: ... with a hint to inspect the data" 1 "podml: hint: run \`podml inspect -v .*sample.h5\` to list the collections" \
  "$PODML" train "$WORK/spec.yaml" "$SAMPLE" -o "$WORK/x.onnx"
printf 'podml_training: 1\nfeatures: [\n' > "$WORK/broken.yaml"
check "train: a malformed spec is bad data, with a pointer to the docs" 1 "podml: hint: docs/training.md" \
  "$PODML" train "$WORK/broken.yaml" "$WORK/toy.h5" -o "$WORK/x.onnx"
head -c 32 /dev/zero > "$WORK/zeros.yaml"
check "train: an all-NUL spec names the file, line and column" 1 \
  "cannot read training spec: a NUL byte; this is not a text file \(.*zeros.yaml:1:1\)" \
  "$PODML" train "$WORK/zeros.yaml" "$WORK/toy.h5" -o "$WORK/x.onnx"
check "train: missing -o is bad usage" 2 "--output is required" "$PODML" train "$WORK/spec.yaml" "$WORK/toy.h5"
check "train: negative --threads is bad usage" 2 "--threads: Value -1 not in range 0 to 1024" "$PODML" train "$WORK/spec.yaml" "$WORK/toy.h5" -o "$WORK/x.onnx" --threads -1
check "train: missing input files are bad usage" 2 "inputs is required" "$PODML" train "$WORK/spec.yaml" -o "$WORK/x.onnx"

# check
check "check: ok" 0 "fits" "$PODML" check "$WORK/model.onnx" "$WORK/toy.h5"
check "the README's card attach with the shipped card" 0 "attached a card \(1 inputs, 1 outputs\)" \
  "$PODML" card attach "$WORK/model.onnx" "$(dirname "$0")/../../examples/lepton-id-card.yaml" -o "$WORK/carded.onnx" --data "$WORK/toy.h5"
check "... and the result fits" 0 "fits" "$PODML" check "$WORK/carded.onnx" "$WORK/toy.h5"
check "check: another data model is a mismatch (exit 1)" 1 "does not fit .* \(1 mismatch\)" "$PODML" check "$WORK/model.onnx" "$SAMPLE"
check "check: a mismatch says what to do next" 1 "next: compare what the model reads" "$PODML" check "$WORK/model.onnx" "$SAMPLE"
check "check: no card is bad data, with the attach command" 1 "podml: hint: attach one with \`podml card attach .*linear.onnx" \
  "$PODML" check "$WORK/linear.onnx" "$SAMPLE"
check "check: a missing data file is bad data" 1 "cannot open '$WORK/none.h5': no such file" "$PODML" check "$WORK/model.onnx" "$WORK/none.h5"
check "check: missing data argument is bad usage" 2 "data is required" "$PODML" check "$WORK/model.onnx"

# infer
check "infer: ok" 0 "scored 200 events with .*: [0-9]+ edm4hep::ParticleID in" "$PODML" infer "$WORK/model.onnx" "$WORK/toy.h5" -o "$WORK/scored.h5"

# A full disk (here a file size limit, which fails writes the same way) is a clean error, exit 1,
# with nothing left behind and a previous output intact; libhdf5 once crashed at exit after it.
limited() { local kb=$1; shift; ( trap '' XFSZ; ulimit -f "$kb"; exec "$@" ); }
mkdir -p "$WORK/full"
check "full disk: toy exits 1 with the reason" 1 "cannot write rows: file write failed: File too large" \
  limited 500 "$PODML" toy -q -n 3000 -o "$WORK/full/toy.h5"
cp "$WORK/scored.h5" "$WORK/full/scored.h5"
check "full disk: infer exits 1 with the reason" 1 "file write failed: File too large" \
  limited 100 "$PODML" infer "$WORK/model.onnx" "$WORK/toy.h5" -o "$WORK/full/scored.h5"
check "full disk: the previous output is intact" 0 "" cmp "$WORK/scored.h5" "$WORK/full/scored.h5"
check "full disk: no temporary file is left" 0 "^scored.h5$" ls -A "$WORK/full"
check "infer: no card is bad data" 1 "has no podml card" "$PODML" infer "$WORK/linear.onnx" "$SAMPLE" -o "$WORK/y.h5"
check "infer: another data model is bad data, with a hint to check" 1 "podml: hint: run \`podml check " \
  "$PODML" infer "$WORK/model.onnx" "$SAMPLE" -o "$WORK/y.h5"
check "infer: an unknown --collection is bad usage" 2 "reads collection 'Nope', which is not in category 'events'" \
  "$PODML" infer "$WORK/model.onnx" "$WORK/toy.h5" -o "$WORK/y.h5" --collection Nope
check "infer: ... with a hint to list the collections" 2 "podml: hint: run \`podml inspect .*toy.h5\` to list the collections" \
  "$PODML" infer "$WORK/model.onnx" "$WORK/toy.h5" -o "$WORK/y.h5" --collection Nope
check "infer: an unknown --category is bad usage" 2 "no such category \(they have 'events', 'metadata'\)" \
  "$PODML" infer "$WORK/model.onnx" "$WORK/toy.h5" -o "$WORK/y.h5" --category runs
check "infer: a malformed --shard is bad usage" 2 "--shard: expects i/n" "$PODML" infer "$WORK/model.onnx" "$WORK/toy.h5" -o "$WORK/y.h5" --shard 3
check "infer: writing over the input is bad usage" 2 "it is also an input of this run" \
  "$PODML" infer "$WORK/model.onnx" "$WORK/toy.h5" -o "$WORK/toy.h5"
check "infer: the input is intact" 0 "category 'events': 200 entries" "$PODML" inspect "$WORK/toy.h5"
check "infer: writing over the model is bad usage" 2 "it is also an input of this run .'$WORK/model.onnx'" \
  "$PODML" infer "$WORK/model.onnx" "$WORK/toy.h5" -o "$WORK/model.onnx"
check "infer: the model is intact" 0 "card \(version" "$PODML" inspect "$WORK/model.onnx"
check "train: writing the model over the data is bad usage" 2 "it is also an input of this run" \
  "$PODML" train "$WORK/spec.yaml" "$WORK/toy.h5" -o "$WORK/toy.h5"
check "train: writing the model over the spec is bad usage" 2 "it is also an input of this run" \
  "$PODML" train "$WORK/spec.yaml" "$WORK/toy.h5" -o "$WORK/spec.yaml"
check "train: the data is intact" 0 "category 'events': 200 entries" "$PODML" inspect "$WORK/toy.h5"
# Run as root, a rename onto /dev/null would replace the device with a regular file.
check "toy: -o /dev/null is bad usage" 2 "'/dev/null': it is a device, which podml never replaces" \
  "$PODML" toy -n 1 -o /dev/null
check "toy: /dev/null is still a device" 0 "" test -c /dev/null
check "infer: -o a directory is bad usage" 2 "it is a directory, which podml never replaces" \
  "$PODML" infer "$WORK/model.onnx" "$WORK/toy.h5" -o "$WORK"
check "toy: -n above 2^64 is bad usage, not clamped" 2 "is larger than 18446744073709551615" \
  "$PODML" toy -n 99999999999999999999999 -o "$WORK/never.h5"
check "toy: a seed above 2^64 is bad usage" 2 "is larger than 18446744073709551615" \
  "$PODML" toy -n 1 --seed 99999999999999999999999 -o "$WORK/never.h5"
check "toy: an empty -o is bad usage" 2 "the output path is empty" "$PODML" toy -n 1 -o ""
check "infer: a missing input file is bad data" 1 "cannot open '$WORK/none.h5': no such file" \
  "$PODML" infer "$WORK/model.onnx" "$WORK/none.h5" -o "$WORK/y.h5"
check "infer: missing -o is bad usage" 2 "--output is required" "$PODML" infer "$WORK/model.onnx" "$WORK/toy.h5"
check "nothing written on errors" 0 "" test ! -e "$WORK/y.h5"

# toy
check "toy: ok" 0 "wrote 20 toy events" "$PODML" toy -n 20 -o "$WORK/t.h5"
check "toy: an unwritable output is bad data" 1 "cannot create" "$PODML" toy -n 5 -o "$WORK/no/such/dir/x.h5"
check "toy: zero events is bad usage" 2 "not positive" "$PODML" toy -n 0 -o "$WORK/x.h5"
check "toy: an overflowing event index is bad usage, with a hint" 2 "podml: hint: use a smaller --first-event" \
  "$PODML" toy -n 5 -o "$WORK/x.h5" --first-event 18446744073709551614

# ---- --json -------------------------------------------------------------------------
check_json "inspect --json: a podml file" 0 \
  "d['kind'] == 'podml-file' and set(d) == {'kind', 'files', 'format_version', 'datamodels', 'categories'} and d['categories'][0]['entries'] == 200" \
  "$PODML" inspect "$WORK/toy.h5" --json
check_json "inspect --json: documented collection and column keys" 0 \
  "set(d['categories'][0]['collections'][0]) == {'name', 'type', 'datamodel', 'schema_version', 'collection_id', 'subset', 'objects', 'absent_entries', 'columns', 'relations'} and set(d['categories'][0]['collections'][0]['columns'][0]) == {'path', 'dtype', 'shape', 'unit', 'kind', 'owner'}" \
  "$PODML" inspect "$WORK/toy.h5" --json
check_json "inspect --json: a chain" 0 "len(d['files']) == 2 and d['categories'][0]['entries'] == 220" \
  "$PODML" inspect "$WORK/toy.h5" "$WORK/t.h5" --json
check_json "inspect --json: a model" 0 \
  "d['kind'] == 'onnx-model' and set(d) == {'kind', 'file', 'ir_version', 'producer', 'opsets', 'inputs', 'outputs', 'card'} and d['opsets']['ai.onnx'] == 17 and d['card']['datamodel']['name'] == 'edm4hep' and d['inputs'][0]['name'] == 'features'" \
  "$PODML" inspect "$WORK/model.onnx" --json
check_json "inspect --json: a model without a card" 0 "d['card'] is None" "$PODML" inspect "$WORK/linear.onnx" --json
check_json "inspect --json -v is still one document" 0 "d['kind'] == 'podml-file'" "$PODML" inspect -v "$WORK/toy.h5" --json
check_json "inspect --json -q still prints the document" 0 "d['kind'] == 'podml-file'" "$PODML" -q inspect "$WORK/toy.h5" --json
check_json "check --json: fits" 0 \
  "d == {'kind': 'podml-check', 'model': '$WORK/model.onnx', 'data': '$WORK/toy.h5', 'datamodel': 'edm4hep', 'schema_version': d['schema_version'], 'ok': True, 'mismatches': []}" \
  "$PODML" check "$WORK/model.onnx" "$WORK/toy.h5" --json
check_json "check --json: a mismatch exits 1 and is listed" 1 \
  "d['ok'] is False and len(d['mismatches']) == 1 and 'edm4hep' in d['mismatches'][0]" \
  "$PODML" check "$WORK/model.onnx" "$SAMPLE" --json
write_mev_card "$WORK/mev.json"
"$PODML" card attach -q "$WORK/linear.onnx" "$WORK/mev.json" -o "$WORK/mev.onnx"
check_json "check --json: a unit mismatch names the member" 1 \
  "d['ok'] is False and any(\"member 'energy'\" in m and 'MeV' in m for m in d['mismatches'])" \
  "$PODML" check "$WORK/mev.onnx" "$SAMPLE" --json
check_json "check --json -v is still one document" 0 "d['ok']" "$PODML" check -v "$WORK/model.onnx" "$WORK/toy.h5" --json
check "check --json: an unreadable model is an error, not JSON" 1 "podml: error: cannot read model" \
  "$PODML" check "$WORK/junk.onnx" "$SAMPLE" --json
check_json "infer --json: the summary, its counts those of the file" 0 \
  "d['kind'] == 'podml-infer' and set(d) == {'kind', 'model', 'inputs', 'output', 'category', 'first', 'last', 'events', 'skipped_events', 'outputs'} and d['events'] == 200 and d['first'] == 0 and d['last'] == 200 and d['skipped_events'] == 0 and len(d['outputs']) == 1 and d['outputs'][0]['type'] == 'edm4hep::ParticleID' and d['outputs'][0]['objects'] > 0" \
  "$PODML" infer "$WORK/model.onnx" "$WORK/toy.h5" -o "$WORK/j.h5" --json
check "infer --json: the count is what the file holds" 0 "" bash -c \
  "n=\$('$PODML' infer '$WORK/model.onnx' '$WORK/toy.h5' -o '$WORK/j2.h5' --json | $PYTHON -c 'import json,sys; print(json.load(sys.stdin)[\"outputs\"][0][\"objects\"])'); '$PODML' inspect '$WORK/j2.h5' | grep -q \"edm4hep::ParticleID, \$n objects\""
check_json "infer --threads 2 --json -q is still one document" 0 "d['events'] == 200" \
  "$PODML" -q infer "$WORK/model.onnx" "$WORK/toy.h5" -o "$WORK/j3.h5" --threads 2 --json
check "train --threads above 1024 is bad usage" 2 "--threads: Value 5000 not in range 0 to 1024" \
  "$PODML" train "$WORK/spec.yaml" "$WORK/toy.h5" -o "$WORK/x.onnx" --threads 5000
check "train --memory -1 is bad usage" 2 "--memory: Value -1 not in range" \
  "$PODML" train "$WORK/spec.yaml" "$WORK/toy.h5" -o "$WORK/x.onnx" --memory -1
check "train --chunk-events 0 is bad usage" 2 "--chunk-events: Value 0 not in range 1 to" \
  "$PODML" train "$WORK/spec.yaml" "$WORK/toy.h5" -o "$WORK/x.onnx" --chunk-events 0
check "infer --events-per-run 0 is bad usage" 2 "--events-per-run: Value 0 not in range 1 to 4096" \
  "$PODML" infer "$WORK/model.onnx" "$WORK/toy.h5" -o "$WORK/j5.h5" --events-per-run 0
check "infer --events-per-run 5000 is bad usage" 2 "--events-per-run: Value 5000 not in range 1 to 4096" \
  "$PODML" infer "$WORK/model.onnx" "$WORK/toy.h5" -o "$WORK/j5.h5" --events-per-run 5000
check "infer --threads 0 is bad usage" 2 "--threads: Value 0 not in range 1 to 1024" \
  "$PODML" infer "$WORK/model.onnx" "$WORK/toy.h5" -o "$WORK/j4.h5" --threads 0
check_json "train --json: the summary with one line per epoch" 0 \
  "d['kind'] == 'podml-train' and d['model'] == '$WORK/model-j.onnx' and d['best_epoch'] == 1 and len(d['history']) == 1 and d['training']['objects'] > 0 and 0 <= d['training']['signal'] <= d['training']['objects'] and d['export_check']['max_difference'] <= d['export_check']['tolerance'] and set(d['seconds']) == {'total', 'reading', 'batches', 'optimising'}" \
  "$PODML" train "$WORK/spec.yaml" "$WORK/toy.h5" -o "$WORK/model-j.onnx" --json

# ---- -q: nothing on stdout ----------------------------------------------------------
check_silent "toy -q" 0 "$PODML" toy -q -n 20 -o "$WORK/q1.h5"
check_silent "-q toy (before the command)" 0 "$PODML" -q toy -n 20 -o "$WORK/q2.h5"
check_silent "train -q" 0 "$PODML" train -q "$WORK/spec.yaml" "$WORK/toy.h5" -o "$WORK/q.onnx"
check_silent "infer -q" 0 "$PODML" infer -q "$WORK/model.onnx" "$WORK/toy.h5" -o "$WORK/q.h5"
check_silent "-q infer" 0 "$PODML" -q infer "$WORK/model.onnx" "$WORK/toy.h5" -o "$WORK/q3.h5"
check_silent "check -q (fits)" 0 "$PODML" check -q "$WORK/model.onnx" "$WORK/toy.h5"
check_silent "check -q (mismatch: exit code only)" 1 "$PODML" check -q "$WORK/model.onnx" "$SAMPLE"
check_silent "inspect -q (the files open)" 0 "$PODML" inspect -q "$WORK/toy.h5"
check_silent "inspect -q (a bad file: exit code)" 1 "$PODML" inspect -q "$WORK/text.h5"
check_silent "card attach -q" 0 "$PODML" card attach -q "$WORK/linear.onnx" "$CARD" -o "$WORK/q.onnx" --data "$SAMPLE"
check_silent "card -q attach (between the commands)" 0 "$PODML" card -q attach "$WORK/linear.onnx" "$CARD" -o "$WORK/q2.onnx" --data "$SAMPLE"
check_silent "generate -q" 0 "$PODML" generate -q "$SRC/datamodel/testdm.yaml" "$WORK/gen"
check "-q keeps errors on stderr" 1 "podml: error: cannot open" "$PODML" -q inspect "$WORK/none.h5"
check "the quiet runs wrote their files" 0 "category 'events': 200 entries" "$PODML" inspect "$WORK/q3.h5"

# ---- -v: more detail ----------------------------------------------------------------
check_stdout "toy -v shows the settings" 0 "^writing 20 toy events \(seed 1, events 0..20, compression none\)" "$PODML" toy -v -n 20 -o "$WORK/v.h5"
check_stdout "toy -v shows the file size" 0 "^file size: [0-9]+ bytes" "$PODML" -v toy -n 20 -o "$WORK/v.h5"
check_stdout "train -v lists the feature names before training" 0 "^features: momentum.x momentum.y momentum.z energy" \
  "$PODML" train -v "$WORK/spec.yaml" "$WORK/toy.h5" -o "$WORK/v.onnx"
check_stdout "train -v shows the dataset counts" 0 "^training: [0-9]+ objects \([0-9]+ signal\); validation: [0-9]+ objects" \
  "$PODML" -v train "$WORK/spec.yaml" "$WORK/toy.h5" -o "$WORK/v.onnx"
check_stdout "infer -v names each input's collection" 0 "^input 'features' <- collection 'ReconstructedParticles': members of edm4hep::ReconstructedParticle" \
  "$PODML" infer -v "$WORK/model.onnx" "$WORK/toy.h5" -o "$WORK/v.h5"
check_stdout "infer -v shows ONNX Runtime's threads" 0 "ONNX Runtime: 1 intra-op thread" \
  "$PODML" -v infer "$WORK/model.onnx" "$WORK/toy.h5" -o "$WORK/v.h5"
check_stdout "inspect -v shows per-file sizes and entries" 0 "toy.h5 +[0-9.]+ [KM]iB +entries: events 200, metadata 1" \
  "$PODML" inspect -v "$WORK/toy.h5"
check_stdout "inspect -v shows column owners and descriptions" 0 "column +dtype +shape +unit +kind +owner +description" \
  "$PODML" inspect -v "$WORK/toy.h5"
check_stdout "inspect -v shows objects per entry" 0 "^    [0-9.]+ objects per entry" "$PODML" inspect -v "$WORK/toy.h5"
check_stdout "inspect -v of a model shows its training provenance" 0 "\"trainer\": \"podml train \(libtorch\)\"" \
  "$PODML" inspect -v "$WORK/model.onnx"
check_stdout "check -v shows the card and what was checked" 0 "^checked the card against the graph" \
  "$PODML" check -v "$WORK/model.onnx" "$WORK/toy.h5"
check_stdout "card attach -v shows the completed card" 0 "^    energy  float64 \[GeV\]" \
  "$PODML" card attach -v "$WORK/linear.onnx" "$CARD" -o "$WORK/v.onnx" --data "$SAMPLE"
check_stdout "generate -v lists the datatypes" 0 "^  datatype ExampleHit: " "$PODML" generate -v "$SRC/datamodel/testdm.yaml" "$WORK/gen"
for c in "toy -n 20 -o $WORK/w.h5" "infer $WORK/model.onnx $WORK/toy.h5 -o $WORK/w.h5" "inspect $WORK/toy.h5"; do
  # shellcheck disable=SC2086 # word splitting of the command line is wanted
  plain=$("$PODML" $c 2>/dev/null | wc -l)
  # shellcheck disable=SC2086
  verbose=$("$PODML" -v $c 2>/dev/null | wc -l)
  check "-v adds lines to: podml ${c%% *}" 0 "" test "$verbose" -gt "$plain"
done

# ---- Progress bars: on a terminal only ----------------------------------------------
check_silent "no progress on stderr when it is not a terminal" 0 sh -c "'$PODML' toy -n 200 -o '$WORK/p.h5' 2>&1 >/dev/null"
if command -v script >/dev/null; then
  # script(1) gives the command a terminal: the bar shows the count, the rate and the ETA or time.
  check "toy draws a progress bar on a terminal" 0 "events \[#+\] 200/200 \(100%\) .*events/s in [0-9]+:[0-9]{2}" \
    script -qec "'$PODML' toy -n 200 -o '$WORK/p.h5'" /dev/null
  check "infer draws a progress bar on a terminal" 0 "scoring \[#+\] 200/200 \(100%\)" \
    script -qec "'$PODML' infer '$WORK/model.onnx' '$WORK/toy.h5' -o '$WORK/p2.h5'" /dev/null
  check "train draws a bar per epoch on a terminal" 0 "epoch 1/1 \[#+\] [0-9]+/[0-9]+ \(100%\) .*objects/s" \
    script -qec "'$PODML' train '$WORK/spec.yaml' '$WORK/toy.h5' -o '$WORK/p.onnx'" /dev/null
  check "inspect draws a bar over a chain on a terminal" 0 "opening \[#+\] 2/2 \(100%\)" \
    script -qec "'$PODML' inspect '$WORK/toy.h5' '$WORK/t.h5'" /dev/null
  check_silent "-q: no bar on a terminal either" 0 script -qec "'$PODML' toy -q -n 200 -o '$WORK/p.h5'" /dev/null
fi

finish "cli ux"
