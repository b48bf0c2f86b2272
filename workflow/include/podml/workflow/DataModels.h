#pragma once
/// \file DataModels.h
/// Finding the data model a model card refers to, in podml files or in a data model
/// YAML: the one lookup `podml card attach`, `podml check`, `podml infer` and the
/// Python module share.

#include "podml/Definition.h"

#include <memory>
#include <string>
#include <vector>

namespace podml::io {
class Reader;
}

namespace podml::workflow {

/// Where data model definitions were found, for messages ("'events.h5'").
struct DataModels {
  std::vector<std::shared_ptr<const DataModelDefinition>> models; ///< in file order
  std::string where;                                              ///< the source, quoted
  /// The model named `name` (empty: the first); null if there is none.
  std::shared_ptr<const DataModelDefinition> find(const std::string& name) const;
  /// The names held, quoted and comma-separated ("'edm4hep', 'ex'"), or "none".
  std::string names() const;
  /// find(), or DefinitionError "cannot find data model 'X' in 'where' (it holds ...)".
  std::shared_ptr<const DataModelDefinition> require(const std::string& name) const;
};

/// Whether `path` names a data model YAML (.yaml or .yml) rather than podml files.
bool isDataModelYaml(const std::string& path);

/// The data models of `source`: a podml file, list or glob (the definitions stored in
/// the files), or a data model YAML, read as the model `yamlName` (empty: the file's
/// stem, as `podml generate` names it). Throws IoError or DefinitionError.
DataModels dataModelsIn(const std::string& source, const std::string& yamlName = "");
/// The data models stored in the files of an open reader.
DataModels dataModelsIn(const io::Reader& reader);

} // namespace podml::workflow
