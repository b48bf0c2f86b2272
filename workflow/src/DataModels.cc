#include "podml/workflow/DataModels.h"

#include "podml/Exceptions.h"
#include "podml/gen/YamlReader.h"
#include "podml/io/Reader.h"

#include <filesystem>

namespace podml::workflow {

std::shared_ptr<const DataModelDefinition> DataModels::find(const std::string& name) const {
  for (const auto& m : models) {
    if (name.empty() || m->name == name) {
      return m;
    }
  }
  return nullptr;
}

std::string DataModels::names() const {
  std::string s;
  for (const auto& m : models) {
    s += (s.empty() ? "'" : ", '") + m->name + "'";
  }
  return s.empty() ? "none" : s;
}

std::shared_ptr<const DataModelDefinition> DataModels::require(const std::string& name) const {
  if (auto m = find(name)) {
    return m;
  }
  throw DefinitionError("cannot find data model '" + name + "' in " + where + " (it holds " + names() + ")");
}

bool isDataModelYaml(const std::string& path) { return path.ends_with(".yaml") || path.ends_with(".yml"); }

DataModels dataModelsIn(const std::string& source, const std::string& yamlName) {
  DataModels d;
  d.where = "'" + source + "'";
  if (isDataModelYaml(source)) {
    gen::ReadOptions options;
    options.requireExtraCodeFiles = false; // the definition is what is wanted, not generated code
    auto model = gen::readModel(source, yamlName.empty() ? std::filesystem::path(source).stem().string() : yamlName, {},
                                options);
    d.models.push_back(std::make_shared<const DataModelDefinition>(std::move(model.definition)));
    return d;
  }
  d.models = io::makeReader(source)->dataModels();
  return d;
}

DataModels dataModelsIn(const io::Reader& reader) {
  DataModels d;
  d.models = reader.dataModels();
  const auto& files = reader.files();
  d.where = files.size() == 1 ? "'" + files.front() + "'"
                              : "'" + files.front() + "' and " + std::to_string(files.size() - 1) + " more files";
  return d;
}

} // namespace podml::workflow
