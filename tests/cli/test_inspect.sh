#!/usr/bin/env bash
# CLI tests of `podml inspect`: the summary of a sample file (written by
# podml-write-sample), --json, chains and globs, messages and exit codes
# (0 ok, 1 bad data, 2 bad usage).
set -u
source "$(dirname "$0")/check.sh"
PODML=$1
SAMPLE=$2
PYTHON=/usr/bin/python3
[[ -f $SAMPLE ]] || { echo "FAIL: sample file '$SAMPLE' is missing (run the io_write_sample test first)"; exit 1; }

check "help lists inspect" 0 "inspect" "$PODML" --help
check "inspect help has an example" 0 "podml inspect events.h5" "$PODML" inspect --help

# Human-readable summary of the sample (4 events, 1 run).
check "file and format version" 0 "format version: 1" "$PODML" inspect "$SAMPLE"
check "data model with schema version and hash" 0 "testdm +schema version 3 +hash [0-9a-f]{16}" "$PODML" inspect "$SAMPLE"
check "entries per category" 0 "category 'events': 4 entries, 5 collections" "$PODML" inspect "$SAMPLE"
check "a category without collections" 0 "category 'runs': 1 entry, 0 collections" "$PODML" inspect "$SAMPLE"
check "collection type and objects" 0 "Hits: ExampleHit, 14 objects \(testdm schema 3, collection ID [0-9]+\)" "$PODML" inspect "$SAMPLE"
check "subset flag" 0 "ClusterRefs: subset of ex::Cluster, 8 references" "$PODML" inspect "$SAMPLE"
check "column table header" 0 "column +dtype +shape +unit +kind" "$PODML" inspect "$SAMPLE"
check "array column: shape and unit" 0 "arr +float32 +\[4\] +1/mm +member" "$PODML" inspect "$SAMPLE"
check "nested component column" 0 "nested\.pairs\.a +float32 +\[2\] +- +member" "$PODML" inspect "$SAMPLE"
check "vector member column" 0 "weights +float64 +- +- +vector_value" "$PODML" inspect "$SAMPLE"
check "range column" 0 "weights_begin +uint32 +- +- +range_begin" "$PODML" inspect "$SAMPLE"
check "relations" 0 "relations: cluster -> ex::Cluster, anyHit -> ex::Hit, particles -> ex::MC \(many\)" "$PODML" inspect "$SAMPLE"
check "a collection in one entry only" 0 "OnlyInEntryOne: ExampleHit, 0 objects .*; absent from 3 of 4 entries, first entry 0$" "$PODML" inspect "$SAMPLE"
check "a collection in every entry says nothing of absence" 0 "^  Hits: ExampleHit, [0-9]+ objects \([^;]*\)$" "$PODML" inspect "$SAMPLE"

# --json: one parseable document with the same content.
check "json parses" 0 "" sh -c "'$PODML' inspect '$SAMPLE' --json | $PYTHON -c 'import json,sys; json.load(sys.stdin)'"
json_query() { # python expression over `d`, the inspect --json document of the sample
  "$PODML" inspect "$SAMPLE" --json | "$PYTHON" -c "import json,sys; d=json.load(sys.stdin); print($1)"
}
check "json format version and model" 0 "^1 testdm 3 [0-9a-f]{16}$" \
  json_query "d['format_version'], d['datamodels'][0]['name'], d['datamodels'][0]['schema_version'], d['datamodels'][0]['hash']"
check "json entries" 0 "^\[\('events', 4\), \('runs', 1\)\]$" json_query "[(c['name'], c['entries']) for c in d['categories']]"
check "json collection" 0 "^ExampleHit 14 False 4124724932$" \
  json_query "*[(c['type'], c['objects'], c['subset'], c['collection_id']) for c in d['categories'][0]['collections'] if c['name'] == 'Hits'][0]"
check "json column" 0 "^\{'path': 'arr', 'dtype': 'float32', 'shape': \[4\], 'unit': '1/mm', 'kind': 'member', 'owner': 'arr'\}$" \
  json_query "[k for c in d['categories'][0]['collections'] if c['name'] == 'Everything' for k in c['columns'] if k['path'] == 'arr'][0]"
check "json subset has no columns" 0 "^True \[\] \[\]$" \
  json_query "*[(c['subset'], c['columns'], c['relations']) for c in d['categories'][0]['collections'] if c['name'] == 'ClusterRefs'][0]"

# Several files and globs are one chain: entries and objects add up.
cp "$SAMPLE" "$WORK/a.h5"
cp "$SAMPLE" "$WORK/b.h5"
check "two files" 0 "category 'events': 8 entries" "$PODML" inspect "$WORK/a.h5" "$WORK/b.h5"
check "glob sums objects" 0 "Hits: ExampleHit, 28 objects" "$PODML" inspect "$WORK/*.h5"
check "glob lists its files" 0 "files: $WORK/a.h5, $WORK/b.h5" "$PODML" inspect "$WORK/*.h5"
check "glob matching nothing" 1 "podml: error: cannot open '$WORK/none\*.h5': the pattern matches no file" "$PODML" inspect "$WORK/none*.h5"

# Failures: the message names the file and what is wrong.
check "missing file" 1 "podml: error: cannot open '$WORK/nope.h5': no such file" "$PODML" inspect "$WORK/nope.h5"
check "errors go to stderr only" 0 "^$" sh -c "'$PODML' inspect '$WORK/nope.h5' 2>/dev/null; true"
printf 'not an hdf5 file\n' > "$WORK/text.h5"
check "non-HDF5 file" 1 "podml: error: cannot open '$WORK/text.h5': not an HDF5 file" "$PODML" inspect "$WORK/text.h5"
check "non-HDF5 file with --json" 1 "podml: error: .*not an HDF5 file" "$PODML" inspect "$WORK/text.h5" --json
"$PYTHON" -c "import h5py; h5py.File('$WORK/other.h5', 'w').create_dataset('x', data=[1])"
check "HDF5 file of another program" 1 "podml: error: cannot open '$WORK/other.h5': not a podml file" "$PODML" inspect "$WORK/other.h5"
check "one bad file in a chain" 1 "podml: error: .*text.h5.*not an HDF5 file" "$PODML" inspect "$WORK/a.h5" "$WORK/text.h5"

# Bad usage.
check "no arguments" 2 "subcommand" "$PODML"
check "inspect without files" 2 "files is required" "$PODML" inspect
check "unknown option" 2 "" "$PODML" inspect "$SAMPLE" --frobnicate

finish "cli inspect"
