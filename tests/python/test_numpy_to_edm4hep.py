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
