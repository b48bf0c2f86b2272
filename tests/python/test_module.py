"""The Python module `podml` (python/): reading columns and frames as NumPy arrays
without copying, model cards and Sessions, errors as Python exceptions.

The environment names the sample file and the values put into it
(PODML_SAMPLE, PODML_SAMPLE_EXPECTED, from tests/io/write_sample.cc) and the
test model writer (PODML_WRITE_TEST_MODELS, tests/onnx/write_models.cc); the
build-tree package is on PYTHONPATH. h5py is the independent reference: podml
must return exactly what h5py reads from the same datasets.
"""

import ast
import concurrent.futures
import gc
import json
import os
import subprocess
import sys

import h5py
import numpy as np
import pytest

import podml

SAMPLE = os.environ["PODML_SAMPLE"]


@pytest.fixture(scope="module")
def expected():
    with open(os.environ["PODML_SAMPLE_EXPECTED"]) as f:
        return json.load(f)


@pytest.fixture(scope="module")
def h5():
    with h5py.File(SAMPLE, "r") as f:
        yield f


@pytest.fixture
def reader():
    with podml.open(SAMPLE) as r:
        yield r


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """linear.onnx: features[N, 2] -> score[N, 1] = sigmoid(0.5 x0 - 0.25 x1 + 0.1), no card."""
    d = tmp_path_factory.mktemp("models")
    subprocess.run([os.environ["PODML_WRITE_TEST_MODELS"], str(d)], check=True)
    return d


# The card a user writes (tests/onnx/card.yaml as a dict): members as plain paths.
CARD = {
    "podml_card": 1,
    "datamodel": {"name": "testdm", "schema_version": 3},
    "inputs": [{"name": "features", "collection_type": "ExampleHit", "collection": "Hits",
                "members": ["x", "energy"], "dtype": "float32", "shape": ["N", 2], "preprocessing": "none"}],
    "outputs": [{"name": "score", "meaning": "probability that the hit is signal", "dtype": "float32",
                 "shape": ["N", 1], "input": "features",
                 "target": {"type": "ex::Score", "member": "value", "relation": "hit", "collection": "HitScores"}}],
    "provenance": {"trained_on": "nothing (a test model)"},
}


def linear(x, energy):
    return 1 / (1 + np.exp(-(0.5 * x - 0.25 * energy + 0.1)))


@pytest.fixture(scope="module")
def carded(models):
    path = str(models / "carded.onnx")
    podml.attach_card(str(models / "linear.onnx"), CARD, path, data=SAMPLE)
    return path


def address(array):
    return array.__array_interface__["data"][0]


# ---- reading ---------------------------------------------------------------------------


def test_reader_describes_the_file(reader, expected, h5):
    assert reader.files == [SAMPLE]
    assert reader.categories == ["events", "runs"]
    assert reader.entries() == len(expected["events"]) == 4
    assert reader.entries("runs") == 1 and reader.entries("nothing") == 0
    assert reader.format_version == h5.attrs["podml_format_version"]
    infos = {c.name: c for c in reader.collections()}
    assert sorted(infos) == ["ClusterRefs", "Clusters", "Everything", "Hits", "OnlyInEntryOne"]
    for name, info in infos.items():
        g = h5["events"][name]
        assert info.collection_id == g.attrs["collection_id"]
        assert info.objects == g["offsets"][-1]
        assert info.subset == (name == "ClusterRefs")
        assert info.data_model == "testdm" and info.schema_version == 3
    hits = infos["Hits"]
    assert hits.type == "ExampleHit"
    energy = hits.column("energy")
    assert (energy.dtype, energy.shape, energy.unit, energy.kind) == ("float64", (), "GeV", "member")
    arr = infos["Everything"].column("arr")
    assert (arr.dtype, arr.shape, arr.unit) == ("float32", (4,), "1/mm")
    assert infos["Everything"].column("weights").kind == "vector_value"
    assert infos["ClusterRefs"].columns == []
    models = reader.data_models()
    assert list(models) == ["testdm"]
    assert models["testdm"].schema_version == 3 and "ExampleHit" in models["testdm"].datatypes
    assert models["testdm"].definition()["name"] == "testdm"


def test_columns_equal_h5py(reader, h5):
    for collection, paths in {"Hits": ["cellID", "x", "energy"], "Clusters": ["energy", "Hits_begin"],
                              "Everything": ["arr", "flag", "shortArr"]}.items():
        batch = reader.read_columns(collection, paths)
        g = h5["events"][collection]
        assert batch.paths == paths
        np.testing.assert_array_equal(batch.offsets, g["offsets"][:])
        for path in paths:
            col = batch[path]
            want = g[path][:]
            assert col.shape == want.shape, path
            if path == "flag":
                assert col.dtype == np.bool_  # stored as uint8 0/1
                want = want.astype(bool)
            else:
                assert col.dtype == want.dtype, path
            np.testing.assert_array_equal(col, want)


def test_vector_member_values_have_their_own_offsets(reader, h5):
    batch = reader.read_columns("Everything", ["weights"])
    g = h5["events/Everything"]
    np.testing.assert_array_equal(batch["weights"], g["weights"][:])
    np.testing.assert_array_equal(batch.offsets, g["weights_offsets"][:])
    with pytest.raises(podml.UsageError, match="together: one is per object"):
        reader.read_columns("Everything", ["arr", "weights"])


def test_offsets_split_entries(reader, expected):
    batch = reader.read_columns("Hits", ["energy", "cellID"])
    assert batch.offsets.dtype == np.uint64 and batch.entries == 4 and len(batch) == 14
    for i, entry in enumerate(expected["events"]):
        rows = batch.entry(i)
        assert rows["energy"].tolist() == entry["collections"]["Hits"]["energy"]
        assert rows["cellID"].tolist() == entry["collections"]["Hits"]["cellID"]
        begin, end = batch.offsets[i:i + 2]
        assert np.shares_memory(rows["energy"], batch["energy"])
        assert address(rows["energy"]) == address(batch["energy"]) + 8 * int(begin)


def test_entry_ranges_and_shards(reader):
    whole = reader.read_columns("Hits", "energy")
    parts = []
    for i in range(3):
        first, last = podml.shard(reader.entries(), i, 3)
        part = reader.read_columns("Hits", "energy", first=first, last=last)
        assert part.first_entry == first and part.entries == last - first
        parts.append(part["energy"])
    np.testing.assert_array_equal(np.concatenate(parts), whole["energy"])
    assert podml.shard(4, 0, 3) == (0, 2) and podml.shard(4, 2, 3) == (3, 4)
    empty = reader.read_columns("Everything", ["arr"], first=2, last=2)
    assert empty["arr"].shape == (0, 4) and empty["arr"].dtype == np.float32
    assert empty.offsets.tolist() == [0] and empty.entries == 0
    with pytest.raises(podml.UsageError, match="cannot take shard 3 of 3"):
        podml.shard(4, 3, 3)
    with pytest.raises(podml.UsageError, match=r"cannot read entries 3\.\.9 of category 'events': it has 4"):
        reader.read_columns("Hits", "energy", first=3, last=9)


# ---- zero-copy and lifetime ------------------------------------------------------------


def test_batch_arrays_are_views_of_the_batch(reader):
    batch = reader.read_columns("Hits", ["x", "energy"])
    a, b = batch["x"], batch.columns["x"]
    # Two reads of the same column are two arrays over one buffer: the C++ column's own.
    assert a is not b and np.shares_memory(a, b)
    assert address(a) == address(b) == batch._data_address("x")
    assert address(batch["energy"]) == batch._data_address("energy")
    assert not a.flags.owndata and not a.flags.writeable and a.base is not None
    with pytest.raises(ValueError):
        a[0] = 1.0


def test_batch_arrays_outlive_reader_and_batch():
    r = podml.open(SAMPLE)
    batch = r.read_columns("Hits", ["energy", "cellID"])
    energy, offsets = batch["energy"], batch.offsets
    want, want_offsets = energy.copy(), offsets.copy()
    where = batch._data_address("energy")
    r.close()
    del r, batch
    gc.collect()
    # Churn the allocator: freed memory would now be reused and overwritten.
    junk = [np.full(len(want), -7.0) for _ in range(1000)]
    assert address(energy) == where
    np.testing.assert_array_equal(energy, want)
    np.testing.assert_array_equal(offsets, want_offsets)
    del junk
    view = energy[1:3]  # a slice keeps the same owner
    del energy
    gc.collect()
    np.testing.assert_array_equal(view, want[1:3])


def test_frame_columns_are_views_that_keep_the_frame(expected):
    r = podml.open(SAMPLE)
    frame = r.read_frame(2)
    hits = frame["Hits"]
    energy = hits.column("energy")
    assert address(energy) == hits._data_address("energy")
    assert np.shares_memory(energy, frame["Hits"].column("energy"))
    assert not energy.flags.owndata and not energy.flags.writeable
    want = expected["events"][2]["collections"]["Hits"]["energy"]
    del r, frame, hits
    gc.collect()
    junk = [np.full(len(want), -7.0) for _ in range(1000)]
    assert energy.tolist() == want
    del junk


# ---- frames and collections ------------------------------------------------------------


def test_bulk_reads_say_which_entries_lack_a_collection(reader):
    # Rows are none where an entry lacks the collection, as when it is empty: `present` tells.
    only = reader.read_columns("OnlyInEntryOne", ["energy"])
    assert only.present.dtype == np.bool_ and only.present.tolist() == [False, True, False, False]
    assert reader.read_columns("Hits", ["energy"]).present.all()


def test_frames_and_collections_by_name(reader, expected):
    frames = list(reader.frames())
    assert len(frames) == 4
    for i, (frame, entry) in enumerate(zip(frames, expected["events"])):
        colls = entry["collections"]
        assert frame.collection_names == sorted(colls)
        assert ("OnlyInEntryOne" in frame) == (i == 1)
        hits = frame["Hits"]
        assert hits.type == "ExampleHit" and hits.data_model == "testdm" and hits.schema_version == 3
        assert hits.id == colls["Hits"]["collection_id"]
        assert len(hits) == len(colls["Hits"]["energy"])
        assert hits.column("energy").tolist() == colls["Hits"]["energy"]
        assert hits.column("cellID").tolist() == colls["Hits"]["cellID"]
        assert frame["Clusters"].column("energy").tolist() == colls["Clusters"]["energy"]
        every = frame["Everything"]
        assert every.column("arr").shape == (len(colls["Everything"]["arr"]), 4)
        np.testing.assert_array_equal(every.column("arr"), np.array(colls["Everything"]["arr"], dtype=np.float32))
        assert every.column("flag").tolist() == colls["Everything"]["flag"]
        w, b, e = every.column("weights"), every.column("weights_begin"), every.column("weights_end")
        assert [w[x:y].tolist() for x, y in zip(b, e)] == colls["Everything"]["weights"]
        # Relations as ObjectIDs: one-to-many concatenated by ranges, one-to-one per object.
        clusters = frame["Clusters"]
        ids = clusters.relation_ids("Hits")
        hb, he = clusters.column("Hits_begin"), clusters.column("Hits_end")
        assert [ids["index"][x:y].tolist() for x, y in zip(hb, he)] == colls["Clusters"]["Hits"]
        assert (ids["collectionID"] == hits.id).all()
        assert every.relation_ids("cluster")["index"].tolist() == colls["Everything"]["cluster"]
        refs = frame["ClusterRefs"]
        assert refs.subset and refs.columns() == []
        assert refs.subset_ids()["index"].tolist() == colls["ClusterRefs"]["targets"]
        assert (refs.subset_ids()["collectionID"] == clusters.id).all()
        params = {k: v for k, v in frame.parameters.items() if v}
        assert params == entry["parameters"]
        assert frame.get_parameter("tag") == ["entry-%d" % i] and frame.get_parameter("nope") is None


def test_read_only_some_collections(reader):
    frame = reader.read_frame(1, collections=["Hits"])
    assert frame.collection_names == ["Hits"] and frame.get("Clusters") is None
    assert reader.read_frame(0, "runs").get_parameter("runNumber") == [7]
    assert reader.read_next_frame().collection_names == reader.read_frame(0).collection_names


def test_writer_round_trip(reader, tmp_path):
    out = tmp_path / "copy.h5"
    with podml.Writer(out, compression="deflate") as w:
        for frame in reader.frames():
            w.write_frame(frame, collections=["Hits", "Clusters"])
        assert w.entries() == 4
    with podml.open(out) as copy:
        assert [c.name for c in copy.collections()] == ["Clusters", "Hits"]
        np.testing.assert_array_equal(copy.read_columns("Hits", "energy")["energy"],
                                      reader.read_columns("Hits", "energy")["energy"])


def test_reads_from_threads_give_the_same_values(reader):
    want = reader.read_columns("Hits", "energy")["energy"].copy()
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda _: reader.read_columns("Hits", "energy")["energy"], range(16)))
    for g in got:
        np.testing.assert_array_equal(g, want)


# ---- errors ----------------------------------------------------------------------------


def test_missing_file_is_an_io_error(tmp_path):
    missing = str(tmp_path / "missing.h5")
    with pytest.raises(podml.IoError, match="missing.h5") as e:
        podml.open(missing)
    assert isinstance(e.value, podml.Error) and isinstance(e.value, OSError)
    assert str(e.value) == "cannot open '%s': no such file" % missing
    with pytest.raises(podml.IoError, match="matches no file"):
        podml.open(str(tmp_path / "none-*.h5"))


def test_a_retry_after_an_io_error_gives_the_same_error(tmp_path):
    # Parameters claimed far past the end of the file: the second read once crashed Python.
    path = str(tmp_path / "huge-parameter-offsets.h5")
    with open(SAMPLE, "rb") as src, open(path, "wb") as dst:
        dst.write(src.read())
    with h5py.File(path, "r+") as f:
        offsets = f["events/parameters_offsets"]
        offsets[1:] = (1 << 40) + np.arange(1, len(offsets), dtype=np.uint64)
    r = podml.open(path)
    messages = []
    for _ in range(3):
        with pytest.raises(podml.IoError) as e:
            r.read_frame(0)
        messages.append(str(e.value))
    assert path in messages[0] and "events/parameters" in messages[0]
    assert messages == [messages[0]] * 3


def test_messages_that_are_not_utf8_arrive_escaped(tmp_path):
    # A collection name in someone else's file need not be UTF-8; the message quotes it.
    path = str(tmp_path / "latin1-name.h5")
    with open(SAMPLE, "rb") as src, open(path, "wb") as dst:
        dst.write(src.read())
    with h5py.File(path, "r+") as f:
        f["events"].create_group(b"Caf\xe9")
    with pytest.raises(podml.IoError) as e:
        podml.open(path)
    assert "Caf\\xe9" in str(e.value) and path in str(e.value)


def test_usage_errors_carry_the_cpp_message(reader):
    with pytest.raises(podml.UsageError) as e:
        reader.read_columns("Nope", ["x"])
    assert str(e.value) == "cannot read columns of 'Nope': not stored in category 'events' of '%s'" % SAMPLE
    assert isinstance(e.value, ValueError)
    with pytest.raises(podml.UsageError, match="cannot read column 'nope' of 'Hits': ExampleHit has no such column"):
        reader.read_columns("Hits", ["x", "nope"])
    frame = reader.read_frame(0)
    with pytest.raises(podml.UsageError, match=r"cannot get collection 'Nope': not in this frame \(available: ClusterRefs,"):
        frame["Nope"]
    with pytest.raises(podml.UsageError, match="cannot get column 'nope': ExampleHit has no such column"):
        frame["Hits"].column("nope")
    with pytest.raises(podml.UsageError, match="has no such relation"):
        frame["Hits"].relation_ids("nope")
    with pytest.raises(podml.UsageError, match="cannot read entry 9 of category 'events'"):
        reader.read_frame(9)
    reader.close()
    assert reader.closed
    with pytest.raises(podml.UsageError, match="cannot use the reader: it is closed"):
        reader.read_columns("Hits", "x")


# ---- model cards -----------------------------------------------------------------------


def test_model_info_and_checker(models):
    info = podml.model_info(models / "linear.onnx")
    assert info["card"] is None and info["opsets"]["ai.onnx"] >= 13
    assert info["inputs"] == [{"name": "features", "type": "float", "dtype": "float32", "shape": ["N", 2]}]
    assert info["outputs"][0]["name"] == "score"
    assert podml.check_model(models / "linear.onnx") == ""
    assert podml.read_card(models / "linear.onnx") is None
    junk = models / "junk.onnx"
    junk.write_bytes(b"not a model")
    with pytest.raises(podml.ModelError, match="cannot read model '.*junk.onnx': not an ONNX model"):
        podml.model_info(junk)


def test_card_attach_read_check_round_trip(carded, models):
    card = podml.read_card(carded)
    assert card["datamodel"]["name"] == "testdm" and len(card["datamodel"]["members_hash"]) == 16
    members = card["inputs"][0]["members"]
    assert [(m["path"], m["dtype"], m["unit"]) for m in members] == [("x", "float64", "mm"), ("energy", "float64", "GeV")]
    assert card["outputs"][0]["target"]["collection"] == "HitScores"
    assert card["provenance"] == CARD["provenance"] and card["producer"].startswith("podml ")
    assert podml.model_info(carded)["card"] == card
    assert podml.check(carded, SAMPLE) == []
    with podml.open(SAMPLE) as r:
        assert podml.check(carded, r) == []
    # The same card as JSON text, completed from a Reader, and its canonical form.
    again = str(models / "again.onnx")
    with podml.open(SAMPLE) as r:
        podml.attach_card(models / "linear.onnx", json.dumps(CARD), again, data=r)
        assert podml.complete_card(CARD, r) == card
    assert podml.read_card(again) == card
    # Bare member paths need the data to become a card: without it, a clear refusal.
    with pytest.raises(podml.UsageError, match="gives member 'x' as a bare path.*pass the data"):
        podml.attach_card(models / "linear.onnx", CARD, str(models / "never.onnx"))
    assert not os.path.exists(models / "never.onnx")


def test_check_reports_each_mismatch(models):
    card = json.loads(json.dumps(CARD))
    card["inputs"][0]["members"] = [{"path": "x", "dtype": "float64", "unit": "mm"},
                                    {"path": "energy", "dtype": "float64", "unit": "MeV"}]
    mev = str(models / "mev.onnx")
    podml.attach_card(models / "linear.onnx", card, mev)  # not completed: the unit stays wrong
    assert podml.check(mev, SAMPLE) == [
        "input 'features', member 'energy': the model expects float64 [MeV], the data has float64 [GeV]"]
    card["datamodel"]["name"] = "other"
    other = str(models / "other.onnx")
    podml.attach_card(models / "linear.onnx", card, other)
    assert podml.check(other, SAMPLE)[-1] == \
        "data model: the model reads 'other', which '%s' does not contain (it holds 'testdm')" % SAMPLE
    with pytest.raises(podml.ModelError, match="cannot check model '.*linear.onnx': it has no podml card"):
        podml.check(models / "linear.onnx", SAMPLE)


def test_card_errors(models):
    three = json.loads(json.dumps(CARD))
    three["inputs"][0]["members"] = ["x", "energy", "y"]
    bad = models / "bad.onnx"
    with pytest.raises(podml.ModelError) as e:
        podml.attach_card(models / "linear.onnx", three, bad, data=SAMPLE)
    assert "the graph expects 2 values per object, the card's members give 3" in str(e.value)
    assert not bad.exists()
    with pytest.raises(podml.DefinitionError, match="card version 9 is not supported"):
        podml.attach_card(models / "linear.onnx", {"podml_card": 9}, bad)
    with pytest.raises(podml.DefinitionError, match="cannot parse JSON"):
        podml.attach_card(models / "linear.onnx", "{not json", bad)
    unknown = json.loads(json.dumps(CARD))
    unknown["inputs"][0]["members"] = ["x", "nope"]
    with pytest.raises(podml.DefinitionError, match="nope"):
        podml.attach_card(models / "linear.onnx", unknown, bad, data=SAMPLE)


# ---- sessions --------------------------------------------------------------------------


def test_run_tensors(models):
    session = podml.Session(models / "linear.onnx")
    assert session.card is None and session.data_model is None
    assert session.input_names == ["features"] and session.output_names == ["score"]
    x = np.array([[0.0, 0.0], [1.0, 2.0], [-3.0, 0.5], [2.0, -1.0]], dtype=np.float32)
    (score,) = session.run_tensors([x])
    assert score.shape == (4, 1) and score.dtype == np.float32
    np.testing.assert_allclose(score[:, 0], linear(x[:, 0], x[:, 1]), atol=1e-6)
    with pytest.raises(podml.InferenceError, match="cannot run model '.*linear.onnx'"):
        session.run_tensors([x.astype(np.float64)])
    with pytest.raises(podml.InferenceError, match="it has 1 inputs, 2 given"):
        session.run_tensors([x, x])
    with pytest.raises(podml.UsageError, match="the Session was made without data"):
        session.run(podml.open(SAMPLE).read_frame(0))


def test_run_on_frames_and_write_back(carded, expected, tmp_path):
    reader = podml.open(SAMPLE)
    session = podml.Session(carded, data=reader)
    assert session.data_model == "testdm" and session.card == podml.read_card(carded)
    out = tmp_path / "scored.h5"
    with podml.Writer(out) as writer:
        for i, frame in enumerate(reader.frames()):
            hits = expected["events"][i]["collections"]["Hits"]
            want = linear(frame["Hits"].column("x"), np.array(hits["energy"]))
            result = session.run(frame)
            assert list(result) == ["score"] and result["score"].shape == (len(want), 1)
            np.testing.assert_allclose(result["score"][:, 0], want, atol=1e-6)
            assert session.run_and_write_back(frame) == ["HitScores"]
            scores = frame["HitScores"]
            np.testing.assert_allclose(scores.column("value"), want, atol=1e-6)
            assert scores.relation_ids("hit")["index"].tolist() == list(range(len(want)))
            writer.write_frame(frame)
    with h5py.File(out, "r") as f:
        s = f["events/HitScores"]
        assert s["offsets"][-1] == 14
        assert (s["hit.collectionID"][:] == f["events/Hits"].attrs["collection_id"]).all()
        np.testing.assert_allclose(s["value"][:], linear(f["events/Hits/x"][:], f["events/Hits/energy"][:]), atol=1e-6)


def test_infer_is_podml_infer(carded, tmp_path):
    """podml.infer runs the library's workflow: the whole event kept, the scores added."""
    out = tmp_path / "inferred.h5"
    seen = []
    summary = podml.infer(carded, SAMPLE, out, progress=lambda done, total: seen.append((done, total)))
    assert summary["events"] == 4 and summary["skipped_events"] == 0 and summary["first"] == 0
    assert summary["outputs"] == [{"output": "score", "collection": "HitScores", "type": "ex::Score", "objects": 14}]
    assert seen[-1] == (4, 4)
    with podml.open(SAMPLE) as inp, podml.open(out) as o:
        assert {c.name for c in inp.collections()} | {"HitScores"} == {c.name for c in o.collections()}
        np.testing.assert_allclose(o.read_columns("HitScores", "value")["value"],
                                   linear(inp.read_columns("Hits", "x")["x"], inp.read_columns("Hits", "energy")["energy"]),
                                   atol=1e-6)
    batched = tmp_path / "batched.h5"
    podml.infer(carded, SAMPLE, batched, events_per_run=3)
    with podml.open(out) as o, podml.open(batched) as b:
        np.testing.assert_allclose(b.read_columns("HitScores", "value")["value"],
                                   o.read_columns("HitScores", "value")["value"], atol=1e-6)
    only = tmp_path / "only.h5"
    podml.infer(carded, SAMPLE, only, only_scores=True, shard=(1, 2))
    with podml.open(only) as o:
        assert [c.name for c in o.collections()] == ["HitScores", "Hits"] and o.entries() == 2
    # Checked before any work; the output never appears after an error.
    with pytest.raises(podml.UsageError, match="no such category"):
        podml.infer(carded, SAMPLE, tmp_path / "never.h5", category="nope")
    with pytest.raises(podml.UsageError, match="has no such input"):
        podml.infer(carded, SAMPLE, tmp_path / "never.h5", input_collections={"featurez": "Hits"})
    with pytest.raises(podml.UsageError, match="0 events per run"):
        podml.infer(carded, SAMPLE, tmp_path / "never.h5", events_per_run=0)
    with pytest.raises(podml.UsageError, match="on_empty_input"):
        podml.infer(carded, SAMPLE, tmp_path / "never.h5", on_empty_input="ignore")
    with pytest.raises(podml.ModelError, match="already hold a collection"):
        podml.infer(carded, out, tmp_path / "never.h5")  # scored before: the card's HitScores exists
    with pytest.raises(podml.UsageError, match="already hold a collection"):
        podml.infer(carded, SAMPLE, tmp_path / "never.h5", output_collections={"score": "Hits"})  # the user's name
    assert not os.path.exists(tmp_path / "never.h5")


def test_read_card_file_is_the_cli_reader(models, tmp_path):
    card_yaml = os.path.join(os.path.dirname(__file__), "..", "onnx", "card.yaml")
    assert [m["path"] for m in podml.read_card_file(card_yaml)["inputs"][0]["members"]] == ["x", "energy"]
    podml.attach_card(models / "linear.onnx", card_yaml, tmp_path / "m.onnx", data=SAMPLE)
    assert podml.check(tmp_path / "m.onnx", SAMPLE) == []
    (tmp_path / "bad.yaml").write_text("podml_card: 1\ninputs: [\n")
    with pytest.raises(podml.DefinitionError, match=r"bad\.yaml:\d"):
        podml.read_card_file(tmp_path / "bad.yaml")


def test_writer_finishes_only_on_success(reader, tmp_path):
    out = tmp_path / "partial.h5"
    with pytest.raises(RuntimeError, match="boom"):
        with podml.Writer(out, flush_events=1) as w:
            for frame in reader.frames():
                w.write_frame(frame)
            raise RuntimeError("boom")
    assert not out.exists(), "an exception in the block leaves nothing under the final name"
    temporary = [p for p in os.listdir(tmp_path) if p.startswith("partial.h5.podml-tmp")]
    assert len(temporary) == 1
    with podml.open(tmp_path / temporary[0]) as kept:
        assert kept.entries() == 4, "the flushed frames are kept in the temporary file"
    w = podml.Writer(tmp_path / "dropped.h5")
    w.write_frame(next(iter(reader.frames())))
    w.abandon(keep_temporary=False)
    assert os.listdir(tmp_path) == temporary, "abandon(keep_temporary=False) removes its temporary file"


def test_a_full_disk_is_a_clean_error(tmp_path):
    # A file size limit fails writes as a full disk does. libhdf5 once crashed at exit
    # (SIGSEGV) after the failed write; now the error arrives, the process exits normally
    # and nothing is left behind.
    script = r"""
import resource, signal, sys
import podml
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))
reader = podml.open(sys.argv[1])
try:
    with podml.Writer(sys.argv[2], flush_events=1) as w:
        for _ in range(500):
            for frame in reader.frames():
                w.write_frame(frame)
except podml.IoError as e:
    print("IoError:", e)
"""
    out = tmp_path / "full.h5"
    run = subprocess.run([sys.executable, "-c", script, SAMPLE, str(out)], capture_output=True, text=True,
                         env=dict(os.environ), timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("IoError: cannot ") and "file write failed: File too large" in run.stdout, run.stdout
    assert os.listdir(tmp_path) == [], "neither the final name nor the temporary file is left"


def test_session_refuses_data_that_does_not_fit(models, tmp_path):
    card = json.loads(json.dumps(CARD))
    card["inputs"][0]["members"] = [{"path": "x", "dtype": "float64", "unit": "mm"},
                                    {"path": "energy", "dtype": "float64", "unit": "MeV"}]
    mev = str(tmp_path / "mev.onnx")
    podml.attach_card(models / "linear.onnx", card, mev)
    with pytest.raises(podml.ModelError, match=r"does not fit the data \(1 mismatch\):\n  input 'features', member 'energy'"):
        podml.Session(mev, data=SAMPLE)


def test_sessions_run_from_threads(carded):
    session = podml.Session(carded, data=SAMPLE)
    frames = list(podml.open(SAMPLE).frames())
    want = [session.run(f)["score"] for f in frames]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda k: session.run(frames[k % 4])["score"], range(32)))
    for k, g in enumerate(got):
        np.testing.assert_array_equal(g, want[k % 4])


def test_pytorch_training_path(tmp_path):
    """Columns without copying -> torch -> torch.onnx.export -> card -> Session: the T1 path in Python."""
    torch = pytest.importorskip("torch")  # a skip fails the ctest (FAIL_REGULAR_EXPRESSION)
    with podml.open(SAMPLE) as r:
        batch = r.read_columns("Hits", ["x", "energy"])
        features = np.stack([batch["x"], batch["energy"]], axis=1).astype(np.float32)
    torch.manual_seed(7)
    model = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1), torch.nn.Sigmoid())
    model.eval()
    path = str(tmp_path / "mlp.onnx")
    torch.onnx.export(model, torch.zeros(3, 2), path, input_names=["features"], output_names=["score"],
                      dynamic_axes={"features": {0: "N"}, "score": {0: "N"}}, opset_version=17)
    podml.attach_card(path, CARD, path, data=SAMPLE)
    assert podml.check(path, SAMPLE) == []
    with torch.no_grad():
        want = model(torch.from_numpy(features)).numpy()
    (got,) = podml.Session(path).run_tensors([features])
    np.testing.assert_allclose(got, want, atol=1e-5)
    session = podml.Session(path, data=SAMPLE)
    per_frame = np.concatenate([session.run(f)["score"] for f in podml.open(SAMPLE).frames()])
    np.testing.assert_allclose(per_frame, want, atol=1e-5)


# ---- the package -----------------------------------------------------------------------


def test_stubs_match_the_module():
    """Every public name of the package is in the stub and the other way round."""
    stub = os.path.join(os.path.dirname(podml.__file__), "__init__.pyi")
    tree = ast.parse(open(stub).read())
    stubbed = {n.name for n in tree.body if isinstance(n, (ast.ClassDef, ast.FunctionDef))}
    stubbed |= {t.id for n in tree.body if isinstance(n, ast.AnnAssign) for t in [n.target]}
    stubbed = {n for n in stubbed if not n.startswith("_") or n == "__version__"}
    assert stubbed == set(podml.__all__)
    for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
        members = {m.name for m in cls.body if isinstance(m, ast.FunctionDef)}
        for m in members:
            assert hasattr(getattr(podml, cls.name), m), (cls.name, m)
    assert os.path.exists(os.path.join(os.path.dirname(podml.__file__), "py.typed"))
