// The podml command line: one entry point, errors caught once.
#include "Commands.h"

#include "podml/Exceptions.h"

#include <iostream>

int main(int argc, char** argv) {
  CLI::App app{"podml: podio data models for machine learning (struct-of-arrays C++, HDF5, ONNX)", "podml"};
  app.set_version_flag("--version", "podml " PODML_VERSION_STRING);
  app.require_subcommand(1);
  std::vector<podml::cli::Runner> runners;
  runners.push_back(podml::cli::addGenerateCommand(app));
#ifndef PODML_CLI_GENERATOR_ONLY
  // podml-generate (the in-tree bootstrap generator, cli/generator) stops here.
  runners.push_back(podml::cli::addInspectCommand(app));
  runners.push_back(podml::cli::addCardCommand(app));
  runners.push_back(podml::cli::addCheckCommand(app));
  runners.push_back(podml::cli::addInferCommand(app));
  runners.push_back(podml::cli::addTrainCommand(app));
#endif
#ifdef PODML_CLI_TOY
  runners.push_back(podml::cli::addToyCommand(app));
#endif
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 exits 0 for --help/--version; every other parse error is bad usage.
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  try {
    for (const auto& run : runners) {
      if (const int rc = run(); rc >= 0) {
        return rc;
      }
    }
    return 2;
  } catch (const podml::UsageError& e) {
    // A library call rejected what the user asked for (e.g. no files): bad usage.
    std::cerr << "podml: error: " << e.what() << "\n";
    return 2;
  } catch (const podml::Error& e) {
    std::cerr << "podml: error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "podml: error: " << e.what() << "\n";
    return 1;
  }
}
