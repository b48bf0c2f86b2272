#pragma once
/// \file YamlReader.h
/// Reads a data model written in podio's YAML dialect, validates it with
/// podio's rules (and podio's messages, plus `file:line`), and turns it into
/// the canonical podio-style JSON that every podml definition is built from.
///
/// yaml-cpp stays out of this header on purpose: the generator's users and
/// tests link `gen` without seeing any third-party type.

#include "podml/Definition.h"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace podml::gen {

/// An upstream data model this one extends (podio's `--upstream-edm name:file`).
struct UpstreamModel {
  std::string name;           ///< the upstream model's (package) name, e.g. `edm4hep`
  std::filesystem::path yaml; ///< its YAML definition
};

/// Knobs of the reader that podio takes from its command line or environment.
struct ReadOptions {
  /// Directories searched for ExtraCode `declarationFile`/`implementationFile`
  /// after the YAML file's own directory. A data model ships such files next to
  /// its YAML, but a checkout may keep them elsewhere (podml keeps EDM4hep's
  /// under `datamodels/edm4hep-support/include`), so the caller can add places.
  std::vector<std::filesystem::path> extraCodePath;
  /// Whether an ExtraCode file that is not found is an error. Code generation needs
  /// the files; reading a model only for its definition (members, columns, relations:
  /// `podml check`, Python's data_model) does not, so it may leave them out.
  bool requireExtraCodeFiles{true};
};

/// The result of reading one YAML data model.
struct ReadModel {
  std::string json;                          ///< canonical podio-style JSON (see docs; key order follows the YAML)
  DataModelDefinition definition;            ///< DataModelDefinition::fromJson(json, upstream)
  std::vector<DataModelDefinition> upstream; ///< definitions of upstream models, dependencies first
  std::string yamlHash;                      ///< podml::contentHash of the YAML bytes
};

/// True if `name` can name a data model: a C++ identifier that is not a keyword
/// (it becomes the include directory and appears in the generated code).
bool isValidModelName(std::string_view name);

/// Reads and validates a podio YAML data model; `name` is the model (package) name.
/// Each upstream model is read and validated first, under its own name, with the
/// upstream models listed before it as its own upstream (so chains A <- B <- this work).
/// Throws DefinitionError with podio's message text followed by ` (FILE:LINE)`.
ReadModel readModel(const std::filesystem::path& yaml, const std::string& name,
                    const std::vector<UpstreamModel>& upstream = {}, const ReadOptions& options = {});

/// Same as readModel() from text already in memory. `sourceName` names the text in
/// messages, and its directory is where relative ExtraCode files are looked up first.
/// `upstream` are models read before; their own upstream models are included too.
ReadModel readModelFromString(std::string_view yamlText, std::string_view sourceName, const std::string& name,
                              const std::vector<ReadModel>& upstream = {}, const ReadOptions& options = {});

} // namespace podml::gen
