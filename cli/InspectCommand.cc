#include "Commands.h"

#include "podml/Exceptions.h"
#include "podml/Json.h"
#include "podml/io/Reader.h"

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace podml::cli {

namespace {

struct InspectOptions {
  std::vector<std::string> inputs;
  bool json{false};
};

// ---- podml HDF5 files: gather once, then print as text or JSON --------------

struct CategorySummary {
  std::string name;
  uint64_t entries{0};
  std::vector<io::CollectionInfo> collections;
};

struct PodmlSummary {
  std::vector<std::string> files;
  uint32_t formatVersion{0};
  std::vector<std::shared_ptr<const DataModelDefinition>> models;
  std::vector<CategorySummary> categories;
};

PodmlSummary summarizePodml(const std::vector<std::string>& inputs) {
  const auto reader = io::makeReader(inputs);
  PodmlSummary s;
  s.files = reader->files();
  s.formatVersion = reader->formatVersion();
  s.models = reader->dataModels();
  for (const auto& name : reader->getAvailableCategories()) {
    s.categories.push_back({name, reader->getEntries(name), reader->collections(name)});
  }
  return s;
}

const DatatypeDef* findType(const PodmlSummary& s, const io::CollectionInfo& c) {
  for (const auto& m : s.models) {
    if (m->name == c.dataModel) {
      return m->datatype(c.type);
    }
  }
  return nullptr;
}

const char* kindName(ColumnKind kind) {
  switch (kind) {
  case ColumnKind::Member:
    return "member";
  case ColumnKind::VectorValue:
    return "vector_value";
  case ColumnKind::RangeBegin:
    return "range_begin";
  case ColumnKind::RangeEnd:
    return "range_end";
  }
  return "?";
}

json::Value columnJson(const io::ColumnInfo& col) {
  json::Value j = json::Value::object();
  j.set("path", col.path);
  j.set("dtype", dtypeName(col.dtype));
  json::Value shape = json::Value::array();
  for (auto d : col.shape) {
    shape.push_back(d);
  }
  j.set("shape", std::move(shape));
  j.set("unit", col.unit);
  j.set("kind", kindName(col.kind));
  j.set("owner", col.owner);
  return j;
}

json::Value collectionJson(const PodmlSummary& s, const io::CollectionInfo& c) {
  json::Value j = json::Value::object();
  j.set("name", c.name);
  j.set("type", c.type);
  j.set("datamodel", c.dataModel);
  j.set("schema_version", c.schemaVersion);
  j.set("collection_id", c.collectionID);
  j.set("subset", c.subset);
  j.set("objects", c.objects);
  json::Value columns = json::Value::array();
  for (const auto& col : c.columns) {
    columns.push_back(columnJson(col));
  }
  j.set("columns", std::move(columns));
  json::Value relations = json::Value::array();
  const auto* def = c.subset ? nullptr : findType(s, c);
  for (const auto& r : def != nullptr ? def->relations : std::vector<RelationDef>{}) {
    json::Value jr = json::Value::object();
    jr.set("name", r.name);
    jr.set("type", r.type);
    jr.set("many", r.many);
    relations.push_back(std::move(jr));
  }
  j.set("relations", std::move(relations));
  return j;
}

json::Value toJson(const PodmlSummary& s) {
  json::Value root = json::Value::object();
  root.set("kind", "podml-file");
  json::Value files = json::Value::array();
  for (const auto& f : s.files) {
    files.push_back(f);
  }
  root.set("files", std::move(files));
  root.set("format_version", s.formatVersion);
  json::Value models = json::Value::array();
  for (const auto& m : s.models) {
    json::Value jm = json::Value::object();
    jm.set("name", m->name);
    jm.set("schema_version", m->schemaVersion);
    jm.set("hash", m->hash);
    models.push_back(std::move(jm));
  }
  root.set("datamodels", std::move(models));
  json::Value cats = json::Value::array();
  for (const auto& cat : s.categories) {
    json::Value jc = json::Value::object();
    jc.set("name", cat.name);
    jc.set("entries", cat.entries);
    json::Value colls = json::Value::array();
    for (const auto& c : cat.collections) {
      colls.push_back(collectionJson(s, c));
    }
    jc.set("collections", std::move(colls));
    cats.push_back(std::move(jc));
  }
  root.set("categories", std::move(cats));
  return root;
}

// Prints rows as left-aligned columns, two spaces apart.
void printTable(std::ostream& out, const std::string& indent, const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width;
  for (const auto& row : rows) {
    width.resize(std::max(width.size(), row.size()));
    for (std::size_t i = 0; i < row.size(); ++i) {
      width[i] = std::max(width[i], row[i].size());
    }
  }
  for (const auto& row : rows) {
    std::string line = indent;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) {
        line += std::string(width[i] - row[i].size() + 2, ' ');
      }
    }
    out << line << "\n";
  }
}

std::string shapeText(const std::vector<uint32_t>& shape) {
  if (shape.empty()) {
    return "-";
  }
  std::string t = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    t += (i ? "," : "") + std::to_string(shape[i]);
  }
  return t + "]";
}

void printText(const PodmlSummary& s, std::ostream& out) {
  out << (s.files.size() == 1 ? "file: " : "files: ");
  for (std::size_t i = 0; i < s.files.size(); ++i) {
    out << (i ? ", " : "") << s.files[i];
  }
  out << "\nformat version: " << s.formatVersion << "\ndata models:\n";
  std::vector<std::vector<std::string>> models;
  for (const auto& m : s.models) {
    models.push_back({m->name, "schema version " + std::to_string(m->schemaVersion), "hash " + m->hash});
  }
  printTable(out, "  ", models);
  for (const auto& cat : s.categories) {
    out << "\ncategory '" << cat.name << "': " << cat.entries << (cat.entries == 1 ? " entry" : " entries") << ", "
        << cat.collections.size() << " collections\n";
    for (const auto& c : cat.collections) {
      out << "  " << c.name << ": " << (c.subset ? "subset of " : "") << c.type << ", " << c.objects
          << (c.subset ? " references" : " objects") << " (" << c.dataModel << " schema " << c.schemaVersion
          << ", collection ID " << c.collectionID << ")\n";
      if (!c.columns.empty()) {
        std::vector<std::vector<std::string>> rows{{"column", "dtype", "shape", "unit", "kind"}};
        for (const auto& col : c.columns) {
          rows.push_back({col.path, std::string(dtypeName(col.dtype)), shapeText(col.shape),
                          col.unit.empty() ? "-" : col.unit, kindName(col.kind)});
        }
        printTable(out, "    ", rows);
      }
      const auto* def = c.subset ? nullptr : findType(s, c);
      if (def != nullptr && !def->relations.empty()) {
        out << "    relations:";
        for (std::size_t i = 0; i < def->relations.size(); ++i) {
          const auto& r = def->relations[i];
          out << (i ? ", " : " ") << r.name << " -> " << r.type << (r.many ? " (many)" : "");
        }
        out << "\n";
      }
    }
  }
}

int inspectPodml(const InspectOptions& opts) {
  const PodmlSummary summary = summarizePodml(opts.inputs);
  if (opts.json) {
    std::cout << json::dump(toJson(summary), 2) << "\n";
  } else {
    printText(summary, std::cout);
  }
  return 0;
}

} // namespace

Runner addInspectCommand(CLI::App& app) {
  auto opts = std::make_shared<InspectOptions>();
  auto* cmd = app.add_subcommand("inspect", "Summarise podml files (data models, categories, collections, columns) or an ONNX model (inputs, outputs, card)");
  cmd->footer("Several files or a quoted glob are read as one chain (entries and objects are summed).\n"
              "Examples:\n"
              "  podml inspect events.h5\n"
              "  podml inspect 'data/run*.h5' --json | python3 -m json.tool");
  cmd->add_option("files", opts->inputs, "podml HDF5 file(s) or glob pattern(s)")->required();
  cmd->add_flag("--json", opts->json, "print one JSON document instead of text");
  return [opts, cmd]() -> int {
    if (!cmd->parsed()) {
      return -1;
    }
    // The one place that picks an inspector by input kind.
    if (opts->inputs.size() == 1 && opts->inputs.front().ends_with(".onnx")) {
      return inspectModel(opts->inputs.front(), opts->json);
    }
    return inspectPodml(*opts);
  };
}

} // namespace podml::cli
