"""Structured models (card version 2) exported by Debian's PyTorch, given a card with
`podml card attach`, checked with `podml check` and run by `podml infer` on EDM4hep jets:
podml's gather (padded [N, F, P] / [N, P, F] with a mask, ragged with segment ids and
offsets, a jet-level input next to constituents, fixed P with truncation) and its
write-back (one ParticleID collection per class, all classes in `parameters`, a score
per constituent) must reproduce PyTorch run on tensors this test builds itself from the
arrays it wrote, within 1e-5. The events have jets of 0, 1 and many constituents (more
than the fixed P), an event without jets and one whose jets have no constituents.
"""

import json
import os
import subprocess

import h5py
import jsonschema
import numpy as np
import pytest
import torch

import podml
import structured_models

PODML = os.environ["PODML"]
SCHEMA = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "model-card.schema.json")
EDM4HEP = os.environ["PODML_EDM4HEP_YAML"]
FEATURES = ["energy", "momentum.x", "momentum.y", "momentum.z"]
VECTORS = ["momentum.x", "momentum.y", "momentum.z", "energy"]
CLASSES = "classes: [{name: b, code: 5}, {name: c, code: 4}, {name: light, code: 0}]"


def run(*args, ok=True):
    result = subprocess.run([PODML, *args], capture_output=True, text=True)
    if ok:
        assert result.returncode == 0, result.stderr
    return result


# Constituents per jet, per event: 0, 1 and many (above the fixed P = 8 of jetlevel);
# event 2 has no jets, event 3 only jets without constituents.
JETS = [[3, 0, 1, 12], [5, 9], [], [0, 0], [1, 2, 3, 4, 5, 6, 7, 8, 10], [2]]


@pytest.fixture(scope="module")
def events(tmp_path_factory):
    rng = np.random.default_rng(5)
    counts = [sum(j) + (2 if e == 3 else 0) for e, j in enumerate(JETS)]  # event 3: particles, no constituents
    n = sum(counts)
    particles = {name: rng.normal(0, 10, n).astype(np.float32) for name in FEATURES}
    particles["energy"] = np.abs(particles["energy"]) + 1
    particles["energy"][3] = particles["energy"][4]  # a tie: the stored order decides
    jet_counts = [len(j) for j in JETS]
    njets = sum(jet_counts)
    jets = {name: rng.normal(0, 30, njets).astype(np.float32) for name in FEATURES}
    index, per_jet = [], []
    for e, js in enumerate(JETS):
        first = 0
        for c in js:
            index += list(range(first, first + c))
            per_jet.append(c)
            first += c
    path = str(tmp_path_factory.mktemp("jets") / "jets.h5")
    dm = podml.data_model(EDM4HEP, "edm4hep")
    with podml.Writer(path) as w:
        w.write_events(dm, {
            "Particles": {"type": "edm4hep::ReconstructedParticle", "counts": counts, "members": particles},
            "Jets": {"type": "edm4hep::ReconstructedParticle", "counts": jet_counts, "members": jets,
                     "relations": {"particles": {"collection": "Particles", "index": np.array(index, dtype=np.int64),
                                                 "counts": per_jet}}},
        })
    # Per event, per jet: the constituents' rows in the event's particle block.
    starts = np.concatenate([[0], np.cumsum(counts)])
    lists, k = [], 0
    for e, js in enumerate(JETS):
        ev = []
        for c in js:
            ev.append([starts[e] + i for i in index[k:k + c]])
            k += c
        lists.append(ev)
    return {"path": path, "particles": particles, "jets": jets, "lists": lists, "dir": os.path.dirname(path)}


def ordered(ev, particles, sort=True, limit=None):
    """The constituents of each jet of one event, as podml orders them: by energy,
    descending, ties in stored order (a stable sort), then truncated."""
    out = []
    for rows in ev:
        rows = np.array(rows, dtype=np.int64)
        if sort and len(rows):
            rows = rows[np.argsort(-particles["energy"][rows], kind="stable")]
        out.append(rows[:limit] if limit else rows)
    return out


def padded(ev, particles, members, p=None, sort=True, limit=None):
    """[N, P, F] and the mask [N, P] of one event."""
    kept = ordered(ev, particles, sort, limit)
    p = p or max([len(r) for r in kept] + [1])
    x = np.zeros((len(kept), p, len(members)), np.float32)
    mask = np.zeros((len(kept), p), bool)
    for j, rows in enumerate(kept):
        for f, m in enumerate(members):
            x[j, :len(rows), f] = particles[m][rows]
        mask[j, :len(rows)] = True
    return x, mask, kept


def attach(tmp, name, card_yaml, data):
    model = os.path.join(tmp, name + ".onnx")
    net = structured_models.export(name, model)
    card = os.path.join(tmp, name + "-card.yaml")
    with open(card, "w") as f:
        f.write(card_yaml)
    carded = os.path.join(tmp, name + "-carded.onnx")
    run("card", "attach", model, card, "-o", carded, "--data", data)
    check = run("check", carded, data)
    assert "fits" in check.stdout, check.stdout + check.stderr
    # What podml wrote is what docs/model-card.schema.json describes.
    with open(SCHEMA) as f:
        jsonschema.validate(json.loads(run("inspect", carded, "--json").stdout)["card"], json.load(f))
    return net, carded


def per_event(f, coll, member):
    g = f["events"][coll]
    return np.split(g[member][:], g["offsets"][1:-1])


def scored_rows(f, coll, relation="particle"):
    g = f["events"][coll]
    return np.split(g[relation + ".index"][:], g["offsets"][1:-1])


DEEPSETS_CARD = f"""podml_card: 2
datamodel: {{name: edm4hep, schema_version: 0}}
inputs:
  - name: constituents
    collection_type: edm4hep::ReconstructedParticle
    collection: Jets
    constituents: {{relation: particles, layout: NPF, sort_by: energy}}
    members: [energy, momentum.x, momentum.y, momentum.z]
  - {{name: mask, kind: mask, of: constituents, dtype: bool}}
outputs:
  - name: probs
    input: constituents
    {CLASSES}
    target: {{type: edm4hep::ParticleID, member: likelihood, relation: particle, collection: JetTag, class_member: PDG}}
"""


def test_deepsets_one_collection_per_class(events, tmp_path):
    net, model = attach(str(tmp_path), "deepsets", DEEPSETS_CARD, events["path"])
    out = str(tmp_path / "scored.h5")
    summary = run("infer", model, events["path"], "-o", out).stdout
    with h5py.File(out, "r") as f:
        for c, (name, code) in enumerate([("b", 5), ("c", 4), ("light", 0)]):
            values = per_event(f, "JetTag_" + name, "likelihood")
            pdg = per_event(f, "JetTag_" + name, "PDG")
            rows = scored_rows(f, "JetTag_" + name)
            for e, ev in enumerate(events["lists"]):
                assert len(values[e]) == len(ev)
                assert (rows[e] == np.arange(len(ev))).all()
                assert (pdg[e] == code).all()
                if not ev:
                    continue
                x, mask, _ = padded(ev, events["particles"], FEATURES)
                with torch.no_grad():
                    expected = net(torch.from_numpy(x), torch.from_numpy(mask)).numpy()[:, c]
                assert np.max(np.abs(values[e] - expected)) <= 1e-5
    assert "JetTag_b" in summary and "JetTag_light" in summary
    # The summary counts the scored jets per class collection, not the constituents read.
    jets = sum(len(ev) for ev in events["lists"])
    constituents = sum(len(c) for ev in events["lists"] for c in ev)
    assert constituents != jets
    for name in ("b", "c", "light"):
        assert f" {jets} edm4hep::ParticleID in 'JetTag_{name}'" in summary, summary


# The example card the docs show (docs/model-card.md), as a user would attach it.
with open(os.path.join(os.path.dirname(__file__), "..", "..", "examples", "weaver-tagger-card.yaml")) as _f:
    WEAVER_CARD = _f.read()


@pytest.mark.parametrize("batching", [[], ["--events-per-run", "3", "--length-buckets"], ["--events-per-run", "64"]],
                         ids=["per-event", "3-events-length-buckets", "64-events"])
def test_weaver_contract_classes_in_parameters(events, tmp_path, batching):
    net, model = attach(str(tmp_path), "weaver", WEAVER_CARD, events["path"])
    out = str(tmp_path / "scored.h5")
    run("infer", model, events["path"], "-o", out, "-q", *batching)
    with h5py.File(out, "r") as f:
        g = f["events"]["JetFlavour"]
        offsets, voff = g["offsets"][:], g["parameters_offsets"][:]
        for e, ev in enumerate(events["lists"]):
            rows = slice(offsets[e], offsets[e + 1])
            assert offsets[e + 1] - offsets[e] == len(ev)
            if not ev:
                continue
            values = np.stack([g["parameters"][voff[e] + b:voff[e] + n] for b, n in
                               zip(g["parameters_begin"][rows], g["parameters_end"][rows])])
            x, mask, _ = padded(ev, events["particles"], FEATURES)
            v, _, _ = padded(ev, events["particles"], VECTORS)
            with torch.no_grad():
                expected = net(torch.from_numpy(x.transpose(0, 2, 1).copy()), torch.from_numpy(v.transpose(0, 2, 1).copy()),
                               torch.from_numpy(mask[:, None, :].astype(np.float32))).numpy()
            assert np.max(np.abs(values - expected)) <= 1e-5
            codes = np.array([5, 4, 0])[np.argmax(expected, axis=1)]
            assert (g["PDG"][rows] == codes).all()
    info = json.loads(run("inspect", model, "--json").stdout)
    assert info["card"]["podml_card"] == 2
    # The generic reader (no compiled EDM4hep) sees the same values, and the class names.
    reader = podml.open(out)
    with h5py.File(out, "r") as f:
        np.testing.assert_array_equal(reader.read_columns("JetFlavour", ["parameters"])["parameters"],
                                      f["events"]["JetFlavour"]["parameters"][:])
    meta = reader.read_frame(0, category="metadata")
    assert meta.parameters["string"]["JetFlavour__ParameterNames"] == ["b", "c", "light"]


RAGGED_CARD = """podml_card: 2
datamodel: {name: edm4hep, schema_version: 0}
inputs:
  - name: points
    collection_type: edm4hep::ReconstructedParticle
    collection: Jets
    constituents: {relation: particles, layout: ragged}
    members: [energy, momentum.x, momentum.y, momentum.z]
  - {name: segment, kind: segment_ids, of: points}
  - {name: offsets, kind: offsets, of: points}
outputs:
  - name: score
    input: points
    target: {type: edm4hep::ParticleID, member: likelihood, relation: particle, collection: JetScore}
"""


def test_ragged_segment_ids_and_offsets(events, tmp_path):
    net, model = attach(str(tmp_path), "ragged", RAGGED_CARD, events["path"])
    out = str(tmp_path / "scored.h5")
    run("infer", model, events["path"], "-o", out, "-q")
    with h5py.File(out, "r") as f:
        values = per_event(f, "JetScore", "likelihood")
    for e, ev in enumerate(events["lists"]):
        assert len(values[e]) == len(ev)
        if not ev:
            continue
        kept = ordered(ev, events["particles"], sort=False)
        points = np.concatenate([np.stack([events["particles"][m][r] for m in FEATURES], 1) for r in kept]
                                + [np.zeros((0, 4), np.float32)]).astype(np.float32)
        segment = np.concatenate([np.full(len(r), j) for j, r in enumerate(kept)] + [np.zeros(0)]).astype(np.int64)
        offsets = np.concatenate([[0], np.cumsum([len(r) for r in kept])]).astype(np.int64)
        with torch.no_grad():
            expected = net(torch.from_numpy(points), torch.from_numpy(segment), torch.from_numpy(offsets)).numpy()[:, 0]
        assert np.max(np.abs(values[e] - expected)) <= 1e-5


JETLEVEL_CARD = """podml_card: 2
datamodel: {name: edm4hep, schema_version: 0}
inputs:
  - name: jet
    collection_type: edm4hep::ReconstructedParticle
    collection: Jets
    members: [energy, momentum.x, momentum.y, momentum.z]
  - name: constituents
    collection_type: edm4hep::ReconstructedParticle
    collection: Jets
    constituents: {relation: particles, layout: NFP, max: 8, sort_by: energy, pad_value: 0}
    members: [energy, momentum.x, momentum.y, momentum.z]
  - {name: mask, kind: mask, of: constituents}
outputs:
  - name: score
    input: jet
    target: {type: edm4hep::ParticleID, member: likelihood, relation: particle, collection: JetScore}
"""


def test_jet_level_input_and_fixed_p_truncation(events, tmp_path):
    net, model = attach(str(tmp_path), "jetlevel", JETLEVEL_CARD, events["path"])
    out = str(tmp_path / "scored.h5")
    run("infer", model, events["path"], "-o", out, "-q")
    jets = events["jets"]
    with h5py.File(out, "r") as f:
        values = per_event(f, "JetScore", "likelihood")
    first = 0
    for e, ev in enumerate(events["lists"]):
        n = len(ev)
        assert len(values[e]) == n
        if n:
            x, mask, _ = padded(ev, events["particles"], FEATURES, p=8, limit=8)
            jet = np.stack([jets[m][first:first + n] for m in FEATURES], 1)
            with torch.no_grad():
                expected = net(torch.from_numpy(jet), torch.from_numpy(x.transpose(0, 2, 1).copy()),
                               torch.from_numpy(mask[:, None, :].astype(np.float32))).numpy()[:, 0]
            assert np.max(np.abs(values[e] - expected)) <= 1e-5
        first += n


PERCONSTITUENT_CARD = """podml_card: 2
datamodel: {name: edm4hep, schema_version: 0}
inputs:
  - name: constituents
    collection_type: edm4hep::ReconstructedParticle
    collection: Jets
    constituents: {relation: particles, layout: NPF}
    members: [energy, momentum.x, momentum.y, momentum.z]
outputs:
  - name: score
    input: constituents
    rows: constituents
    target: {type: edm4hep::ParticleID, member: likelihood, relation: particle, collection: ConstituentScores}
"""


def test_per_constituent_output_points_at_each_constituent(events, tmp_path):
    net, model = attach(str(tmp_path), "perconstituent", PERCONSTITUENT_CARD, events["path"])
    out = str(tmp_path / "scored.h5")
    run("infer", model, events["path"], "-o", out, "-q")
    with h5py.File(out, "r") as f:
        values = per_event(f, "ConstituentScores", "likelihood")
        rows = scored_rows(f, "ConstituentScores")
        pstart = f["events"]["Particles"]["offsets"][:]
        pid = f["events"]["Particles"].attrs["collection_id"]
        assert (f["events"]["ConstituentScores"]["particle.collectionID"][:] == pid).all()
    for e, ev in enumerate(events["lists"]):
        kept = ordered(ev, events["particles"], sort=False)
        flat = np.concatenate([r for r in kept] + [np.zeros(0, np.int64)])
        assert (rows[e] == flat - pstart[e]).all()
        if not ev:
            assert len(values[e]) == 0
            continue
        x, mask, _ = padded(ev, events["particles"], FEATURES, sort=False)
        with torch.no_grad():
            expected = net(torch.from_numpy(x)).numpy()[mask]
        assert values[e].shape == expected.shape
        assert np.all(np.abs(values[e] - expected) <= 1e-5)


def test_python_session_runs_the_weaver_card_unchanged(events, tmp_path):
    """podml.Session (the same Session as podml infer) on the example card, from Python."""
    net, model = attach(str(tmp_path), "weaver", WEAVER_CARD, events["path"])
    reader = podml.open(events["path"])
    session = podml.Session(model, data=reader)
    assert session.card["podml_card"] == 2
    for e, ev in enumerate(events["lists"]):
        got = session.run(reader.read_frame(e))["softmax"]
        assert got.shape == (len(ev), 3)
        if not ev:
            continue
        x, mask, _ = padded(ev, events["particles"], FEATURES)
        v, _, _ = padded(ev, events["particles"], VECTORS)
        with torch.no_grad():
            expected = net(torch.from_numpy(x.transpose(0, 2, 1).copy()), torch.from_numpy(v.transpose(0, 2, 1).copy()),
                           torch.from_numpy(mask[:, None, :].astype(np.float32))).numpy()
        assert np.max(np.abs(got - expected)) <= 1e-5
        assert session.run_and_write_back(reader.read_frame(e)) == ["JetFlavour"]


def test_only_scores_keeps_the_constituents_and_mask_inputs_cannot_be_renamed(events, tmp_path):
    _, model = attach(str(tmp_path), "weaver", WEAVER_CARD, events["path"])
    out = str(tmp_path / "scores.h5")
    run("infer", model, events["path"], "-o", out, "-q", "--only-scores")
    with h5py.File(out, "r") as f:
        groups = sorted(k for k in f["events"] if isinstance(f["events"][k], h5py.Group))
        assert groups == ["JetFlavour", "Jets", "Particles"]
        # the jets' constituents still resolve: their relation points into the kept Particles
        assert (f["events"]["Jets"]["particles.index"][:] >= 0).all()
    refused = run("infer", model, events["path"], "-o", str(tmp_path / "x.h5"), "--collection", "pf_mask=Jets", ok=False)
    assert refused.returncode == 2
    assert "it is the mask of input 'pf_features'" in refused.stderr
    assert not os.path.exists(tmp_path / "x.h5")
    moved = run("infer", model, events["path"], "-o", str(tmp_path / "y.h5"), "-v", "--collection", "Particles", ok=False)
    # Every input on Jets moves (particles are ReconstructedParticles too, without constituents).
    assert moved.returncode == 0, moved.stderr
    assert "input 'pf_vectors' <- collection 'Particles'" in moved.stdout


def test_weaver_card_on_toy_jets(tmp_path):
    """The example card on `podml toy`'s jets (anti-kt R = 0.4 from the reconstructed
    particles, docs/toy-dataset.md): the scores match PyTorch on tensors built here from
    the file with h5py, jet by jet."""
    toy = str(tmp_path / "toy.h5")
    run("toy", "-q", "-n", "40", "-o", toy)
    net, model = attach(str(tmp_path), "weaver", WEAVER_CARD, toy)
    out = str(tmp_path / "tagged.h5")
    run("infer", model, toy, "-o", out, "-q")
    with h5py.File(toy, "r") as f:
        jets, parts = f["events"]["Jets"], f["events"]["ReconstructedParticles"]
        joff, poff, roff = jets["offsets"][:], parts["offsets"][:], jets["particles_offsets"][:]
        begin, end, index = jets["particles_begin"][:], jets["particles_end"][:], jets["particles.index"][:]
        columns = {m: parts[m][:] for m in FEATURES}
    with h5py.File(out, "r") as f:
        g = f["events"]["JetFlavour"]
        voff, vb, ve, values = g["parameters_offsets"][:], g["parameters_begin"][:], g["parameters_end"][:], g["parameters"][:]
        assert (g["offsets"][:] == joff).all()
    scored = 0
    for e in range(len(joff) - 1):
        ev = []
        for j in range(joff[e], joff[e + 1]):
            ev.append([poff[e] + i for i in index[roff[e] + begin[j]:roff[e] + end[j]]])
        if not ev:
            continue
        x, mask, _ = padded(ev, columns, FEATURES)
        v, _, _ = padded(ev, columns, VECTORS)
        with torch.no_grad():
            expected = net(torch.from_numpy(x.transpose(0, 2, 1).copy()), torch.from_numpy(v.transpose(0, 2, 1).copy()),
                           torch.from_numpy(mask[:, None, :].astype(np.float32))).numpy()
        got = np.stack([values[voff[e] + vb[j]:voff[e] + ve[j]] for j in range(joff[e], joff[e + 1])])
        assert np.max(np.abs(got - expected)) <= 1e-5
        scored += len(ev)
    assert scored > 40  # several jets per event
