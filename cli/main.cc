// The podml command line: one entry point, errors caught once (docs/cli.md).
// Exit codes: 0 ok, 1 bad data or model, 2 bad usage.
#include "Commands.h"

#include "podml/Exceptions.h"

#include <iostream>
#include <new>

namespace {

// The deepest subcommand given on the command line (the app itself if none) and its
// path, e.g. "podml card attach", for the hint after a parse error.
std::pair<const CLI::App*, std::string> givenCommand(const CLI::App& app) {
  std::string path = "podml";
  const CLI::App* at = &app;
  for (;;) {
    const auto subs = at->get_subcommands();
    if (subs.empty()) {
      return {at, path};
    }
    at = subs.front();
    path += " " + at->get_name();
  }
}

int report(const std::string& what, const std::string& hint, int rc) {
  std::cerr << "podml: error: " << what << "\n";
  if (!hint.empty()) {
    std::cerr << "podml: hint: " << hint << "\n";
  }
  return rc;
}

} // namespace

int main(int argc, char** argv) {
  using namespace podml::cli;
  CLI::App app{"podml: podio data models for machine learning (struct-of-arrays C++, HDF5, ONNX)", "podml"};
  app.set_version_flag("--version", "podml " PODML_VERSION_STRING);
  app.require_subcommand(1);
  GlobalOptions global;
  std::vector<Runner> runners;
  setCommandLine(argc, argv);
#ifdef PODML_CLI_TRAIN_ONLY
  // podml-train, the helper `podml train` executes (cli/TrainCommand.cc): only this command.
  runners.push_back(addTrainCommand(app, global));
#else
  runners.push_back(addGenerateCommand(app, global));
#endif
#if !defined(PODML_CLI_GENERATOR_ONLY) && !defined(PODML_CLI_TRAIN_ONLY)
  // podml-generate (the in-tree bootstrap generator, cli/generator) stops here.
  runners.push_back(addInspectCommand(app, global));
  runners.push_back(addCardCommand(app, global));
  runners.push_back(addCheckCommand(app, global));
  runners.push_back(addInferCommand(app, global));
  runners.push_back(addImportCommand(app, global));
  runners.push_back(addTrainCommand(app, global));
#endif
#ifdef PODML_CLI_TOY
  runners.push_back(addToyCommand(app, global));
#endif
  addGlobalFlags(app, global);
  // Set after the subcommands are added: CLI11 copies a parent's footer into new subcommands.
  app.footer(
#if defined(PODML_CLI_TOY)
      "A typical workflow (toy events, a classifier, its check against the data, scores):\n"
      "  podml toy -n 10000 -o toy.h5\n"
      "  podml train examples/toy-train.yaml toy.h5 -o lepton-id.onnx\n"
      "  podml check lepton-id.onnx toy.h5\n"
      "  podml infer lepton-id.onnx toy.h5 -o scored.h5\n"
      "\n"
#endif
      "Run `podml COMMAND --help` for a command's options and examples. -q and -v work before or\n"
      "after the command. Exit codes: 0 ok, 1 bad data or model, 2 bad usage.\n"
      "Documentation: docs/cli.md (every command, JSON output), README.md and docs/ in the podml sources.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
      return app.exit(e); // --help, --help-all, --version: printed on stdout
    }
    const auto [at, path] = givenCommand(app);
    if (!at->get_subcommands([](const CLI::App*) { return true; }).empty()) {
      // "podml frob": CLI11 reports the missing subcommand; name the word it did not know.
      for (const auto& arg : at->remaining()) {
        if (!arg.starts_with("-")) {
          return report("unknown command '" + arg + "'", "run `" + path + " --help` for the commands", kExitBadUsage);
        }
      }
    }
    return report(e.what(), "run `" + path + " --help` for the usage and examples", kExitBadUsage);
  }
  if (global.quiet && global.verbose) {
    return report("cannot use --quiet and --verbose together", "drop one of them", kExitBadUsage);
  }
  try {
    for (const auto& run : runners) {
      if (const int rc = run(); rc >= 0) {
        return rc;
      }
    }
    return report("no command to run", "run `podml --help` for the commands", kExitBadUsage);
  } catch (const CliError& e) {
    return report(e.what(), e.hint(), e.exitCode());
  } catch (const podml::UsageError& e) {
    // A library call rejected what the user asked for (e.g. no files): bad usage.
    return report(e.what(), "", kExitBadUsage);
  } catch (const podml::Error& e) {
    return report(e.what(), "", kExitBadData);
  } catch (const std::bad_alloc&) {
    return report("out of memory", "", kExitBadData);
  } catch (const std::exception& e) {
    return report(e.what(), "", kExitBadData);
  }
}
