// `podml import hepmc IN.hepmc3... -o OUT.h5`: generator events (HepMC3 ASCII or HepMC2) in
// as EDM4hep MCParticles and an EventHeader per event (podml::workflow::importHepMC).
#include "Commands.h"

#include "Progress.h"

#include "podml/DataModelRegistry.h"
#include "podml/Exceptions.h"
#include "podml/workflow/DataModels.h"
#include "podml/workflow/HepMCImport.h"

#include <iostream>
#include <memory>

namespace podml::cli {

Runner addImportCommand(CLI::App& app, const GlobalOptions& g) {
  struct Options {
    std::vector<std::string> inputs;
    std::string output, edm4hepYaml;
    uint64_t maxEvents{0};
  };
  auto opts = std::make_shared<Options>();
  auto* imp = app.add_subcommand("import", "Bring data from other formats into podml files");
  imp->require_subcommand(1);
  auto* cmd = imp->add_subcommand("hepmc", "Import generator events (HepMC3 ASCII or HepMC2) as EDM4hep MCParticles");
  cmd->footer("Per event: MCParticles (PDG, generatorStatus, momentum and mass in GeV, charge from the PDG code,\n"
              "vertex and time, endpoint, parents and daughters both ways) and an EventHeader (event number,\n"
              "weights). The format of each file is recognised from its first line. A file HepMC cannot parse\n"
              "or a truncated one stops with an error naming the event; the events converted before it are\n"
              "written. Pythia, Herwig, Sherpa and Whizard write these files (docs/cli.md).\n"
              "Examples:\n"
              "  podml import hepmc ttbar.hepmc3 -o ttbar.h5\n"
              "  podml import hepmc 'run*.hepmc' -o gen.h5 -n 10000\n"
              "  podml import hepmc z.hepmc3 -o z.h5 --edm4hep ../shared/datamodels/edm4hep/edm4hep.yaml");
  cmd->add_option("inputs", opts->inputs, "HepMC file(s) or glob(s)")->required();
  cmd->add_option("-o,--output", opts->output, "output podml file")->required();
  cmd->add_option("-n,--events", opts->maxEvents, "import at most this many events (default: all)")
      ->check(nonNegativeInteger());
  cmd->add_option("--edm4hep", opts->edm4hepYaml,
                  "EDM4hep's YAML, to write with that definition instead of the one podml was built with");
  return [opts, cmd, &g]() -> int {
    if (!cmd->parsed()) {
      return -1;
    }
    std::shared_ptr<const DataModelDefinition> edm4hep;
    if (!opts->edm4hepYaml.empty()) {
      edm4hep = workflow::dataModelsIn(opts->edm4hepYaml, "edm4hep").require("edm4hep");
    } else if (const auto* compiled = DataModelRegistry::instance().find("edm4hep")) {
      edm4hep = std::shared_ptr<const DataModelDefinition>(std::shared_ptr<void>{}, compiled); // lives as long as the process
    } else {
      throw CliError(kExitBadUsage, "cannot import HepMC events: this podml was built without EDM4hep",
                     "pass EDM4hep's YAML with --edm4hep");
    }
    workflow::HepMCImportRequest rq;
    rq.inputs = opts->inputs;
    rq.output = opts->output;
    rq.maxEvents = opts->maxEvents;
    Progress progress(opts->maxEvents, "importing", g.quiet || opts->maxEvents == 0);
    workflow::HepMCImportSummary s;
    withHint([&] { s = workflow::importHepMC(rq, edm4hep, [&](uint64_t n) { progress.update(n); }); },
             [](const std::string& what) -> std::string {
               return what.find("not a HepMC3 or HepMC2") != std::string::npos
                          ? "podml reads HepMC3's ASCII format and HepMC2's IO_GenEvent format"
                          : "";
             });
    progress.done();
    if (!g.quiet) {
      if (g.verbose) {
        for (const auto& f : s.files) {
          std::cout << "read " << f << "\n";
        }
      }
      std::cout << "podml: imported " << s.events << " events (" << s.particles << " MCParticles) -> " << opts->output
                << "\n";
    }
    return 0;
  };
}

} // namespace podml::cli
