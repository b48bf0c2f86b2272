#pragma once
// The podml command's subcommands. Each registers its options on the parser
// and returns the function that runs it (returning the process exit code).

#include <CLI/CLI.hpp>

#include <functional>

namespace podml::cli {

/// A subcommand ready to run once the command line has been parsed.
using Runner = std::function<int()>;

/// `podml generate MODEL.yaml OUTDIR [--name N] [--upstream-edm NAME:FILE] [--extra-code-path DIR]`.
Runner addGenerateCommand(CLI::App& app);

/// `podml inspect FILE... [--json]`: data models, categories, collections and columns
/// of podml HDF5 files (several files or a glob are summarised as one chain).
Runner addInspectCommand(CLI::App& app);

/// `podml card attach MODEL.onnx CARD.yaml -o OUT.onnx [--data FILE.h5]`.
Runner addCardCommand(CLI::App& app);

/// `podml check MODEL.onnx DATA.h5 [--json]`: card against graph and data; exit 1 on mismatch.
Runner addCheckCommand(CLI::App& app);

/// `podml infer MODEL.onnx IN.h5... -o OUT.h5 [--collection NAME] [--shard i/n]`.
Runner addInferCommand(CLI::App& app);

/// `podml train SPEC.yaml IN.h5... -o MODEL.onnx`: the C++ training route (docs/training.md).
Runner addTrainCommand(CLI::App& app);

/// `podml toy -n EVENTS -o OUT.h5 [--seed S] [--first-event I]`: the physics toy
/// dataset (docs/toy-dataset.md). Only in builds with EDM4hep.
Runner addToyCommand(CLI::App& app);

/// The ONNX part of `podml inspect`: inputs, outputs and the card of a model.
int inspectModel(const std::string& path, bool asJson);

} // namespace podml::cli
