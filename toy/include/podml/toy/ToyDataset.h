#pragma once
/// \file ToyDataset.h
/// A physics toy dataset in EDM4hep: W/Z events with prompt leptons among
/// hadrons, reconstructed by a parametrised tracker, and the truth link of every
/// reconstructed particle. The binary question "is this reconstructed particle a
/// prompt lepton?" is meaningful and not trivially separable. The events also hold
/// anti-kt jets of the reconstructed particles with their truth flavour (b, c or
/// light) for jet flavour tagging. The physics, the collections and the labels are
/// described in docs/toy-dataset.md.
///
/// Events are reproducible: event `i` of the dataset seeded with `seed` depends
/// on (seed, i) alone, so shards generated separately (or in parallel) hold the
/// same events as one long run.

#include "podml/Frame.h"

#include <cstdint>
#include <functional>
#include <iosfwd>
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
/// Name of the edm4hep::ReconstructedParticle collection of jets: anti-kt (kJetRadius) of
/// the reconstructed particles, highest pT first; `particles` are the constituents in
/// ReconstructedParticles, highest pT first.
inline constexpr const char* kJets = "Jets";
/// Name of the edm4hep::RecoMCParticleLink collection of jet flavours: a link from a jet
/// to the b (or else c) hadron that defines its flavour, weight 1; light jets have none.
inline constexpr const char* kJetMCFlavourLinks = "JetMCFlavourLinks";
/// Name of the edm4hep::EventHeader collection.
inline constexpr const char* kEventHeader = "EventHeader";

/// Anti-kt distance parameter of the jets.
inline constexpr double kJetRadius = 0.4;
/// Jets are kept with pT above this [GeV] ...
inline constexpr double kJetPtMin = 20.0;
/// ... and |eta| below this.
inline constexpr double kJetEtaMax = 2.5;
/// A heavy hadron labels a jet if it is this close to the jet axis in (eta, phi) ...
inline constexpr double kFlavourMatchRadius = 0.3;
/// ... and has pT above this [GeV].
inline constexpr double kFlavourHadronPtMin = 5.0;

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
  uint64_t jets{0};
  uint64_t bJets{0}; ///< jets whose flavour link points at a b hadron
  uint64_t cJets{0}; ///< jets whose flavour link points at a c hadron
};

/// Called after each event with (events done, events in total).
using ToyProgress = std::function<void(uint64_t done, uint64_t total)>;

/// The training label: whether an MC particle with this PDG code is a prompt lepton
/// (e or mu, either charge). The toy generates no non-prompt electrons or muons, so
/// the PDG code of the linked MC particle alone decides.
constexpr bool isPromptLeptonPDG(int32_t pdg) { return pdg == 11 || pdg == -11 || pdg == 13 || pdg == -13; }

/// Hadron flavour of a jet; the values are the quark's PDG code (0 for light).
enum class JetFlavour : int32_t { Light = 0, Charm = 4, Bottom = 5 };

/// The flavour a hadron with this PDG code gives a jet: its heaviest quark, read from the
/// quark digits of |pdg| (nq1 nq2 nq3: the thousands, hundreds and tens digits; 5xx and 5xxx
/// are b hadrons, 4xx and 4xxx c hadrons, so Bc+ = 541 is b). Codes without quark digits
/// (quarks, leptons, gauge bosons) and nuclei are Light: the label comes from hadrons.
constexpr JetFlavour jetFlavour(int32_t pdg) {
  const int64_t code = pdg < 0 ? -static_cast<int64_t>(pdg) : pdg;
  if (code < 100 || code >= 1000000000) {
    return JetFlavour::Light;
  }
  const int64_t quarks = (code / 10) % 1000;
  const int64_t q1 = quarks / 100, q2 = (quarks / 10) % 10, q3 = quarks % 10;
  if (q1 == 5 || q2 == 5 || q3 == 5) {
    return JetFlavour::Bottom;
  }
  if (q1 == 4 || q2 == 4 || q3 == 4) {
    return JetFlavour::Charm;
  }
  return JetFlavour::Light;
}

/// Event `index` of the dataset seeded with `seed`: the collections named above,
/// with their relations set, ready for podml::io::Writer. The same (seed, index)
/// gives the same event, bit for bit, with the same compiler and math library.
Frame makeToyEvent(uint64_t seed, uint64_t index);

/// Writes events [firstEvent, firstEvent + events) to `path` (category "events"),
/// plus a "metadata" frame recording the generator and its seed. Throws UsageError
/// for zero events or an unknown compression, IoError if the file cannot be written.
ToySummary writeToyDataset(const std::string& path, const ToyOptions& options, const ToyProgress& progress = {});

/// Where FastJet prints its banner, once per process at the first jet clustering:
/// std::cerr unless set before that; nullptr silences it (a front end's --quiet).
void setFastJetBannerStream(std::ostream* stream);

} // namespace podml::toy
