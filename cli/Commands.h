#pragma once
// The podml command's subcommands. Each registers its options on the parser
// and returns the function that runs it (returning the process exit code).
// docs/cli.md describes what they print and their exit codes.

#include <CLI/CLI.hpp>

#include <functional>
#include <stdexcept>
#include <string>

namespace podml::onnx {
struct ModelCard;
struct ModelInfo;
} // namespace podml::onnx

namespace podml::cli {

/// A subcommand ready to run once the command line has been parsed: returns the
/// exit code, or -1 if its subcommand was not the one given.
using Runner = std::function<int()>;

/// Process exit codes (docs/cli.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitBadData = 1;  ///< unreadable or corrupt file, model that does not fit, ...
inline constexpr int kExitBadUsage = 2; ///< missing or unknown option, invalid value, ...

/// Flags every command accepts, before or after its name (`podml -q infer ...` or
/// `podml infer -q ...`).
struct GlobalOptions {
  bool quiet{false};   ///< nothing on stdout but a requested --json document; no progress
  bool verbose{false}; ///< more detail on stdout (not with --json)
};

/// Adds -q,--quiet and -v,--verbose, bound to `g`, to `app` and all its subcommands.
void addGlobalFlags(CLI::App& app, GlobalOptions& g);

/// An error the CLI reports itself: main prints "podml: error: <what>", then
/// "podml: hint: <hint>" if there is one, and exits with `exitCode`.
class CliError : public std::runtime_error {
public:
  CliError(int exitCode, const std::string& what, std::string hint = {})
      : std::runtime_error(what), m_exitCode(exitCode), m_hint(std::move(hint)) {}
  int exitCode() const { return m_exitCode; }
  const std::string& hint() const { return m_hint; }

private:
  int m_exitCode;
  std::string m_hint;
};

/// Runs `f`; a podml::Error it throws is rethrown as a CliError with the same
/// message, the exit code of its kind (UsageError: 2, others: 1) and `hint`.
void withHint(const std::function<void()>& f, const std::string& hint);

/// The same, choosing the hint from the error's message (empty: none).
void withHint(const std::function<void()>& f, const std::function<std::string(const std::string& what)>& hintFor);

/// Remembers the process's command line, for execHelper().
void setCommandLine(int argc, char** argv);

/// Replaces this process with the helper program `name` (next to this executable, or in
/// ../libexec/podml), given the same arguments; returns only by throwing a CliError.
[[noreturn]] void execHelper(const std::string& name);

/// Refuses a leading minus sign: CLI11 would wrap "-5" around into a huge unsigned value.
CLI::Validator nonNegativeInteger();

/// Shell-quotes `s` if it needs it, for commands shown in hints.
std::string shellQuote(const std::string& s);

/// `podml generate MODEL.yaml OUTDIR [--name N] [--upstream-edm NAME:FILE] [--extra-code-path DIR]`.
Runner addGenerateCommand(CLI::App& app, const GlobalOptions& g);

/// `podml inspect FILE... [--json]`: data models, categories, collections and columns
/// of podml HDF5 files (several files or a glob are summarised as one chain).
Runner addInspectCommand(CLI::App& app, const GlobalOptions& g);

/// `podml card attach MODEL.onnx CARD.yaml -o OUT.onnx [--data FILE.h5]`.
Runner addCardCommand(CLI::App& app, const GlobalOptions& g);

/// `podml check MODEL.onnx DATA.h5 [--json]`: card against graph and data; exit 1 on mismatch.
Runner addCheckCommand(CLI::App& app, const GlobalOptions& g);

/// `podml infer MODEL.onnx IN.h5... -o OUT.h5 [--collection NAME] [--shard i/n]`.
Runner addInferCommand(CLI::App& app, const GlobalOptions& g);

/// `podml import hepmc IN.hepmc3... -o OUT.h5`: generator events as EDM4hep MCParticles.
Runner addImportCommand(CLI::App& app, const GlobalOptions& g);

/// `podml train SPEC.yaml IN.h5... -o MODEL.onnx`: the C++ training route (docs/training.md).
Runner addTrainCommand(CLI::App& app, const GlobalOptions& g);

/// `podml toy -n EVENTS -o OUT.h5 [--seed S] [--first-event I]`: the physics toy
/// dataset (docs/toy-dataset.md). Only in builds with EDM4hep.
Runner addToyCommand(CLI::App& app, const GlobalOptions& g);

/// The next step for a model without a card: the `podml card attach` command line.
std::string attachHint(const std::string& model);

/// The card of `model` (read as `info`); a CliError with attachHint() if it has none.
/// `verb` names the action in the message ("check", "run").
onnx::ModelCard requireModelCard(const std::string& model, const onnx::ModelInfo& info, const std::string& verb);

/// The ONNX part of `podml inspect`: inputs, outputs and the card of a model.
int inspectModel(const std::string& path, bool asJson, const GlobalOptions& g);

} // namespace podml::cli
