// `podml toy -n EVENTS -o toy.h5`: writes the physics toy dataset (docs/toy-dataset.md).
#include "Commands.h"

#include "Progress.h"

#include "podml/toy/ToyDataset.h"

#include <filesystem>
#include <iomanip>
#include <iostream>
#include <limits>
#include <memory>
#include <sstream>

namespace podml::cli {

Runner addToyCommand(CLI::App& app, const GlobalOptions& g) {
  struct Options {
    uint64_t events{0};
    std::string output;
    uint64_t seed{1};
    uint64_t firstEvent{0};
    std::string compression{"none"};
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "toy", "Write the physics toy dataset: W/Z events in EDM4hep, prompt leptons among hadrons, truth links");
  cmd->footer("Collections: MCParticles, ReconstructedParticles, Tracks, RecoMCParticleLinks, EventHeader.\n"
              "Label: the linked MCParticle's PDG is +-11 or +-13 (a prompt lepton). See docs/toy-dataset.md.\n"
              "Event i depends only on (seed, i): shards with --first-event hold the same events as one run.\n"
              "Prints a summary (events, particles, prompt-lepton share); -v adds the settings and the file size.\n"
              "Examples:\n"
              "  podml toy -n 10000 -o toy.h5\n"
              "  podml toy -n 5000 -o part1.h5 --seed 7 --first-event 5000\n"
              "  podml toy -n 100000 -o big.h5 --compression deflate:4");
  const CLI::Validator unsignedNumber = nonNegativeInteger();
  const CLI::Validator notZero(
      [](const std::string& text) {
        return text.find_first_not_of('0') == std::string::npos ? "Value " + text + " is not positive" : std::string();
      },
      "");
  cmd->add_option("-n,--events", opts->events, "number of events (> 0)")
      ->required()
      ->check(unsignedNumber)
      ->check(notZero);
  cmd->add_option("-o,--output", opts->output, "output podml file")->required();
  cmd->add_option("--seed", opts->seed, "dataset seed (default 1)")->check(unsignedNumber);
  cmd->add_option("--first-event", opts->firstEvent, "index of the first event, for shards (default 0)")
      ->check(unsignedNumber);
  cmd->add_option("--compression", opts->compression, "column compression: none (default), deflate[:1-9] or lz4");
  return [opts, cmd, &g]() -> int {
    if (!cmd->parsed()) {
      return -1;
    }
    if (opts->firstEvent > std::numeric_limits<uint64_t>::max() - opts->events) {
      throw CliError(kExitBadUsage, "--first-event plus -n overflows the event index",
                     "use a smaller --first-event or fewer events");
    }
    toy::ToyOptions options;
    options.events = opts->events;
    options.seed = opts->seed;
    options.firstEvent = opts->firstEvent;
    options.compression = opts->compression;
    if (g.verbose) {
      std::cout << "writing " << opts->events << " toy events (seed " << opts->seed << ", events " << opts->firstEvent
                << ".." << opts->firstEvent + opts->events << ", compression " << opts->compression << ") to "
                << opts->output << "\n";
    }
    // FastJet's banner (it asks to be cited) belongs to the verbose header: stdout and
    // stderr stay free for the summary and the progress bar otherwise.
    toy::setFastJetBannerStream(g.verbose ? &std::cout : nullptr);
    Progress progress(opts->events, "events", g.quiet);
    const auto summary = toy::writeToyDataset(opts->output, options,
                                              [&progress](uint64_t done, uint64_t) { progress.update(done); });
    progress.done();
    if (g.verbose) {
      std::error_code ec;
      const auto bytes = std::filesystem::file_size(opts->output, ec);
      if (!ec) {
        std::cout << "file size: " << bytes << " bytes (" << std::fixed << std::setprecision(1)
                  << static_cast<double>(bytes) / static_cast<double>(summary.events) << " bytes per event)\n"
                  << std::defaultfloat;
      }
    }
    if (!g.quiet) {
      const double share = summary.reconstructedParticles > 0
                               ? 100.0 * static_cast<double>(summary.promptLeptons) /
                                     static_cast<double>(summary.reconstructedParticles)
                               : 0.0;
      std::ostringstream pct;
      pct << std::fixed << std::setprecision(1) << share;
      std::cout << "podml: wrote " << summary.events << " toy events (seed " << opts->seed << ", first event "
                << opts->firstEvent << ") to " << opts->output << ": " << summary.mcParticles << " MC particles, "
                << summary.reconstructedParticles << " reconstructed particles, " << summary.promptLeptons
                << " of them prompt leptons (" << pct.str() << "%); " << summary.jets << " jets (" << summary.bJets
                << " b, " << summary.cJets << " c)\n";
    }
    return 0;
  };
}

} // namespace podml::cli
