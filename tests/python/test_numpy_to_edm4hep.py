"""examples/python/numpy_to_edm4hep.py: a NumPy dataset to EDM4hep and back (docs/python.md).
The example checks its own round trip; here h5py (by docs/file-format.md) and `podml inspect`
read what it wrote, and the relations point both ways."""

import os
import subprocess
import sys

import h5py
import numpy as np

ROOT = os.environ["PODML_SOURCE_DIR"]
sys.path.insert(0, os.path.join(ROOT, "examples", "python"))
import numpy_to_edm4hep  # noqa: E402


def test_round_trip_h5py_and_inspect(tmp_path):
    out = tmp_path / "z.h5"
    assert numpy_to_edm4hep.main([os.environ["PODML_EDM4HEP_YAML"], str(out), "--events", "50"]) == 0
    with h5py.File(out) as f:
        mc = f["events/MCParticles"]
        assert mc["PDG"][:6].tolist() == [23, 13, -13, 23, 13, -13]
        assert mc["offsets"][:].tolist() == list(range(0, 151, 3))
        # Event 0: the Z (object 0) has daughters 1 and 2; each muon has parent 0.
        assert mc["daughters.index"][:2].tolist() == [1, 2]
        assert mc["parents.index"][:2].tolist() == [0, 0]
        assert (mc["parents.collectionID"][:] == mc.attrs["collection_id"]).all()
        assert f["events/EventHeader/eventNumber"][:].tolist() == list(range(50))
    text = subprocess.run([os.environ["PODML"], "inspect", str(out)], check=True, capture_output=True, text=True).stdout
    assert "MCParticles: edm4hep::MCParticle, 150 objects" in text
    assert np.isclose(numpy_to_edm4hep.make_dataset(50)["mass"][0], 91.19)


def test_import_hepmc_from_python(tmp_path):
    """podml.import_hepmc is podml import hepmc: a hand-written HepMC3 file, EDM4hep from its YAML."""
    import podml
    lines = ["HepMC::Version 3.01.02", "HepMC::Asciiv3-START_EVENT_LISTING"]
    for e in range(2):
        lines += [f"E {e} 1 3", "U MEV CM", "P 1 0 23 0 0 10000 100000 91190 2", "V -1 0 [1] @ 0.1 0.2 0.3 4",
                  "P 2 -1 13 1000 2000 5000 50000 105.7 1", "P 3 -1 -13 -1000 -2000 5000 50000 105.7 1"]
    lines.append("HepMC::Asciiv3-END_EVENT_LISTING")
    (tmp_path / "z.hepmc3").write_text("\n".join(lines) + "\n")
    s = podml.import_hepmc(tmp_path / "z.hepmc3", tmp_path / "z.h5", os.environ["PODML_EDM4HEP_YAML"])
    assert s["events"] == 2 and s["particles"] == 6
    with podml.open(tmp_path / "z.h5") as r:
        b = r.read_columns("MCParticles", ["momentum.z", "mass", "vertex.x"])
        np.testing.assert_allclose(b["momentum.z"][:3], [10, 5, 5])       # MeV -> GeV
        np.testing.assert_allclose(b["mass"][:1], [91.19])
        np.testing.assert_allclose(b["vertex.x"][1:3], [1.0, 1.0])        # cm -> mm
