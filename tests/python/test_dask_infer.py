"""Scale-out: examples/python/dask_infer.py on a LocalCluster of 2 workers equals its serial run
bit for bit, and both equal `podml infer` over the same files.

Three toy files (one with fewer events than parts, so one unit is empty), a model trained for one
epoch with `podml train`, four parts per file: 12 units.
"""

import multiprocessing
import os
import subprocess
import sys

import numpy as np
import pytest
import yaml

import podml

pytestmark = pytest.mark.filterwarnings("ignore:make_current is deprecated:DeprecationWarning")  # tornado 6.2 in distributed

PODML = os.environ["PODML"]
ROOT = os.environ["PODML_SOURCE_DIR"]
sys.path.insert(0, os.path.join(ROOT, "examples", "python"))
import dask_infer  # noqa: E402  (the example, imported as its workers import it)

EVENTS = {"toy-a": 240, "toy-b": 161, "toy-c": 3}
PARTS = 4


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    d = tmp_path_factory.mktemp("dask-infer")
    (d / "in").mkdir()
    for seed, (stem, n) in enumerate(EVENTS.items(), start=1):
        subprocess.run([PODML, "toy", "-q", "-n", str(n), "--seed", str(seed), "-o", str(d / "in" / f"{stem}.h5")],
                       check=True)
    with open(os.path.join(ROOT, "examples", "toy-train.yaml")) as f:
        spec = yaml.safe_load(f)
    spec["training"]["epochs"] = 1
    with open(d / "spec.yaml", "w") as f:
        yaml.safe_dump(spec, f)
    subprocess.run([PODML, "train", str(d / "spec.yaml"), str(d / "in" / "*.h5"), "-o", str(d / "model.onnx")],
                   check=True, capture_output=True)
    subprocess.run([PODML, "infer", "-q", str(d / "model.onnx"), str(d / "in" / "*.h5"), "-o", str(d / "cli.h5")],
                   check=True)
    return d


@pytest.fixture(scope="module")
def serial(work):
    units = dask_infer.plan(work / "model.onnx", [str(work / "in" / "*.h5")], work / "serial", parts=PARTS)
    return units, dask_infer.run_serial(units)


def _frames(path):
    with podml.open(path) as reader:
        return list(reader.frames())


def _assert_same_events(a_path, b_path):
    a, b = _frames(a_path), _frames(b_path)
    assert len(a) == len(b)
    for i, (fa, fb) in enumerate(zip(a, b)):
        # Every input collection is kept (as podml infer does), and the scores are added.
        assert fa.collection_names == fb.collection_names
        assert {"LeptonIDs", "ReconstructedParticles", "MCParticles", "RecoMCParticleLinks"} <= set(fa.collection_names)
        for path in ("momentum.x", "momentum.y", "momentum.z", "energy"):
            assert np.array_equal(fa["ReconstructedParticles"].column(path), fb["ReconstructedParticles"].column(path))
        ia, ib = fa["LeptonIDs"], fb["LeptonIDs"]
        assert len(ia) == len(ib) == len(fa["ReconstructedParticles"])
        assert np.array_equal(ia.column("likelihood"), ib.column("likelihood")), f"event {i} of {a_path}"
        assert np.array_equal(ia.relation_ids("particle"), ib.relation_ids("particle")), f"event {i} of {a_path}"


def test_plan_one_unit_per_file_and_part(work, serial):
    units, summaries = serial
    assert [(os.path.basename(u.input), u.part) for u in units] == \
        [(f"{stem}.h5", k) for stem in EVENTS for k in range(PARTS)]
    assert [os.path.basename(u.output) for u in units] == [f"{stem}.part{k}.h5" for stem in EVENTS for k in range(PARTS)]
    # The parts of a file are podml.shard's: contiguous, complete, and empty when a file is short.
    for stem, n in EVENTS.items():
        mine = [s for s in summaries if os.path.basename(s["input"]) == f"{stem}.h5"]
        assert [(s["first"], s["last"]) for s in mine] == [podml.shard(n, k, PARTS) for k in range(PARTS)]
        assert sum(s["events"] for s in mine) == n
    assert any(s["events"] == 0 for s in summaries)
    assert all(os.path.exists(u.output) for u in units)


def test_dask_on_two_workers_equals_serial(work, serial):
    serial_units, serial_summaries = serial
    model, inputs, outdir = work / "model.onnx", [str(work / "in" / "*.h5")], work / "dask"
    # As in docs/scale-out.md:
    units = dask_infer.plan(model, inputs, outdir, parts=PARTS)
    with dask_infer.dask_client(workers=2) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        assert len(multiprocessing.active_children()) >= 2, "worker processes"
        summaries = dask_infer.run_dask(units, client=client)
    assert multiprocessing.active_children() == [], "the cluster's processes are gone"

    pids = {s["pid"] for s in summaries}
    assert len(pids) == 2 and os.getpid() not in pids, "both workers ran units, the driver none"
    keys = ("part", "parts", "first", "last", "events", "objects", "collections")
    assert [{k: s[k] for k in keys} for s in summaries] == [{k: s[k] for k in keys} for s in serial_summaries]
    for u, d in zip(serial_units, units):
        assert os.path.basename(u.output) == os.path.basename(d.output)
        _assert_same_events(u.output, d.output)


def test_parts_in_order_equal_podml_infer(work, serial):
    units, summaries = serial
    assert sum(s["events"] for s in summaries) == sum(EVENTS.values())
    parts = podml.open([u.output for u in units if os.path.exists(u.output)])
    cli = podml.open(str(work / "cli.h5"))
    inputs = podml.open(str(work / "in" / "*.h5"))
    assert parts.entries() == cli.entries() == inputs.entries() == sum(EVENTS.values())
    mine = parts.read_columns("LeptonIDs", ["likelihood", "particle.index", "particle.collectionID"])
    theirs = cli.read_columns("LeptonIDs", ["likelihood", "particle.index", "particle.collectionID"])
    np.testing.assert_array_equal(mine.offsets, theirs.offsets)
    np.testing.assert_array_equal(mine["particle.index"], theirs["particle.index"])
    np.testing.assert_array_equal(mine["particle.collectionID"], theirs["particle.collectionID"])
    diff = np.max(np.abs(mine["likelihood"].astype(np.float64) - theirs["likelihood"]))
    print(f"max |dask_infer - podml infer| = {diff:.3g} over {len(mine['likelihood'])} particles")
    assert diff <= 1e-6
    # The same events as the inputs, in input order.
    np.testing.assert_array_equal(parts.read_columns("ReconstructedParticles", ["momentum.x"])["momentum.x"],
                                  inputs.read_columns("ReconstructedParticles", ["momentum.x"])["momentum.x"])
    assert sum(s["objects"] for s in summaries) == len(mine["likelihood"])


def test_errors_are_podml_exceptions(work, tmp_path):
    with pytest.raises(podml.IoError, match="matches no file"):
        dask_infer.plan(work / "model.onnx", [str(work / "in" / "none*.h5")], tmp_path / "out")
    with pytest.raises(podml.ModelError, match="not an ONNX model"):
        dask_infer.plan(work / "spec.yaml", [str(work / "in" / "*.h5")], tmp_path / "out")
    with pytest.raises(podml.UsageError, match="at least 1"):
        dask_infer.plan(work / "model.onnx", [str(work / "in" / "*.h5")], tmp_path / "out", parts=0)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "toy-a.h5").write_bytes((work / "in" / "toy-a.h5").read_bytes())
    with pytest.raises(podml.UsageError, match="would write the same outputs"):
        dask_infer.plan(work / "model.onnx", [str(work / "in" / "*.h5"), str(tmp_path / "other" / "*.h5")],
                        tmp_path / "out")

    # A truncated file among good ones: its worker's IoError reaches the driver, naming the unit;
    # the cluster run_dask started for this call is closed all the same, and the unit left no file.
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "good.h5").write_bytes((work / "in" / "toy-b.h5").read_bytes())
    (tmp_path / "in" / "truncated.h5").write_bytes((work / "in" / "toy-a.h5").read_bytes()[:100000])
    units = dask_infer.plan(work / "model.onnx", [str(tmp_path / "in" / "*.h5")], tmp_path / "out", parts=2)
    with pytest.raises(podml.IoError, match=r"part [01]/2 of .*truncated\.h5: .*truncated"):
        dask_infer.run_dask(units, workers=2)
    assert multiprocessing.active_children() == []
    assert not os.path.exists(tmp_path / "out" / "truncated.part0.h5")


def test_command_line(work, tmp_path):
    script = os.path.join(ROOT, "examples", "python", "dask_infer.py")
    out = subprocess.run([sys.executable, script, str(work / "model.onnx"), str(work / "in" / "*.h5"),
                          "-o", str(tmp_path / "serial"), "--serial", "--parts", "2"],
                         check=True, capture_output=True, text=True).stdout
    assert "toy-b.part1.h5" in out
    assert f"total: 6 units, {sum(EVENTS.values())} events" in out
    bad = subprocess.run([sys.executable, script, str(work / "model.onnx"), str(work / "in" / "none*.h5"),
                          "-o", str(tmp_path / "x"), "--serial"], capture_output=True, text=True)
    assert bad.returncode == 1
    assert bad.stderr.startswith("dask_infer.py: error: cannot open") and "Traceback" not in bad.stderr
