#!/usr/bin/env bash
# README.md's command-line tour, line for line (tests/docs/test_snippets.py checks that the
# README's sh blocks are excerpts of this file). Run it from the source root, as the README
# says; ctest (`readme_tour_cli`) runs it in an empty directory holding a link `examples` to
# the source tree's examples, with the build's podml first on PATH, and then checks what it made.
set -euo pipefail

podml generate examples/my_model.yaml build/my_model --name mymodel

podml toy -n 5000 -o toy.h5                               # physics toy: prompt leptons among hadrons (docs/toy-dataset.md)
podml inspect toy.h5                                      # categories, collections, columns, units
podml train examples/toy-train.yaml toy.h5 -o lepton-id.onnx   # libtorch; ONNX with its model card (docs/training.md)
podml check lepton-id.onnx toy.h5                         # card against the data: one line per mismatch, exit 1
podml infer lepton-id.onnx toy.h5 -o scored.h5            # the events plus one edm4hep::ParticleID per particle
podml card attach lepton-id.onnx examples/lepton-id-card.yaml -o carded.onnx --data toy.h5   # a card for a model trained elsewhere
podml train examples/toy-jets-train.yaml toy.h5 -o jet-tagger.onnx   # DeepSets on each jet's constituents: b, c, light (make demo)
podml infer jet-tagger.onnx toy.h5 -o tagged.h5           # JetTags_b, JetTags_c, JetTags_light: one ParticleID per jet
podml import hepmc examples/z-to-mumu.hepmc3 -o gen.h5    # generator events (HepMC3, HepMC2) as EDM4hep MCParticles
