"""Writing events from Python (podml.Writer.write_events, podml.make_frame): every member kind of
the test data model written from NumPy arrays and read back equal, with podml, with h5py and
through the compiled C++ classes (podml-dump-typed); every user error a clear podml.UsageError
that names the collection and member and writes nothing.

PODML_SAMPLE: a file holding the testdm definition; PODML_DUMP_TYPED: tests/python/dump_typed.cc;
PODML: the command line (podml inspect).
"""

import json
import os
import subprocess

import h5py
import numpy as np
import pytest

import podml

SAMPLE = os.environ["PODML_SAMPLE"]
EVENTS = 3
rng = np.random.default_rng(5)


def ragged(counts, make):
    """Flat values for per-object counts."""
    return make(int(np.sum(counts)))


@pytest.fixture(scope="module")
def dm():
    return podml.data_model(SAMPLE, "testdm")


def dataset():
    """Per-event sizes and the arrays, as a user holds them before writing."""
    n_every = np.array([2, 0, 3])
    n_hits = np.array([3, 1, 2])
    n_mc = np.array([2, 1, 3])
    n_cl = np.array([1, 1, 1])
    rows_e, rows_h, rows_m = n_every.sum(), n_hits.sum(), n_mc.sum()
    w_counts = np.array([2, 0, 1, 3, 0])
    p_counts = np.array([1, 2, 0, 0, 1])
    part_counts = np.array([1, 0, 0, 1, 2])
    # Indices are per event: the k-th object of the same event's target collection.
    part_index = np.array([1, 0, 0, 2])  # event 0: obj0 -> MC1; event 2: obj1 -> MC0, obj2 -> MC0, MC2
    parent_counts = np.array([0, 1, 0, 0, 1, 1])
    parent_index = np.array([0, 0, 0])  # event 0: MC1 <- MC0; event 2: MC1 <- MC0, MC2 <- MC0
    return {
        "Everything": {
            "type": "ex::WithEverything", "counts": n_every,
            "members": {
                "scalar": rng.random(rows_e, dtype=np.float32),
                "arr": rng.random((rows_e, 4), dtype=np.float32),
                "position.y": rng.random(rows_e),
                "nested.counts": rng.integers(0, 100, (rows_e, 3), dtype=np.int32),
                "comps.b": rng.random((rows_e, 3), dtype=np.float32),
                "bigID": np.arange(rows_e, dtype=np.uint64) + 2**40,
                "flag": np.array([True, False, True, True, False]),
            },
            "vectors": {
                "weights": {"values": rng.random(int(w_counts.sum())), "counts": w_counts},
                "points": {"values": {"points.a": rng.random(int(p_counts.sum()), dtype=np.float32),
                                      "points.b": rng.random(int(p_counts.sum()), dtype=np.float32)},
                           "counts": p_counts},
            },
            "relations": {
                "cluster": {"collection": "Clusters", "index": np.array([0, -1, 0, 0, -1])},
                "anyHit": {"collection": "Hits", "index": np.array([2, 0, 1, -1, 0])},
                "particles": {"collection": "MCs", "index": part_index, "counts": part_counts},
            },
        },
        "Hits": {"type": "ExampleHit", "counts": n_hits,
                 "members": {"energy": rng.random(rows_h), "cellID": np.arange(rows_h, dtype=np.uint64)}},
        "MCs": {"type": "ex::MC", "counts": n_mc,
                "members": {"PDG": rng.integers(-20, 20, rows_m).astype(np.int32)},
                "relations": {"parents": {"collection": "MCs", "index": parent_index, "counts": parent_counts}}},
        "Clusters": {"type": "ex::Cluster", "counts": n_cl, "members": {"energy": np.array([1, 2, 3], np.float32)}},
        "Links": {"type": "ex::HitMCLink", "counts": [1, 1, 2],
                  "members": {"weight": np.array([0.5, 1, 0.25, 0.75], np.float32)},
                  "relations": {"from": {"collection": "Hits", "index": [2, 0, 1, 0]},
                                "to": {"collection": "MCs", "index": [0, 0, 2, 1]}}},
        "HitRefs": {"type": "ExampleHit", "counts": [2, 0, 1], "subset_of": "Hits", "index": [2, 0, 1]},
    }


@pytest.fixture(scope="module")
def written(dm, tmp_path_factory):
    path = tmp_path_factory.mktemp("write-events") / "py.h5"
    data = dataset()
    with podml.Writer(path) as w:
        assert w.write_events(dm, data, parameters=[{"run": 7, "tag": "a"}, {"run": 8}, {"run": 9, "w": [1.5, 2]}]) == 3
    return path, data


def per_event(values, counts):
    off = np.concatenate([[0], np.cumsum(counts)]).astype(int)
    return [values[off[e]:off[e + 1]] for e in range(len(counts))]


def test_every_member_kind_reads_back_with_podml(written):
    path, data = written
    with podml.open(path) as r:
        assert r.entries() == EVENTS
        frames = list(r.frames())
    ev = data["Everything"]
    for e, f in enumerate(frames):
        got = f["Everything"]
        for p, a in ev["members"].items():
            np.testing.assert_array_equal(got.column(p), per_event(a, ev["counts"])[e], err_msg=p)
        assert f.parameters["int"]["run"] == [7 + e]
    assert frames[0].parameters["string"]["tag"] == ["a"] and frames[2].parameters["double"]["w"] == [1.5, 2.0]
    # Members not given take the YAML's default (scalar{2.5} is given; flag{true} is given; status{1} is not).
    np.testing.assert_array_equal(frames[2]["MCs"].column("status"), [1, 1, 1])
    # Relations as ObjectIDs: per-event indices into the named collection.
    links = frames[2]["Links"].relation_ids("to")
    assert links["index"].tolist() == [2, 1]
    assert (links["collectionID"] == r_id(path, "MCs")).all()


def r_id(path, name):
    with h5py.File(path) as f:
        return f["events"][name].attrs["collection_id"]


def test_typed_cpp_reads_what_python_wrote(written):
    path, data = written
    out = subprocess.run([os.environ["PODML_DUMP_TYPED"], str(path)], check=True, capture_output=True, text=True).stdout
    events = json.loads(out)
    ev, hits, mcs = data["Everything"], data["Hits"], data["MCs"]
    e2 = events[2]
    every = e2["Everything"]
    assert len(every) == 3
    # Object 1 of event 2 is row 3 over all events.
    o = every[1]
    np.testing.assert_allclose(o["arr"], ev["members"]["arr"][3])
    assert o["nested_counts"] == ev["members"]["nested.counts"][3].tolist()
    np.testing.assert_allclose(o["comps_b"], ev["members"]["comps.b"][3])
    assert o["bigID"] == 2**40 + 3 and o["flag"] is True
    np.testing.assert_allclose(o["weights"], ev["vectors"]["weights"]["values"][3:6])  # counts 2, 0, 1, 3
    assert o["points_a"] == []
    assert o["cluster_energy"] == 3.0 and o["anyHit_energy"] is None
    assert o["particles_PDG"] == [int(mcs["members"]["PDG"][3])]  # event 2's MC0 is row 3
    assert every[2]["particles_PDG"] == [int(mcs["members"]["PDG"][3]), int(mcs["members"]["PDG"][5])]
    assert every[2]["anyHit_energy"] == pytest.approx(hits["members"]["energy"][4])  # event 2's hit 0 is row 4
    assert e2["MC_parents_PDG"] == [[], [int(mcs["members"]["PDG"][3])], [int(mcs["members"]["PDG"][3])]]
    assert e2["MC_status"] == [1, 1, 1]
    assert e2["link_from_energy"] == pytest.approx([hits["members"]["energy"][5], hits["members"]["energy"][4]])
    assert e2["link_weight"] == [0.25, 0.75]
    assert events[0]["subset_energy"] == pytest.approx([hits["members"]["energy"][2], hits["members"]["energy"][0]])
    assert [e["run"] for e in events] == [7, 8, 9]


def test_h5py_and_inspect_read_it(written):
    path, data = written
    with h5py.File(path) as f:
        np.testing.assert_array_equal(f["events/Hits/energy"][:], data["Hits"]["members"]["energy"])
        assert f["events/Hits/offsets"][:].tolist() == [0, 3, 4, 6]
    out = subprocess.run([os.environ["PODML"], "inspect", str(path)], check=True, capture_output=True, text=True).stdout
    assert "Everything: ex::WithEverything, 5 objects" in out


def test_make_frame_writes_one_event(dm, tmp_path):
    frame = podml.make_frame(dm, {"Hits": {"type": "ExampleHit", "counts": [2], "members": {"energy": np.array([1.0, 2.0])}}},
                             parameters={"run": 1})
    assert frame.collection_names == ["Hits"] and frame.parameters["int"]["run"] == [1]
    with podml.Writer(tmp_path / "one.h5") as w:
        w.write_frame(frame)
    with podml.open(tmp_path / "one.h5") as r:
        assert r.read_columns("Hits", "energy")["energy"].tolist() == [1.0, 2.0]


def mutate(change):
    data = dataset()
    change(data)
    return data


ERRORS = [
    (lambda d: d["Hits"]["members"].update(energy=np.zeros(6, np.float32)),
     r"collection 'Hits' \(ExampleHit\), member 'energy': the data has dtype float32, the member is float64"),
    (lambda d: d["Hits"]["members"].update(energy=np.zeros(5)),
     r"member 'energy': the data has shape \(5\), the collection needs \(6\)"),
    (lambda d: d["Hits"]["members"].update(enrgy=np.zeros(6)), r"'Hits' \(ExampleHit\): it has no member 'enrgy'"),
    (lambda d: d["Hits"].update(count=[1, 1, 1]), r"collection 'Hits': unknown key 'count'"),
    (lambda d: d["Hits"].update(type="ExampleHits"), r"data model 'testdm' has no datatype 'ExampleHits'"),
    (lambda d: d["Clusters"].update(counts=[1, 1]), r"collection 'Clusters': it has 2 events, collection '.*' has 3"),
    (lambda d: d["MCs"]["relations"]["parents"].update(index=np.array([0, 0, 3])),
     r"'MCs' \(ex::MC\), relation 'parents': index 3 at position 2 is out of range for event 2, where 'MCs' has 3"),
    (lambda d: d["Links"]["relations"]["to"].update(collection="Hits"),
     r"relation 'to': collection 'Hits' holds ExampleHit, the relation needs 'ex::MC'"),
    (lambda d: d["Links"]["relations"]["to"].update(collection="Nope"), r"target collection 'Nope' is not among"),
    (lambda d: d["MCs"]["relations"]["parents"].pop("counts"), r"a one-to-many relation needs 'counts'"),
    (lambda d: d["Everything"]["vectors"]["weights"].update(counts=np.array([2, 0, 1, 3])),
     r"vector member 'weights': 'counts' has 4 entries, one per object is 5"),
    (lambda d: d["HitRefs"].update(index=[2, 0, 5]), r"subset: index 5 .* out of range for event 2"),
    (lambda d: d["Hits"].update(counts=[3, -1, 2]), r"'counts': count -1 at position 1 is negative"),
]


@pytest.mark.parametrize("change,message", ERRORS)
def test_user_errors_name_the_place_and_write_nothing(dm, tmp_path, change, message):
    path = tmp_path / "never.h5"
    with pytest.raises(podml.UsageError, match=message):
        with podml.Writer(path) as w:
            w.write_events(dm, mutate(change))
    assert not path.exists()
    assert os.listdir(tmp_path) == [], "an abandoned writer that flushed no frame leaves no temporary file"


def test_bad_parameters(dm, tmp_path):
    with pytest.raises(podml.UsageError, match="3 dicts given for 1 events"):
        podml.make_frame(dm, {"Hits": {"type": "ExampleHit", "counts": [0]}}, parameters=[{}, {}, {}])
    with pytest.raises(podml.UsageError, match="parameter 'big': 4294967296 does not fit a 32-bit int"):
        podml.make_frame(dm, {"Hits": {"type": "ExampleHit", "counts": [0]}}, parameters={"big": 2**32})
