#!/usr/bin/env bash
# CLI tests of `podml toy`: output, messages and exit codes (0 ok, 1 bad data or
# file, 2 bad usage), and that a seed reproduces the same columns (read with
# h5dump, from hdf5-tools).
set -u
source "$(dirname "$0")/check.sh"
PODML=$1

check "help lists toy" 0 "toy" "$PODML" --help
check "toy help names the label and has an example" 0 "podml toy -n 10000 -o toy.h5" "$PODML" toy --help
check "missing -n is bad usage" 2 "--events is required" "$PODML" toy -o "$WORK/x.h5"
check "missing -o is bad usage" 2 "--output is required" "$PODML" toy -n 5
check "zero events is bad usage" 2 "not positive" "$PODML" toy -n 0 -o "$WORK/x.h5"
check "negative events is bad usage (not wrapped around)" 2 "negative" "$PODML" toy -n -5 -o "$WORK/x.h5"
check "non-numeric events is bad usage" 2 "events" "$PODML" toy -n many -o "$WORK/x.h5"
check "negative seed is bad usage" 2 "negative" "$PODML" toy -n 5 -o "$WORK/x.h5" --seed -1
check "event index overflow is bad usage" 2 "overflows" "$PODML" toy -n 5 -o "$WORK/x.h5" --first-event 18446744073709551614
check "unknown compression is bad usage" 2 "podml: error: cannot use compression 'zip'" "$PODML" toy -n 5 -o "$WORK/x.h5" --compression zip
check "nothing written on bad usage" 0 "" test ! -e "$WORK/x.h5"
check "unwritable output is an error" 1 "podml: error: cannot create '$WORK/no/such/dir/x.h5'" "$PODML" toy -n 5 -o "$WORK/no/such/dir/x.h5"

check "writes events with a summary" 0 "wrote 20 toy events \(seed 3, first event 0\) to $WORK/a.h5: [0-9]+ MC particles, [0-9]+ reconstructed particles, [0-9]+ of them prompt leptons" \
  "$PODML" toy -n 20 -o "$WORK/a.h5" --seed 3 --compression deflate
check "quiet prints nothing" 0 "^$" "$PODML" toy -n 20 -o "$WORK/b.h5" --seed 3 --compression deflate -q
check "the file has the documented collections" 0 "category 'events': 20 entries, 7 collections" "$PODML" inspect "$WORK/a.h5"
check "the label's link collection" 0 "RecoMCParticleLinks: edm4hep::RecoMCParticleLink" "$PODML" inspect "$WORK/a.h5"
# A column's raw values (h5dump -b), to compare files byte for byte.
column() { h5dump -d "$2" -b LE -o "$3" "$1" >/dev/null; }
column "$WORK/a.h5" /events/ReconstructedParticles/momentum.x "$WORK/a.px"
column "$WORK/b.h5" /events/ReconstructedParticles/momentum.x "$WORK/b.px"
column "$WORK/a.h5" /events/RecoMCParticleLinks/to.index "$WORK/a.to"
column "$WORK/b.h5" /events/RecoMCParticleLinks/to.index "$WORK/b.to"
check "a column was dumped" 0 "" test -s "$WORK/a.px"
check "same seed, same columns" 0 "" cmp "$WORK/a.px" "$WORK/b.px"
check "same seed, same links" 0 "" cmp "$WORK/a.to" "$WORK/b.to"
"$PODML" toy -n 20 -o "$WORK/c.h5" --seed 4 -q --compression deflate
column "$WORK/c.h5" /events/ReconstructedParticles/momentum.x "$WORK/c.px"
check "other seed, other columns" 1 "differ" cmp "$WORK/a.px" "$WORK/c.px"
"$PODML" toy -n 10 -o "$WORK/shard.h5" --seed 3 --first-event 10 -q --compression deflate
check "a shard starts at --first-event" 0 "10, 11, 12, 13, 14, 15, 16, 17, 18, 19" h5dump -y -d /events/EventHeader/eventNumber "$WORK/shard.h5"

finish "cli toy"
