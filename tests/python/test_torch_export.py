"""A model exported by Debian's PyTorch (torch.onnx.export), given a card with
`podml card attach`, run by `podml infer` on event columns: the scores podml
writes back must match PyTorch's own outputs within 1e-5."""

import json
import os
import subprocess

import h5py
import numpy as np
import pytest
import torch

PODML = os.environ["PODML"]
SAMPLE = os.environ["PODML_SAMPLE"]
CARD = os.environ["PODML_CARD"]


def run(*args):
    result = subprocess.run([PODML, *args], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    torch.manual_seed(1234)
    model = torch.nn.Sequential(
        torch.nn.Linear(2, 16), torch.nn.ReLU(), torch.nn.Linear(16, 16), torch.nn.Tanh(),
        torch.nn.Linear(16, 1), torch.nn.Sigmoid())
    model.eval()
    path = str(tmp_path_factory.mktemp("torch") / "mlp.onnx")
    torch.onnx.export(model, torch.zeros(3, 2), path, input_names=["features"], output_names=["score"],
                      dynamic_axes={"features": {0: "N"}, "score": {0: "N"}}, opset_version=17)
    return model, path


def hits_features():
    with h5py.File(SAMPLE, "r") as f:
        g = f["events/Hits"]
        return np.stack([g["x"][:], g["energy"][:]], axis=1).astype(np.float32), g["offsets"][:]


def test_exported_model_scores_match_pytorch(exported, tmp_path):
    model, path = exported
    carded = str(tmp_path / "mlp-card.onnx")
    run("card", "attach", path, CARD, "-o", carded, "--data", SAMPLE)
    assert "fits" in run("check", carded, SAMPLE)
    scored = str(tmp_path / "scored.h5")
    run("infer", carded, SAMPLE, "-o", scored, "-q")
    features, offsets = hits_features()
    with torch.no_grad():
        expected = model(torch.from_numpy(features)).numpy()[:, 0]
    with h5py.File(scored, "r") as f:
        s = f["events/HitScores"]
        values = s["value"][:]
        assert (s["offsets"][:] == offsets).all()
        off = s["offsets"][:]
        for e in range(len(off) - 1):  # each score points at the hit it scored
            assert (s["hit.index"][off[e]:off[e + 1]] == np.arange(off[e + 1] - off[e])).all()
    assert values.shape == expected.shape and len(values) > 0
    assert np.max(np.abs(values - expected)) <= 1e-5


def test_exported_model_declares_a_dynamic_object_axis(exported):
    _, path = exported
    info = json.loads(run("inspect", path, "--json"))
    assert info["inputs"][0]["shape"] == "[N, 2]"
    assert info["outputs"][0]["shape"] == "[N, 1]"
    assert info["card"] is None
