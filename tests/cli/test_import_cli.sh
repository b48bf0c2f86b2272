#!/usr/bin/env bash
# CLI tests of `podml import hepmc` on a HepMC3 ASCII file written by hand to HepMC3's format
# (one Z -> mu mu event per entry): output, messages, exit codes (0 ok, 1 bad data, 2 bad usage),
# and that a truncated file keeps the events before the cut. The round trip of toy events through
# HepMC3's own writers is tests/workflow/test_hepmc.cc.
set -u
source "$(dirname "$0")/check.sh"
PODML=$1

event() { # event NUMBER
  cat <<EOT
E $1 1 3
U GEV MM
W 1.5
P 1 0 23 0 0 10 100 91.19 2
V -1 0 [1] @ 0.1 0.2 0.3 4
P 2 -1 13 1 2 5 50 0.1057 1
P 3 -1 -13 -1 -2 5 50 0.1057 1
EOT
}
{
  echo "HepMC::Version 3.01.02"
  echo "HepMC::Asciiv3-START_EVENT_LISTING"
  for e in 0 1 2; do event $e; done
  echo "HepMC::Asciiv3-END_EVENT_LISTING"
} > "$WORK/z.hepmc3"
head -n 16 "$WORK/z.hepmc3" > "$WORK/cut.hepmc3" # events 0 and 1, no end line
echo "not an event file" > "$WORK/junk.hepmc3"

check "help lists import" 0 "import" "$PODML" --help
check "import hepmc help has examples" 0 "podml import hepmc ttbar.hepmc3 -o ttbar.h5" "$PODML" import hepmc --help
check "import a HepMC3 file" 0 "imported 3 events \(9 MCParticles\)" "$PODML" import hepmc "$WORK/z.hepmc3" -o "$WORK/z.h5"
check "the output holds MCParticles and EventHeader" 0 "MCParticles: edm4hep::MCParticle, 9 objects" "$PODML" inspect "$WORK/z.h5"
check "the muons' parent is the Z, the Z's daughters the muons" 0 "" /usr/bin/python3 - "$WORK/z.h5" <<'PY'
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1])
mc = f["events/MCParticles"]
assert mc["PDG"][:3].tolist() == [23, 13, -13]
assert mc["charge"][:3].tolist() == [0, -1, 1]
assert mc["daughters.index"][:2].tolist() == [1, 2] and mc["parents.index"][:2].tolist() == [0, 0]
assert np.allclose(mc["vertex.x"][1:3], 0.1) and np.allclose(mc["time"][1], 4 / 299.792458)
assert f["events/EventHeader/weight"][:].tolist() == [1.5] * 3
PY
check "-n limits the events" 0 "imported 2 events" "$PODML" import hepmc "$WORK/z.hepmc3" -o "$WORK/two.h5" -n 2
check "a truncated file is bad data, naming the event" 1 "is truncated .* last event \(number 1, the 2nd of the file\) may be incomplete.* the 1 events before it were written" \
  "$PODML" import hepmc "$WORK/cut.hepmc3" -o "$WORK/cut.h5"
check "... and what came before survives" 0 "'events': 1 entry" "$PODML" inspect "$WORK/cut.h5"
check "a file that is not HepMC is bad data" 1 "not a HepMC3 or HepMC2 ASCII file" "$PODML" import hepmc "$WORK/junk.hepmc3" -o "$WORK/junk.h5"
check "... and writes nothing" 0 "" test ! -e "$WORK/junk.h5"
check "a missing file is bad data" 1 "no such file" "$PODML" import hepmc "$WORK/none.hepmc3" -o "$WORK/none.h5"
check "missing -o is bad usage" 2 "--output is required" "$PODML" import hepmc "$WORK/z.hepmc3"
check "import without a format is bad usage" 2 "" "$PODML" import
finish "import cli"
