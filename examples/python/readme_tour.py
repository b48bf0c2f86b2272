#!/usr/bin/python3
"""The Python part of README.md's "A five-minute tour", runnable.

Every line of the README's Python block is in `tour()` below, verbatim
(tests/docs/test_snippets.py checks that); `python_readme_tour` in ctest runs it.

Usage:
  /usr/bin/python3 examples/python/readme_tour.py [DIR]
reads DIR/toy.h5 (made with `podml toy -n 200 -o DIR/toy.h5` if missing; `$PODML`
names the podml program, default `podml` on PATH) and writes raw.onnx, model.onnx
and scored-python.h5 next to it. The network is not trained here: examples/python/train.py
is the whole training route.
"""

import os
import shutil
import subprocess
import sys


def tour():
    import numpy as np, podml, torch

    reader = podml.open("toy.h5")
    batch = reader.read_columns("ReconstructedParticles", ["momentum.x", "momentum.y", "momentum.z", "energy"])
    px = batch["momentum.x"]               # numpy.float32 view of podml's buffer, no copy
    print(len(px), "particles in", len(batch.offsets) - 1, "events")   # batch.offsets: particles per event
    x = torch.from_numpy(np.stack([batch[p] for p in batch.paths], axis=1))

    net = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Linear(16, 1), torch.nn.Sigmoid())
    # ... train it here (examples/python/train.py: labels through the links, standardisation, validation)
    torch.onnx.export(net, x[:1], "raw.onnx", input_names=["features"], output_names=["score"],
                      dynamic_axes={"features": {0: "N"}, "score": {0: "N"}}, opset_version=17)

    edm4hep = reader.data_models()["edm4hep"]
    card = {"podml_card": 1, "datamodel": {"name": "edm4hep", "schema_version": edm4hep.schema_version},
            "inputs": [{"name": "features", "collection_type": "edm4hep::ReconstructedParticle",
                        "collection": "ReconstructedParticles", "members": batch.paths,
                        "dtype": "float32", "shape": ["N", 4]}],
            "outputs": [{"name": "score", "dtype": "float32", "shape": ["N", 1], "input": "features",
                         "target": {"type": "edm4hep::ParticleID", "member": "likelihood",
                                    "relation": "particle", "collection": "Scores"}}]}
    podml.attach_card("raw.onnx", card, "model.onnx", data=reader)   # dtype, unit, hashes from the data
    print(podml.check("model.onnx", "toy.h5"))                       # [] when the model fits the data

    session = podml.Session("model.onnx", data=reader)
    with podml.Writer("scored-python.h5") as writer:
        for frame in reader.frames():
            session.run_and_write_back(frame)   # adds "Scores": one edm4hep::ParticleID per particle
            writer.write_frame(frame)
    return len(px)


def main(argv):
    if len(argv) > 1:
        print(__doc__, file=sys.stderr)
        return 2
    if argv:
        os.makedirs(argv[0], exist_ok=True)
        os.chdir(argv[0])
    if not os.path.exists("toy.h5"):
        podml_exe = os.environ.get("PODML") or shutil.which("podml")
        if not podml_exe:
            print("readme_tour.py: no toy.h5 and no podml program to make one (set PODML)", file=sys.stderr)
            return 1
        subprocess.run([podml_exe, "toy", "-n", "200", "--seed", "1", "-o", "toy.h5"], check=True)
    particles = tour()
    # What the tour promised: one score per particle, written next to the particles.
    import podml
    with podml.open("scored-python.h5") as scored:
        scores = {c.name: c for c in scored.collections()}.get("Scores")
        if scores is None or scores.type != "edm4hep::ParticleID" or scores.objects != particles:
            print(f"readme_tour.py: scored-python.h5 lacks one edm4hep::ParticleID per particle in 'Scores'", file=sys.stderr)
            return 1
    print(f"readme_tour.py: {particles} particles scored into {os.path.abspath('scored-python.h5')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
