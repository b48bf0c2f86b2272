#pragma once
/// \file HepMCImport.h
/// Generator events in: HepMC3 ASCII and HepMC2 (IO_GenEvent) files, read with the
/// HepMC3 library, become EDM4hep `MCParticles` and an `EventHeader` per event
/// (`podml import hepmc`, docs/cli.md).

#include "podml/Definition.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace podml::workflow {

/// What to import.
struct HepMCImportRequest {
  std::vector<std::string> inputs; ///< HepMC files (globs allowed), read in order as one stream of events
  std::string output;              ///< podml file to write
  uint64_t maxEvents{0};           ///< stop after this many events (0: all)
  std::string particles{"MCParticles"}; ///< collection names
  std::string header{"EventHeader"};
};

/// What was imported.
struct HepMCImportSummary {
  uint64_t events{0};
  uint64_t particles{0};
  std::vector<std::string> files; ///< with the format found in each ("hepmc3" or "hepmc2")
};

/// Imports the events into `output` with the EDM4hep definition `edm4hep` (the one the
/// program has compiled in, or read from EDM4hep's YAML). Per particle: PDG, generator
/// status, momentum and mass (GeV), charge (from the PDG code; HepMC stores none),
/// production vertex and time, endpoint (its end vertex), parents and daughters both ways;
/// per event: event number and weights. A file that is not HepMC, an event HepMC cannot
/// parse or a truncated file throws IoError naming the file and the event, after the
/// events converted before it are written to `output` (so they survive). `progress`
/// is called with the events done so far.
HepMCImportSummary importHepMC(const HepMCImportRequest& request, std::shared_ptr<const DataModelDefinition> edm4hep,
                               const std::function<void(uint64_t events)>& progress = {});

} // namespace podml::workflow
