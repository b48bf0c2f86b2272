"""T1 and T2 for jets, Python route (examples/python/train_jets.py), and that both routes see the
same jets, constituents, labels and split.

T1: toy jets -> podml.labelled_rows -> PyTorch (DeepSets and the attention network) ->
    torch.onnx.export -> podml.training_card attached; ONNX's checker passes, the card is version 2
    and ONNX Runtime reproduces PyTorch within 1e-5 (train_jets.py refuses to finish otherwise).
T2: `podml infer` runs the attention model unchanged: one ParticleID per jet and class.
"""

import importlib.util
import os
import subprocess

import numpy as np
import onnx
import pytest

import podml

PODML = os.environ["PODML"]
ROOT = os.environ["PODML_SOURCE_DIR"]
DEEPSETS = os.path.join(ROOT, "examples", "toy-jets-train.yaml")
ATTENTION = os.path.join(ROOT, "examples", "toy-jets-attention.yaml")


def _example():
    spec = importlib.util.spec_from_file_location("podml_train_jets", os.path.join(ROOT, "examples", "python", "train_jets.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    d = tmp_path_factory.mktemp("train-jets")
    subprocess.run([PODML, "toy", "-q", "-n", "1500", "--seed", "1", "-o", str(d / "train.h5")], check=True)
    subprocess.run([PODML, "toy", "-q", "-n", "300", "--seed", "2", "-o", str(d / "fresh.h5")], check=True)
    for spec, name in [(DEEPSETS, "deepsets"), (ATTENTION, "attention")]:
        assert _example().main([spec, str(d / "train.h5"), "-o", str(d / f"{name}.onnx"), "--epochs", "2",
                                "--threads", "2", "-q", "--report", str(d / f"{name}.json")]) == 0
    return d


@pytest.mark.parametrize("name", ["deepsets", "attention"])
def test_t1_export_checker_card_and_ort(work, name):
    model = str(work / f"{name}.onnx")
    onnx.checker.check_model(onnx.load(model))
    assert podml.check_model(model) == ""
    assert podml.check(model, str(work / "train.h5")) == []
    card = podml.read_card(model)
    assert card["podml_card"] == 2
    kinds = [i.get("kind", "objects") for i in card["inputs"]]
    assert "constituents" in kinds and "mask" in kinds
    out = card["outputs"][0]
    assert [c["name"] for c in out["classes"]] == ["b", "c", "light"]
    assert [c["code"] for c in out["classes"]] == [5, 4, 0]
    report = podml.read_card(model)["provenance"]
    assert report["trainer"].startswith("examples/python/train_jets.py")
    import json
    with open(work / f"{name}.json") as f:
        assert json.load(f)["max_export_difference"] <= 1e-5


def test_card_is_the_one_podml_train_attaches(work):
    """Both routes attach podml.training_card: only the provenance may differ."""
    card = podml.read_card(str(work / "deepsets.onnx"))
    ref = podml.training_card(DEEPSETS, str(work / "train.h5"))
    card.pop("provenance"), ref.pop("provenance")
    assert card == ref


def test_t2_podml_infer_runs_the_python_model(work):
    scored = work / "scored.h5"
    subprocess.run([PODML, "infer", "-q", str(work / "attention.onnx"), str(work / "fresh.h5"), "-o", str(scored)],
                   check=True)
    r = podml.open(str(scored))
    jets = r.read_columns("Jets", ["energy"])
    total = None
    for k, code in [("b", 5), ("c", 4), ("light", 0)]:
        b = r.read_columns(f"JetAttentionTags_{k}", ["likelihood", "PDG", "particle.index"])
        assert np.array_equal(b.offsets, jets.offsets), "one ParticleID per jet and class"
        assert np.all(b["PDG"] == code)
        total = b["likelihood"].astype(np.float64) + (0 if total is None else total)
    assert np.allclose(total, 1.0, atol=1e-5)


def test_both_routes_read_the_same_rows():
    """podml.labelled_rows is the Dataset podml train trains on: the constituents come ordered and
    truncated by the spec, and the split is podml train's hash of the entry."""
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        f = os.path.join(tmp, "t.h5")
        subprocess.run([PODML, "toy", "-q", "-n", "200", "--seed", "3", "-o", f], check=True)
        rows = podml.labelled_rows(DEEPSETS, f)
        counts = np.diff(rows["offsets"])
        assert counts.max() <= 16, "max: 16"
        names = rows["constituent_names"]
        e = names.index("energy")
        energies = rows["constituents"][:, e]
        for r in range(len(counts)):
            a, b = int(rows["offsets"][r]), int(rows["offsets"][r + 1])
            assert np.all(np.diff(energies[a:b]) <= 0), "sort_by energy, descending"
        assert rows["labels"].dtype == np.int64 and set(np.unique(rows["labels"])) <= {0, 1, 2}
        assert rows["class_names"] == ["b", "c", "light"]
        # Every jet is a row (the light class takes the unlinked ones), in file order.
        jets = podml.open(f).read_columns("Jets", ["energy"])
        assert len(rows["labels"]) == int(jets.offsets[-1])
        assert np.array_equal(rows["features"][:, 3], jets["energy"])


def test_podml_train_counts_the_rows_labelled_rows_gives(work, tmp_path):
    """The same jets, classes, constituents and split in both routes, as podml train reports them."""
    import re
    import yaml
    spec = podml.read_training_spec(DEEPSETS)
    spec["training"]["epochs"] = 1
    one_epoch = tmp_path / "spec.yaml"
    with open(one_epoch, "w") as f:
        yaml.safe_dump(spec, f, sort_keys=False)
    out = subprocess.run([PODML, "train", str(one_epoch), str(work / "train.h5"), "-o", str(tmp_path / "m.onnx")],
                         check=True, capture_output=True, text=True).stdout
    rows = podml.labelled_rows(DEEPSETS, str(work / "train.h5"))
    counts = np.diff(rows["offsets"]).astype(np.int64)
    for split, mask in [("training", ~rows["validation"]), ("validation", rows["validation"])]:
        m = re.search(split + r" (\d+) objects \(b (\d+), c (\d+), light (\d+); (\d+) constituents\)", out)
        assert m, out
        per_class = np.bincount(rows["labels"][mask], minlength=3)
        assert [int(g) for g in m.groups()] == [int(mask.sum()), *map(int, per_class), int(counts[mask].sum())]
