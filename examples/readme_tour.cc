// The C++ part of README.md's "A five-minute tour", as a complete program: every
// line of the README's C++ blocks is here verbatim (tests/docs/test_snippets.py
// checks that), and ctest runs it (`readme_tour`) in a scratch directory.
//
//   podml-readme-tour [DIR]   writes DIR/events.h5 (default: the current directory)
#include "edm4hep/ReconstructedParticleCollection.h"
#include "podml/Frame.h"
#include "podml/io/Writer.h"
#include "podml/io/Reader.h"

#include <cmath>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <iostream>
#include <span>
#include <stdexcept>
#include <string>

namespace {

void require(bool ok, const std::string& what) {
  if (!ok) {
    throw std::runtime_error("readme tour: " + what);
  }
}

/// First block of the tour: a collection, its columns, a frame, a file.
void writeEvents() {
  edm4hep::ReconstructedParticleCollection recos;
  auto p = recos.create();
  p.setEnergy(12.5f);
  p.setMomentum({1.f, 2.f, 3.f});

  // The same data, as columns, without copying:
  std::span<const float> energy = recos.column<float>("energy");
  std::span<const float> px = recos.column<float>("momentum.x");

  require(energy.size() == 1 && energy[0] == 12.5f, "energy column");
  require(px.size() == 1 && px[0] == 1.f, "momentum.x column");
  // The span is the collection's own storage: a setter shows through it.
  p.setEnergy(13.5f);
  require(energy[0] == 13.5f, "the energy span is a view of the collection");
  p.setEnergy(12.5f);

  podml::Frame event;
  event.put(std::move(recos), "ReconstructedParticles");
  podml::io::Writer writer("events.h5");
  writer.writeFrame(event, "events");
  writer.finish();
}

/// Second block: read it back, typed, and one column over all events.
void readEvents() {
  auto reader = podml::io::makeReader("events*.h5");
  auto frame = reader->readFrame("events", 0);
  const auto& recos = frame.get<edm4hep::ReconstructedParticleCollection>("ReconstructedParticles");
  auto batch = reader->readColumns("events", "ReconstructedParticles", {"energy", "momentum.x"});

  require(recos.size() == 1, "one particle read back");
  require(recos[0].getEnergy() == 12.5f, "energy read back");
  const auto momentum = recos[0].getMomentum();
  require(momentum.x == 1.f && momentum.y == 2.f && momentum.z == 3.f, "momentum read back");
  require(batch.paths.size() == 2 && batch.columns.size() == 2, "two columns in the batch");
  require(batch.offsets.size() == 2 && batch.offsets[1] == 1, "one event with one object");
  require(batch.columns[0].span<float>()[0] == 12.5f && batch.columns[1].span<float>()[0] == 1.f,
          "column values in the batch");

  std::cout << "readme tour: " << reader->getEntries("events") << " event, " << recos.size()
            << " particle with E = " << recos[0].getEnergy() << " GeV and p = (" << momentum.x << ", " << momentum.y
            << ", " << momentum.z << ") GeV, read back from " << std::filesystem::absolute("events.h5").string()
            << "\n";
}

} // namespace

int main(int argc, char** argv) {
  try {
    if (argc > 2) {
      std::cerr << "usage: podml-readme-tour [DIR]\n";
      return 2;
    }
    if (argc == 2) {
      std::filesystem::create_directories(argv[1]);
      std::filesystem::current_path(argv[1]);
    }
    std::filesystem::remove("events.h5");
    writeEvents();
    readEvents();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "podml-readme-tour: error: " << e.what() << "\n";
    return 1;
  }
}
