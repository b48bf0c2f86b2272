#!/usr/bin/python3
"""A NumPy dataset to EDM4hep and back, without C++ (docs/python.md, "Writing events").

The dataset is what a generator study holds in NumPy: per event a Z boson decaying to two muons,
as flat arrays over all particles plus the number of particles per event and, per particle, the
index of its parent within its event (-1 for none). It becomes EDM4hep `MCParticles` (with
`parents` and `daughters` both ways) and an `EventHeader` per event, written with podml.Writer;
then the file is read back with podml and compared with the arrays it came from.

Usage:
  /usr/bin/python3 examples/python/numpy_to_edm4hep.py EDM4HEP.yaml OUT.h5 [--events N]
EDM4HEP.yaml is EDM4hep's data model definition (in podml's sources: ../shared/datamodels/edm4hep/
edm4hep.yaml); the file then reads as EDM4hep in C++ too (podml inspect OUT.h5, podml infer ...).
"""

import argparse
import sys

import numpy as np

import podml


def make_dataset(events, seed=1):
    """Z -> mu+ mu- per event: arrays over all particles, counts per event, parent indices."""
    rng = np.random.default_rng(seed)
    counts = np.full(events, 3)
    pdg = np.tile(np.array([23, 13, -13], dtype=np.int32), events)
    mass = np.tile(np.array([91.19, 0.1057, 0.1057]), events)
    pz_z = rng.normal(0, 20, events)
    # The muons share the Z's momentum along z and are back to back in the transverse plane.
    phi = rng.uniform(-np.pi, np.pi, events)
    pt = rng.uniform(30, 45, events)
    px = np.stack([np.zeros(events), pt * np.cos(phi), -pt * np.cos(phi)], axis=1).ravel()
    py = np.stack([np.zeros(events), pt * np.sin(phi), -pt * np.sin(phi)], axis=1).ravel()
    pz = np.stack([pz_z, pz_z / 2, pz_z / 2], axis=1).ravel()
    charge = np.tile(np.array([0, -1, 1], dtype=np.float32), events)
    parent = np.tile(np.array([-1, 0, 0]), events)  # within the event
    return dict(counts=counts, pdg=pdg, mass=mass, px=px, py=py, pz=pz, charge=charge, parent=parent)


def to_edm4hep(data):
    """The collections for Writer.write_events: one array per member path, relations as indices."""
    counts, parent = data["counts"], data["parent"]
    has_parent = parent >= 0
    # Daughters of each particle, in particle order: the particles whose parent it is.
    first = np.repeat(np.cumsum(counts) - counts, counts)  # row of each particle's event start
    rows = np.arange(len(parent))
    daughters_of = [[] for _ in rows]
    for r in rows[has_parent]:
        daughters_of[first[r] + parent[r]].append(r - first[r])
    return {
        "MCParticles": {
            "type": "edm4hep::MCParticle",
            "counts": counts,
            "members": {
                "PDG": data["pdg"], "mass": data["mass"], "charge": data["charge"],
                "momentum.x": data["px"], "momentum.y": data["py"], "momentum.z": data["pz"],
                "generatorStatus": np.where(has_parent, 1, 2).astype(np.int32),
            },
            "relations": {
                "parents": {"collection": "MCParticles", "index": parent[has_parent],
                            "counts": has_parent.astype(int)},
                "daughters": {"collection": "MCParticles", "index": np.array([d for ds in daughters_of for d in ds]),
                              "counts": np.array([len(ds) for ds in daughters_of])},
            },
        },
        "EventHeader": {
            "type": "edm4hep::EventHeader",
            "counts": np.ones(len(counts), dtype=int),
            "members": {"eventNumber": np.arange(len(counts), dtype=np.uint64), "weight": np.ones(len(counts))},
        },
    }


def read_back(path):
    """The arrays again, from the file: members by bulk column reads, parents from the relation."""
    with podml.open(path) as reader:
        b = reader.read_columns("MCParticles", ["PDG", "mass", "momentum.x", "parents_begin", "parents_end"])
        ids = reader.read_columns("MCParticles", ["parents.index"])
        per_event = np.diff(b.offsets.astype(np.int64))
        # A particle's parent: the first target of its `parents` range (ranges count within each event).
        n_parents = b["parents_end"].astype(np.int64) - b["parents_begin"]
        target_start = np.repeat(ids.offsets[:-1].astype(np.int64), per_event) + b["parents_begin"]
        parent = np.where(n_parents > 0, ids["parents.index"][np.minimum(target_start, len(ids["parents.index"]) - 1)], -1)
        return dict(counts=per_event, pdg=b["PDG"], mass=b["mass"], px=b["momentum.x"], parent=parent)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("edm4hep_yaml", help="EDM4hep's data model YAML")
    ap.add_argument("output", help="podml file to write")
    ap.add_argument("--events", type=int, default=1000)
    args = ap.parse_args(argv)

    data = make_dataset(args.events)
    edm4hep = podml.data_model(args.edm4hep_yaml, "edm4hep")
    with podml.Writer(args.output) as writer:
        writer.write_events(edm4hep, to_edm4hep(data), parameters={"generator": "numpy_to_edm4hep.py"})

    back = read_back(args.output)
    for key in back:
        if not np.array_equal(back[key], data[key]):
            raise SystemExit(f"numpy_to_edm4hep.py: '{key}' differs after the round trip")
    print(f"wrote {args.events} events ({len(data['pdg'])} MCParticles) to {args.output}; read back equal")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except podml.Error as e:
        print(f"numpy_to_edm4hep.py: error: {e}", file=sys.stderr)
        sys.exit(1)
