#include "Commands.h"

#include "podml/Exceptions.h"
#include "podml/gen/Renderer.h"
#include "podml/gen/YamlReader.h"

#include <iostream>
#include <memory>

namespace podml::cli {

namespace {
struct GenerateOptions {
  std::string yaml;
  std::string outDir;
  std::string name;
  std::vector<std::string> upstream;
  std::vector<std::string> extraCodePath;
};
} // namespace

Runner addGenerateCommand(CLI::App& app, const GlobalOptions& g) {
  auto opts = std::make_shared<GenerateOptions>();
  auto* cmd = app.add_subcommand("generate", "Generate C++ (podio API, struct-of-arrays storage) from a podio YAML data model");
  cmd->footer("Writes include/<name>/... and src/...; files whose content did not change are not touched, so\n"
              "rebuilds stay incremental. From CMake, use podml_add_datamodel_library() instead (README.md).\n"
              "Examples:\n"
              "  podml generate my_model.yaml build/my_model --name mymodel\n"
              "  podml generate extension.yaml build/ext --upstream-edm edm4hep:edm4hep.yaml\n"
              "  podml generate edm4hep.yaml build/edm4hep --extra-code-path datamodels/edm4hep-support/include");
  cmd->add_option("model", opts->yaml, "podio YAML data model definition")->required();
  cmd->add_option("outdir", opts->outDir, "output directory (include/<name>/..., src/...)")->required();
  cmd->add_option("--name", opts->name, "data model (package) name; default: the YAML file's stem");
  cmd->add_option("--upstream-edm", opts->upstream, "upstream data model this one extends, as NAME:FILE.yaml (repeatable)");
  cmd->add_option("--extra-code-path", opts->extraCodePath,
                  "where to look for ExtraCode declarationFile/implementationFile (repeatable)");
  return [opts, cmd, &g]() -> int {
    if (!cmd->parsed()) {
      return -1;
    }
    std::vector<gen::UpstreamModel> upstream;
    for (const auto& u : opts->upstream) {
      const auto colon = u.find(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == u.size()) {
        throw CliError(kExitBadUsage, "--upstream-edm expects NAME:FILE.yaml, got '" + u + "'",
                       "give the upstream model's name and YAML file, e.g. --upstream-edm edm4hep:edm4hep.yaml");
      }
      upstream.push_back({u.substr(0, colon), u.substr(colon + 1)});
    }
    gen::ReadOptions ro;
    for (const auto& p : opts->extraCodePath) {
      ro.extraCodePath.emplace_back(p);
    }
    const std::string name = opts->name.empty() ? std::filesystem::path(opts->yaml).stem().string() : opts->name;
    if (!gen::isValidModelName(name)) {
      throw CliError(kExitBadUsage,
                     (opts->name.empty() ? "the model file's stem '" : "--name '") + name +
                         "' is not a valid data model name: it names include/<name>/ and the generated code",
                     "give a C++ identifier (letters, digits and '_', not a keyword), e.g. --name my_model");
    }
    gen::ReadModel model;
    withHint([&] { model = gen::readModel(opts->yaml, name, upstream, ro); },
             [](const std::string& what) -> std::string {
               // EDM4hep's YAML names ExtraCode files that live beside its headers, not beside the YAML.
               return what.find("ExtraCode") != std::string::npos && what.find("which was not found") != std::string::npos
                          ? "give the directory that holds it with --extra-code-path DIR (EDM4hep's are in podml's "
                            "datamodels/edm4hep-support/include, or an installed EDM4hep's include directory)"
                          : "";
             });
    gen::RenderInput in;
    in.model = &model.definition;
    for (const auto& u : model.upstream) {
      in.upstream.push_back(&u);
    }
    in.json = model.json;
    in.sourceName = std::filesystem::path(opts->yaml).filename().string();
    in.yamlHash = model.yamlHash;
    const auto files = gen::render(in);
    const auto written = gen::writeIfChanged(files, opts->outDir);
    if (g.verbose) {
      const auto& d = model.definition;
      std::cout << "data model '" << name << "' schema version " << d.schemaVersion << ", hash " << d.hash << "\n";
      for (const auto& u : model.upstream) {
        std::cout << "  upstream: " << u.name << " (schema version " << u.schemaVersion << ")\n";
      }
      for (const auto& t : d.datatypes) {
        std::cout << "  " << (t.isLink ? "link " : "datatype ") << t.name << ": " << t.members.size() << " members, "
                  << t.vectorMembers.size() << " vector members, " << t.relations.size() << " relations, "
                  << t.columns.size() << " columns\n";
      }
      for (const auto& c : d.components) {
        std::cout << "  component " << c.name << ": " << c.members.size() << " members\n";
      }
      for (const auto& i : d.interfaces) {
        std::cout << "  interface " << i.name << ": " << i.types.size() << " types\n";
      }
    }
    if (!g.quiet) {
      std::cout << "podml: generated data model '" << name << "' (" << model.definition.datatypes.size()
                << " datatypes and links, " << model.definition.components.size() << " components, "
                << model.definition.interfaces.size() << " interfaces) in " << opts->outDir << ": " << files.size()
                << " files, " << written << " changed\n";
    }
    return 0;
  };
}

} // namespace podml::cli
