#pragma once
/// \file ToyDataset.h
/// A physics toy dataset in EDM4hep: W/Z events with prompt leptons among
/// hadrons, reconstructed by a parametrised tracker, and the truth link of every
/// reconstructed particle. The binary question "is this reconstructed particle a
/// prompt lepton?" is meaningful and not trivially separable. The physics, the
/// collections and the label are described in docs/toy-dataset.md.
///
/// Events are reproducible: event `i` of the dataset seeded with `seed` depends
/// on (seed, i) alone, so shards generated separately (or in parallel) hold the
/// same events as one long run.

#include "podml/Frame.h"

#include <cstdint>
#include <functional>
#include <string>

namespace podml::toy {

/// Name of the edm4hep::MCParticle collection (the truth record).
inline constexpr const char* kMCParticles = "MCParticles";
/// Name of the edm4hep::ReconstructedParticle collection (charged particles seen by the tracker).
inline constexpr const char* kReconstructedParticles = "ReconstructedParticles";
/// Name of the edm4hep::Track collection: element i is the track of reconstructed particle i.
inline constexpr const char* kTracks = "Tracks";
/// Name of the edm4hep::RecoMCParticleLink collection: element i links reconstructed
/// particle i to the MC particle that made it (weight 1).
inline constexpr const char* kRecoMCParticleLinks = "RecoMCParticleLinks";
/// Name of the edm4hep::EventHeader collection.
inline constexpr const char* kEventHeader = "EventHeader";

/// What to generate.
struct ToyOptions {
  uint64_t events{1000}; ///< number of events
  uint64_t seed{1};      ///< dataset seed
  uint64_t firstEvent{0}; ///< index of the first event (shards: firstEvent = k * events)
  std::string compression{"none"}; ///< column compression: none, deflate[:1-9] or lz4 (see podml::io::WriterOptions)
};

/// Counts of what writeToyDataset() wrote.
struct ToySummary {
  uint64_t events{0};
  uint64_t mcParticles{0};
  uint64_t reconstructedParticles{0};
  uint64_t promptLeptons{0}; ///< reconstructed particles whose linked MC particle is a prompt lepton
};

/// Called after each event with (events done, events in total).
using ToyProgress = std::function<void(uint64_t done, uint64_t total)>;

/// The training label: whether an MC particle with this PDG code is a prompt lepton
/// (e or mu, either charge). The toy generates no non-prompt electrons or muons, so
/// the PDG code of the linked MC particle alone decides.
constexpr bool isPromptLeptonPDG(int32_t pdg) { return pdg == 11 || pdg == -11 || pdg == 13 || pdg == -13; }

/// Event `index` of the dataset seeded with `seed`: the collections named above,
/// with their relations set, ready for podml::io::Writer. The same (seed, index)
/// gives the same event, bit for bit, with the same compiler and math library.
Frame makeToyEvent(uint64_t seed, uint64_t index);

/// Writes events [firstEvent, firstEvent + events) to `path` (category "events"),
/// plus a "metadata" frame recording the generator and its seed. Throws UsageError
/// for zero events or an unknown compression, IoError if the file cannot be written.
ToySummary writeToyDataset(const std::string& path, const ToyOptions& options, const ToyProgress& progress = {});

} // namespace podml::toy
