#!/usr/bin/python3
"""docs/python.md's "A short example", runnable.

`tour()` below is the block of docs/python.md verbatim (tests/docs/test_snippets.py
checks that); ctest's `python_module_tour` runs it on the test suite's sample file.

Usage:
  /usr/bin/python3 examples/python/module_tour.py DIR
DIR must hold events.h5, a file of the test data model (tests/datamodel/testdm.yaml;
`podml-write-sample` in the build tree writes one), and model.onnx, a model without a
card that maps features[N, 2] to score[N, 1] (`podml-write-test-models` writes one as
linear.onnx). Writes model-card.onnx and scored.h5 into DIR.
"""

import os
import sys


def tour():
    import numpy as np
    import podml

    # Columns for training: one read per column and file, no copy into Python.
    with podml.open("events*.h5") as reader:            # a path, a glob, or a list of them
        print(reader.entries(), [c.name for c in reader.collections()])
        first, last = podml.shard(reader.entries(), 0, 4)  # this worker's quarter
        batch = reader.read_columns("Hits", ["x", "energy"], first=first, last=last)
    x = batch["x"]                  # float64 (rows,), read-only view; valid after the reader closed
    offsets = batch.offsets         # uint64 (entries + 1,): entry i owns rows offsets[i]:offsets[i + 1]
    features = np.stack([batch["x"], batch["energy"]], axis=1).astype(np.float32)  # your copy, your dtype

    # Events as frames, collections by name.
    reader = podml.open("events.h5")
    frame = reader.read_frame(0)
    hits = frame["Hits"]                                 # podml.Collection
    print(hits.type, len(hits), hits.columns())
    energy = hits.column("energy")                       # view of the frame's memory
    clusters_hits = frame["Clusters"].relation_ids("Hits")  # structured: index, collectionID

    # Model cards: attach (completed from the data), inspect, check.
    card = {"podml_card": 1, "datamodel": {"name": "testdm", "schema_version": 3},
            "inputs": [{"name": "features", "collection_type": "ExampleHit", "collection": "Hits",
                        "members": ["x", "energy"], "dtype": "float32", "shape": ["N", 2]}],
            "outputs": [{"name": "score", "dtype": "float32", "shape": ["N", 1], "input": "features",
                         "target": {"type": "ex::Score", "member": "value", "relation": "hit",
                                    "collection": "HitScores"}}]}
    podml.attach_card("model.onnx", card, "model-card.onnx", data="events.h5")
    print(podml.read_card("model-card.onnx")["inputs"][0]["members"])
    assert podml.check("model-card.onnx", "events.h5") == []   # one line per mismatch otherwise

    # Inference: on raw arrays, or on frames with the results written back.
    session = podml.Session("model-card.onnx", data=reader)
    (scores,) = session.run_tensors([features])
    with podml.Writer("scored.h5") as writer:
        for frame in reader.frames():
            session.run_and_write_back(frame)           # adds the collection HitScores
            writer.write_frame(frame)


def main(argv):
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    os.chdir(argv[0])
    for needed in ("events.h5", "model.onnx"):
        if not os.path.exists(needed):
            print(f"module_tour.py: {os.path.abspath(needed)} is missing", file=sys.stderr)
            return 1
    tour()
    # What the example promised: every hit scored, the scores pointing at their hits.
    import podml
    with podml.open("scored.h5") as scored, podml.open("events.h5") as events:
        hits = sum(c.objects for c in events.collections() if c.name == "Hits")
        scores = [c for c in scored.collections() if c.name == "HitScores"]
        if not scores or scores[0].type != "ex::Score" or scores[0].objects != hits:
            print("module_tour.py: scored.h5 lacks one ex::Score per hit in 'HitScores'", file=sys.stderr)
            return 1
    print(f"module_tour.py: {hits} hits scored into {os.path.abspath('scored.h5')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
