#include "Commands.h"

#include "Progress.h"

#include "podml/Exceptions.h"
#include "podml/Json.h"
#include "podml/io/Reader.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
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

// Per file of a chain (shown with --verbose): its size and entries per category.
struct FileSummary {
  std::string name;
  uint64_t bytes{0};
  std::vector<std::pair<std::string, uint64_t>> entries;
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
  std::vector<FileSummary> perFile;
};

PodmlSummary summarizePodml(const std::vector<std::string>& inputs, const GlobalOptions& g) {
  // Each file is opened (and probed) on its own first, with a progress bar for long
  // chains and its own counts for --verbose; the chain then reuses the probes.
  const auto files = io::expandFiles(inputs);
  PodmlSummary s;
  Progress progress(files.size(), "opening", g.quiet || files.size() < 2, "files");
  for (const auto& f : files) {
    const io::Reader one({f});
    FileSummary fs{f, 0, {}};
    std::error_code ec;
    fs.bytes = std::filesystem::file_size(f, ec);
    for (const auto& name : one.getAvailableCategories()) {
      fs.entries.emplace_back(name, one.getEntries(name));
    }
    s.perFile.push_back(std::move(fs));
    progress.update(s.perFile.size());
  }
  progress.done();
  const io::Reader reader(files, io::ReaderOptions{io::Probe::Off});
  s.files = reader.files();
  s.formatVersion = reader.formatVersion();
  s.models = reader.dataModels();
  for (const auto& name : reader.getAvailableCategories()) {
    s.categories.push_back({name, reader.getEntries(name), reader.collections(name)});
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
  j.set("kind", columnKindName(col.kind));
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
  j.set("absent_entries", c.absentEntries);
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

const ColumnDef* findColumn(const DatatypeDef* def, const std::string& path) {
  if (def != nullptr) {
    for (const auto& c : def->columns) {
      if (c.path == path) {
        return &c;
      }
    }
  }
  return nullptr;
}

std::string humanBytes(uint64_t b) {
  char buf[32];
  if (b >= (1ull << 30)) {
    std::snprintf(buf, sizeof buf, "%.1f GiB", static_cast<double>(b) / double(1ull << 30));
  } else if (b >= (1ull << 20)) {
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(b) / double(1ull << 20));
  } else if (b >= (1ull << 10)) {
    std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(b) / double(1ull << 10));
  } else {
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(b));
  }
  return buf;
}

void printText(const PodmlSummary& s, std::ostream& out, bool verbose) {
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
  if (verbose) {
    out << "per file:\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& f : s.perFile) {
      std::string entries;
      for (const auto& [name, n] : f.entries) {
        entries += (entries.empty() ? "" : ", ") + name + " " + std::to_string(n);
      }
      rows.push_back({f.name, humanBytes(f.bytes), entries.empty() ? "no categories" : "entries: " + entries});
    }
    printTable(out, "  ", rows);
  }
  for (const auto& cat : s.categories) {
    out << "\ncategory '" << cat.name << "': " << cat.entries << (cat.entries == 1 ? " entry" : " entries") << ", "
        << cat.collections.size() << " collections\n";
    for (const auto& c : cat.collections) {
      out << "  " << c.name << ": " << (c.subset ? "subset of " : "") << c.type << ", " << c.objects
          << (c.subset ? " references" : " objects") << " (" << c.dataModel << " schema " << c.schemaVersion
          << ", collection ID " << c.collectionID << ")";
      if (c.absentEntries > 0) {
        out << "; absent from " << c.absentEntries << " of " << cat.entries << " entries, first entry "
            << c.firstAbsentEntry;
      }
      out << "\n";
      const auto* def = c.subset ? nullptr : findType(s, c);
      if (verbose) {
        if (cat.entries > 0) {
          char mean[32];
          std::snprintf(mean, sizeof mean, "%.2f", static_cast<double>(c.objects) / static_cast<double>(cat.entries));
          out << "    " << mean << (c.subset ? " references" : " objects") << " per entry\n";
        }
        if (def != nullptr && !def->description.empty()) {
          out << "    " << def->description << "\n";
        }
      }
      if (!c.columns.empty()) {
        std::vector<std::vector<std::string>> rows{{"column", "dtype", "shape", "unit", "kind"}};
        if (verbose) {
          rows.front().insert(rows.front().end(), {"owner", "description"});
        }
        for (const auto& col : c.columns) {
          rows.push_back({col.path, std::string(dtypeName(col.dtype)), shapeText(col.shape),
                          col.unit.empty() ? "-" : col.unit, std::string(columnKindName(col.kind))});
          if (verbose) {
            const auto* cd = findColumn(def, col.path);
            rows.back().push_back(col.owner.empty() ? "-" : col.owner);
            rows.back().push_back(cd == nullptr || cd->description.empty() ? "-" : cd->description);
          }
        }
        printTable(out, "    ", rows);
      }
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

int inspectPodml(const InspectOptions& opts, const GlobalOptions& g) {
  const PodmlSummary summary = summarizePodml(opts.inputs, g);
  if (opts.json) {
    std::cout << json::dump(toJson(summary), 2) << "\n";
  } else if (!g.quiet) {
    printText(summary, std::cout, g.verbose);
  }
  return 0;
}

} // namespace

Runner addInspectCommand(CLI::App& app, const GlobalOptions& g) {
  auto opts = std::make_shared<InspectOptions>();
  auto* cmd = app.add_subcommand("inspect", "Summarise podml files (data models, categories, collections, columns) or an ONNX model (inputs, outputs, card)");
  cmd->footer("Several files or a quoted glob are read as one chain (entries and objects are summed).\n"
              "A single .onnx argument is shown as a model: its inputs, outputs and podml card.\n"
              "-v adds per-file sizes and entries, objects per entry, column owners and descriptions\n"
              "(and a model's training provenance); -q prints nothing and only checks that the files open.\n"
              "--json prints one document (schema: docs/cli.md).\n"
              "Examples:\n"
              "  podml inspect events.h5\n"
              "  podml inspect 'data/run*.h5' --json | python3 -m json.tool\n"
              "  podml inspect -v lepton-id.onnx");
  cmd->add_option("files", opts->inputs, "podml HDF5 file(s) or glob pattern(s), or one ONNX model")->required();
  cmd->add_flag("--json", opts->json, "print one JSON document instead of text");
  return [opts, cmd, &g]() -> int {
    if (!cmd->parsed()) {
      return -1;
    }
    // The one place that picks an inspector by input kind.
    const auto isModel = [](const std::string& f) { return f.ends_with(".onnx"); };
    if (opts->inputs.size() == 1 && isModel(opts->inputs.front())) {
      return inspectModel(opts->inputs.front(), opts->json, g);
    }
    if (std::any_of(opts->inputs.begin(), opts->inputs.end(), isModel)) {
      throw CliError(kExitBadUsage, "cannot inspect ONNX models together with other files",
                     "inspect one model at a time: `podml inspect MODEL.onnx`");
    }
    return inspectPodml(*opts, g);
  };
}

} // namespace podml::cli
