"""The user's tasks T1 and T2 on the physics toy, Python route (examples/python/train.py).

T1: toy events -> podml columns -> PyTorch -> torch.onnx.export -> card attached with podml;
    the file passes ONNX's checker and its card fits the data.
T2: that model over a fresh toy file with C++ inference (`podml infer`): one
    edm4hep::ParticleID per reconstructed particle, pointing at it, separating prompt leptons.
"""

import importlib.util
import os
import subprocess

import numpy as np
import onnx
import pytest
import yaml

import podml

PODML = os.environ["PODML"]
ROOT = os.environ["PODML_SOURCE_DIR"]
SPEC = os.path.join(ROOT, "examples", "toy-train.yaml")
# Same threshold and reasoning as the C++ route (tests/train/test_toy_route.cc).
AUC_THRESHOLD = 0.90


def _example():
    spec = importlib.util.spec_from_file_location("podml_train_example", os.path.join(ROOT, "examples", "python", "train.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    d = tmp_path_factory.mktemp("train-route")
    subprocess.run([PODML, "toy", "-n", "3000", "--seed", "1", "-o", str(d / "train.h5")], check=True)
    subprocess.run([PODML, "toy", "-n", "1000", "--seed", "2", "-o", str(d / "fresh.h5")], check=True)
    model = d / "lepton-id.onnx"
    assert _example().main([SPEC, str(d / "train.h5"), "-o", str(model), "--epochs", "8", "--threads", "2", "-q",
                            "--report", str(d / "report.json")]) == 0
    return d


def test_t1_export_passes_checker_and_card_fits(work):
    model = str(work / "lepton-id.onnx")
    onnx.checker.check_model(onnx.load(model))
    assert podml.check_model(model) == ""
    m = onnx.load(model)
    assert m.opset_import[0].version == 17
    dim = m.graph.input[0].type.tensor_type.shape.dim[0]
    assert dim.dim_param == "N", "dynamic object axis"

    card = podml.read_card(model)
    assert card["datamodel"]["name"] == "edm4hep"
    inp = card["inputs"][0]
    assert inp["collection_type"] == "edm4hep::ReconstructedParticle"
    with open(SPEC) as f:
        spec = yaml.safe_load(f)
    assert [m["path"] for m in inp["members"]] == spec["features"]
    assert inp["members"][0]["unit"] == "GeV"
    target = card["outputs"][0]["target"]
    assert (target["type"], target["member"], target["relation"]) == ("edm4hep::ParticleID", "likelihood", "particle")
    assert podml.check(model, str(work / "train.h5")) == []

    import json
    with open(work / "report.json") as f:
        report = json.load(f)
    assert report["max_export_difference"] <= 1e-5
    assert report["validation_auc"] >= AUC_THRESHOLD


def test_t2_cpp_inference_writes_one_score_per_particle(work):
    scored = str(work / "scored.h5")
    subprocess.run([PODML, "infer", "-q", str(work / "lepton-id.onnx"), str(work / "fresh.h5"), "-o", scored],
                   check=True)
    r = podml.open(scored)
    assert r.entries() == 1000
    infos = {c.name: c for c in r.collections()}
    assert infos["LeptonIDs"].type == "edm4hep::ParticleID"
    reco = r.read_columns("ReconstructedParticles", ["charge"])
    ids = r.read_columns("LeptonIDs", ["likelihood", "particle.index", "particle.collectionID"])
    np.testing.assert_array_equal(ids.offsets, reco.offsets)  # one score per particle, event by event
    # Each score points at the particle in the same place: index i of its event, in ReconstructedParticles.
    offsets = reco.offsets.astype(np.int64)
    expected_index = np.arange(offsets[-1]) - np.repeat(offsets[:-1], np.diff(offsets))
    np.testing.assert_array_equal(ids["particle.index"], expected_index)
    assert np.all(ids["particle.collectionID"] == infos["ReconstructedParticles"].collection_id)
    scores = ids["likelihood"]
    assert np.all((scores >= 0) & (scores <= 1))

    example = _example()
    with open(SPEC) as f:
        spec = yaml.safe_load(f)
    # Labels from the truth links of the input file (podml infer copies only what it scores).
    _, _, labels, _, _ = example.load(spec, [str(work / "fresh.h5")])
    assert len(labels) == len(scores)
    auc = example.roc_auc(np.asarray(scores, dtype=np.float64), labels)
    print(f"T2 (Python route): AUC on 1000 fresh events = {auc:.4f} ({len(scores)} particles)")
    assert auc >= AUC_THRESHOLD


def test_the_python_route_reads_the_spec_as_podml_train(work, tmp_path):
    """Misspelt keys are errors naming the line, not silently ignored; defaults are podml train's."""
    spec = podml.read_training_spec(SPEC)
    assert spec["training"]["balance_classes"] is False and spec["training"]["weight_decay"] == 0.0
    bad = tmp_path / "typo.yaml"
    bad.write_text(open(SPEC).read().replace("learning_rate:", "learnig_rate:"))
    with pytest.raises(podml.DefinitionError, match=r"unknown key .learnig_rate.*typo\.yaml:\d+"):
        _example().main([str(bad), str(work / "train.h5"), "-o", str(tmp_path / "m.onnx"), "-q"])
    with pytest.raises(podml.DefinitionError, match="epochs"):
        podml.read_training_spec({**spec, "training": {**spec["training"], "epochs": 0}})
    # An array member gives every element as a feature, as in podml train.
    arr = dict(spec, features=["covMatrix.values", "energy"])
    arr["input"] = dict(spec["input"])
    rows = podml.labelled_rows(arr, [str(work / "train.h5")], 0, 5)
    assert rows["features"].shape[1] == len(rows["feature_names"]) > 2
    assert rows["feature_names"][-1] == "energy"


def test_both_routes_see_the_same_rows_labels_and_split(work, tmp_path):
    """The Python route joins labels and splits events exactly as podml train does."""
    import re
    spec = podml.read_training_spec(SPEC)
    _, x, y, is_val, _ = _example().load(spec, [str(work / "train.h5")])
    one_epoch = tmp_path / "spec.yaml"
    spec["training"]["epochs"] = 1
    with open(one_epoch, "w") as f:
        yaml.safe_dump(spec, f)
    out = subprocess.run([PODML, "train", str(one_epoch), str(work / "train.h5"), "-o", str(tmp_path / "m.onnx")],
                         check=True, capture_output=True, text=True).stdout
    m = re.search(r"training (\d+) objects \((\d+) signal\); validation (\d+) objects \((\d+) signal\)", out)
    assert m, out
    assert [int(g) for g in m.groups()] == [int((~is_val).sum()), int(y[~is_val].sum()), int(is_val.sum()),
                                            int(y[is_val].sum())]
