// Uses an installed podml as a downstream user would: a data model it generated, an
// extension of its EDM4hep, and a call into every exported library. With a model and a
// data file (made by the installed `podml`), also runs ONNX Runtime through podml::onnx.
// Usage: downstream_app [SPEC.yaml MODEL.onnx DATA.h5]
#include "detector/BlobCollection.h"
#include "detector/PixelCollection.h"
#include "edm4hep/ReconstructedParticleCollection.h"
#include "myext/JetVertexInfoCollection.h"

#include "podml/Frame.h"
#include "podml/gen/YamlReader.h"
#include "podml/io/Reader.h"
#include "podml/io/Writer.h"
#include "podml/onnx/Session.h"
#include "podml/train/Train.h"
#include "podml/train/TrainingSpec.h"
#include "podml/workflow/Cards.h"
#include "podml/workflow/DataModels.h"

#include <cstdio>
#include <iostream>
#include <string>

namespace {

int failures = 0;

void expect(bool ok, const char* what) {
  std::cout << (ok ? "ok: " : "WRONG: ") << what << "\n";
  failures += ok ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
  // podml::core and the generated model.
  det::PixelCollection pixels;
  det::BlobCollection blobs;
  auto blob = blobs.create();
  for (uint32_t i = 0; i < 4; ++i) {
    auto p = pixels.create();
    p.setChannel(i);
    p.setWhere({1.f * i, 2.f * i});
    blob.addToPixels(p);
    blob.setTotal(blob.getTotal() + p.getCharge());
  }
  podml::Frame frame;
  frame.put(std::move(pixels), "Pixels");
  const auto& stored = frame.put(std::move(blobs), "Blobs");
  const auto xs = frame.get<det::PixelCollection>("Pixels").column<float>("where.x");
  expect(stored[0].getTotal() == 4.f && stored[0].pixels_size() == 4 && xs.size() == 4 && xs[3] == 3.f &&
             stored[0].getPixels(2).getChannel() == 2,
         "a generated data model (podml::core)");

  // podml::edm4hep and an extension model on top of it.
  edm4hep::ReconstructedParticleCollection jets;
  auto jet = jets.create();
  jet.setEnergy(50.f);
  myext::JetVertexInfoCollection vertices;
  auto v = vertices.create();
  v.setJet(jet);
  v.setNTracks(3);
  frame.put(std::move(jets), "Jets");
  frame.put(std::move(vertices), "JetVertices");
  expect(frame.get<myext::JetVertexInfoCollection>("JetVertices")[0].getJet().getEnergy() == 50.f,
         "an extension of the installed EDM4hep (podml::edm4hep)");

  // podml::io: write the frame and read it back.
  {
    podml::io::Writer writer("downstream.h5");
    writer.writeFrame(frame, "events");
    writer.finish();
  }
  podml::io::Reader reader({"downstream.h5"});
  expect(reader.readFrame("events", 0).get<det::BlobCollection>("Blobs")[0].getTotal() == 4.f, "write and read (podml::io)");

  // podml::gen: read and validate a podio YAML model.
  const auto model = podml::gen::readModelFromString(
      "schema_version: 2\ncomponents:\n  d::V:\n    Members:\n      - float x\n", "inline.yaml", "d");
  expect(model.definition.schemaVersion == 2, "a podio YAML model read (podml::gen)");

  // podml::train: the trainer's entry point is linked.
  auto* train = &podml::train::trainAndExport;
  expect(train != nullptr, "the trainer linked (podml::train)");

  // podml::traindata, podml::onnx and podml::workflow: the spec the installed podml trained
  // the model with, and ONNX Runtime from the install.
  if (argc == 4) {
    const auto spec = podml::train::TrainingSpec::fromYamlFile(argv[1]);
    expect(spec.inputCollection == "ReconstructedParticles", "a training spec read (podml::traindata)");
    const auto data = podml::workflow::dataModelsIn(argv[3]);
    const auto report = podml::workflow::checkModel(argv[2], data);
    expect(report.problems.empty(), "the model fits the data, ONNX Runtime loads it (podml::workflow)");
    podml::io::Reader events({argv[3]});
    const podml::onnx::Session session(argv[2], *data.find("edm4hep"));
    const auto result = session.run(events.readFrame("events", 0));
    expect(!result.tensors.empty() && result.tensors[0].shape.at(0) > 0, "one event scored (podml::onnx)");
  }
  return failures == 0 ? 0 : 1;
}
