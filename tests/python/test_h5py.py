"""Reads a podml file with plain h5py and NumPy, following docs/file-format.md.

The sample file and the JSON of the values put into it come from
podml-write-sample (tests/io/write_sample.cc); their paths arrive in the
environment (PODML_SAMPLE, PODML_SAMPLE_EXPECTED), and PODML is the podml
command whose `inspect --json` output is checked against the datasets.
Nothing here imports podml: if these tests pass, the spec is enough.
"""

import json
import os
import subprocess

import h5py
import numpy as np
import pytest


@pytest.fixture(scope="module")
def h5():
    # A missing variable is an error, not a skip: a silent pass would hide it.
    with h5py.File(os.environ["PODML_SAMPLE"], "r") as f:
        yield f


@pytest.fixture(scope="module")
def expected():
    with open(os.environ["PODML_SAMPLE_EXPECTED"]) as f:
        return json.load(f)


@pytest.fixture(scope="module")
def inspected():
    out = subprocess.run([os.environ["PODML"], "inspect", "--json", os.environ["PODML_SAMPLE"]],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def column(f, category, collection, path, i):
    """Column `path` of `collection` for entry i: the 5-line recipe of docs/file-format.md."""
    g = f[category][collection]
    if not g["present"][i]:
        return None
    begin, end = g["offsets"][i:i + 2]
    return g[path][begin:end]


def entry_values(g, owner, path, i):
    """Per object of entry i, the values of vector member or relation `owner` (`path` is the dataset)."""
    first = g[owner + "_offsets"][i]  # this entry's value block starts here
    obj = slice(*g["offsets"][i:i + 2])
    begins, ends = g[owner + "_begin"][obj], g[owner + "_end"][obj]  # relative to the block
    return [g[path][first + b:first + e] for b, e in zip(begins, ends)]


def text(value):
    """podml stores string attributes as fixed-length UTF-8 (no HDF5 global heap): h5py gives bytes."""
    return value.decode("utf-8") if isinstance(value, (bytes, np.bytes_)) else value


def parameters(group, i):
    """Entry i's parameters: JSON bytes between parameters_offsets[i] and [i+1]."""
    o = group["parameters_offsets"]
    return json.loads(bytes(group["parameters"][o[i]:o[i + 1]]).decode("utf-8"))


def test_root_attributes(h5):
    assert h5.attrs["podml_format_version"] == 1
    assert text(h5.attrs["podml_producer"]).startswith("podml ")
    models = json.loads(bytes(h5["podml_datamodels"][:]).decode("utf-8"))
    assert models["testdm"]["name"] == "testdm"
    assert models["testdm"]["schema_version"] == 3
    assert "ExampleHit" in models["testdm"]["datatypes"]


def test_categories_and_entries(h5, expected):
    assert sorted(h5.keys()) == ["events", "podml_datamodels", "runs"]
    assert h5["events"].attrs["entries"] == len(expected["events"]) == 4
    assert h5["runs"].attrs["entries"] == 1


def test_parameters_are_json_per_entry(h5, expected):
    for category in ("events", "runs"):
        assert h5[category]["parameters_offsets"].shape == (len(expected[category]) + 1,)
        for i, entry in enumerate(expected[category]):
            stored = parameters(h5[category], i)
            want = {"int": {}, "float": {}, "double": {}, "string": {}}
            want.update(entry["parameters"])
            assert stored == want


def test_collection_attributes(h5, expected):
    ids = {}
    for entry in expected["events"]:
        for name, coll in entry["collections"].items():
            ids[name] = coll["collection_id"]
    assert sorted(k for k in h5["events"].keys() if k not in ("parameters", "parameters_offsets")) == sorted(ids)
    for name, cid in ids.items():
        a = h5["events"][name].attrs
        assert a["collection_id"] == cid
        assert text(a["datamodel"]) == "testdm"
        assert a["schema_version"] == 3
        assert a["subset"] == (1 if name == "ClusterRefs" else 0)
        assert len(text(a["type_hash"])) == 16
    assert text(h5["events/Hits"].attrs["type"]) == "ExampleHit"
    assert text(h5["events/Hits"].attrs["collection_type"]) == "ExampleHitCollection"
    assert text(h5["events/ClusterRefs"].attrs["type"]) == "ex::Cluster"


def test_present_and_offsets(h5, expected):
    events = expected["events"]
    for name in ("Hits", "Clusters", "Everything", "ClusterRefs", "OnlyInEntryOne"):
        g = h5["events"][name]
        present, offsets = g["present"][:], g["offsets"][:]
        assert present.dtype == np.uint8 and offsets.dtype == np.uint64
        assert offsets.shape == (len(events) + 1,) and offsets[0] == 0
        for i, entry in enumerate(events):
            coll = entry["collections"].get(name)
            assert present[i] == (coll is not None)
            per_object = {"ClusterRefs": "targets", "Everything": "arr"}.get(name, "energy")
            assert offsets[i + 1] - offsets[i] == (len(coll[per_object]) if coll is not None else 0)


def test_member_columns(h5, expected):
    for i, entry in enumerate(expected["events"]):
        hits = entry["collections"]["Hits"]
        energy = column(h5, "events", "Hits", "energy", i)
        assert energy.dtype == np.float64
        assert energy.tolist() == hits["energy"]
        cell = column(h5, "events", "Hits", "cellID", i)
        assert cell.dtype == np.uint64 and cell.tolist() == hits["cellID"]
        clusters = column(h5, "events", "Clusters", "energy", i)
        assert clusters.dtype == np.float32
        assert clusters.tolist() == entry["collections"]["Clusters"]["energy"]
        assert column(h5, "events", "OnlyInEntryOne", "energy", i) is None or i == 1


def test_array_and_bool_columns(h5, expected):
    for i, entry in enumerate(expected["events"]):
        every = entry["collections"]["Everything"]
        arr = column(h5, "events", "Everything", "arr", i)
        assert arr.dtype == np.float32 and arr.shape == (len(every["arr"]), 4)
        np.testing.assert_array_equal(arr, np.array(every["arr"], dtype=np.float32))
        flag = column(h5, "events", "Everything", "flag", i)
        assert flag.dtype == np.uint8  # bool is stored as uint8, 0 or 1
        assert flag.tolist() == [int(b) for b in every["flag"]]


def test_vector_member(h5, expected):
    g = h5["events/Everything"]
    assert g["weights_offsets"][0] == 0
    assert g["weights_offsets"][-1] == g["weights"].shape[0]
    for i, entry in enumerate(expected["events"]):
        values = entry_values(g, "weights", "weights", i)
        assert [v.tolist() for v in values] == entry["collections"]["Everything"]["weights"]


def test_one_to_many_relation(h5, expected):
    g = h5["events/Clusters"]
    hits_id = h5["events/Hits"].attrs["collection_id"]
    assert g["Hits.index"].dtype == np.int32 and g["Hits.collectionID"].dtype == np.uint32
    for i, entry in enumerate(expected["events"]):
        indices = entry_values(g, "Hits", "Hits.index", i)
        ids = entry_values(g, "Hits", "Hits.collectionID", i)
        assert [v.tolist() for v in indices] == entry["collections"]["Clusters"]["Hits"]
        assert all((v == hits_id).all() for v in ids)
        # An index counts within the target collection's entry: resolve to a row.
        hit_rows = h5["events/Hits/offsets"][i] + np.concatenate(indices)
        want = [entry["collections"]["Hits"]["energy"][k] for k in np.concatenate(indices)]
        assert h5["events/Hits/energy"][:][hit_rows].tolist() == want


def test_one_to_one_relation(h5, expected):
    clusters_id = h5["events/Clusters"].attrs["collection_id"]
    for i, entry in enumerate(expected["events"]):
        index = column(h5, "events", "Everything", "cluster.index", i)
        ids = column(h5, "events", "Everything", "cluster.collectionID", i)
        assert index.tolist() == entry["collections"]["Everything"]["cluster"]
        assert (ids == clusters_id).all()
        unset = column(h5, "events", "Everything", "anyHit.index", i)
        assert (unset < 0).all()  # no target: a negative index


def test_subset_collection(h5, expected):
    g = h5["events/ClusterRefs"]
    assert sorted(g.keys()) == ["offsets", "present", "subset.collectionID", "subset.index"]
    clusters_id = h5["events/Clusters"].attrs["collection_id"]
    for i, entry in enumerate(expected["events"]):
        targets = entry["collections"]["ClusterRefs"]["targets"]
        assert column(h5, "events", "ClusterRefs", "subset.index", i).tolist() == targets
        assert (column(h5, "events", "ClusterRefs", "subset.collectionID", i) == clusters_id).all()


def test_datasets_are_chunked_and_extendible(h5):
    g = h5["events/Everything"]
    for name in ("arr", "weights", "offsets", "cluster.index"):
        assert g[name].chunks is not None and g[name].maxshape[0] is None
    assert g["arr"].maxshape == (None, 4)
    assert g["arr"].compression == "gzip"  # the sample is written with deflate


def test_inspect_matches_datasets(h5, inspected):
    """Every dataset of a collection group is one the spec names, with the dtype and shape inspect reports."""
    assert inspected["format_version"] == h5.attrs["podml_format_version"]
    for cat in inspected["categories"]:
        assert h5[cat["name"]].attrs["entries"] == cat["entries"]
        for coll in cat["collections"]:
            g = h5[cat["name"]][coll["name"]]
            assert text(g.attrs["type"]) == coll["type"] and g.attrs["collection_id"] == coll["collection_id"]
            assert g["offsets"][-1] == coll["objects"]
            names = {"present", "offsets"}
            if coll["subset"]:
                names |= {"subset.index", "subset.collectionID"}
            for col in coll["columns"]:
                ds = g[col["path"]]
                want = np.dtype("uint8" if col["dtype"] == "bool" else col["dtype"])
                assert ds.dtype == want, col["path"]
                assert list(ds.shape[1:]) == col["shape"], col["path"]
                if col["kind"] != "vector_value":
                    assert ds.shape[0] == coll["objects"], col["path"]
                else:
                    assert ds.shape[0] == g[col["owner"] + "_offsets"][-1], col["path"]
                names.add(col["path"])
                if col["kind"] == "range_begin":
                    names.add(col["owner"] + "_offsets")
            for rel in coll["relations"]:
                names |= {rel["name"] + ".index", rel["name"] + ".collectionID"}
                rows = g[rel["name"] + "_offsets"][-1] if rel["many"] else coll["objects"]
                assert g[rel["name"] + ".index"].shape == (rows,)
            assert set(g.keys()) == names, coll["name"]


def test_spec_worked_example_runs(h5):
    """The worked example of docs/file-format.md, run as a doctest against the sample file."""
    import doctest
    spec = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "file-format.md")
    cwd = os.getcwd()
    os.chdir(os.path.dirname(os.path.abspath(os.environ["PODML_SAMPLE"])))
    try:
        assert os.path.basename(os.environ["PODML_SAMPLE"]) == "sample.h5"
        result = doctest.testfile(os.path.abspath(spec), module_relative=False,
                                  optionflags=doctest.NORMALIZE_WHITESPACE)
    finally:
        os.chdir(cwd)
    assert result.attempted >= 10 and result.failed == 0
