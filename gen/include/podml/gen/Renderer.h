#pragma once
/// \file Renderer.h
/// Turns a validated data model definition into C++ source files with
/// podio's user API and struct-of-arrays storage.

#include "podml/Definition.h"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace podml::gen {

/// Inputs of the renderer besides the model itself.
struct RenderInput {
  const DataModelDefinition* model{nullptr};
  std::vector<const DataModelDefinition*> upstream; ///< models this one extends
  std::string json;                                ///< the model's canonical JSON, embedded in the code
  std::string sourceName;                          ///< YAML file name, for the banner
  std::string yamlHash;                            ///< hash of the YAML bytes, for the banner
};

/// Number of compiled sources of every generated model: `src/podml_shard_<i>.cc`, i < kSourceShards.
inline constexpr std::size_t kSourceShards = 4;

/// Generated files: path relative to the output directory -> content.
using FileSet = std::map<std::string, std::string>;

/// Renders every header and source of the model. Output is deterministic.
FileSet render(const RenderInput& in);

/// Writes `files` below `outDir`, touching only files whose content changed.
/// Returns the number of files written.
std::size_t writeIfChanged(const FileSet& files, const std::filesystem::path& outDir);

} // namespace podml::gen
