// Tests of the podio YAML reader and validator (gen/YamlReader).
//
// Most cases are data: tests/gen/cases/<name>/ holds a model.yaml and either
// expected_error.txt (the full message, with the case directory stripped from
// paths so it reads `model.yaml:LINE`) or expected_ok.txt (column checks).
// A case may add upstream.yaml (read as model "up") and an include/ directory
// (searched for ExtraCode files). The main model is always called "ex".

#include "podml/Exceptions.h"
#include "podml/Json.h"
#include "podml/gen/Renderer.h"
#include "podml/gen/YamlReader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#ifndef PODML_GEN_CASES_DIR
#error "PODML_GEN_CASES_DIR must be defined (path of tests/gen/cases)"
#endif
#ifndef PODML_EDM4HEP_YAML
#error "PODML_EDM4HEP_YAML must be defined (path of edm4hep.yaml)"
#endif

namespace fs = std::filesystem;
using podml::DefinitionError;
using podml::gen::ReadModel;
using podml::gen::ReadOptions;
using podml::gen::UpstreamModel;
using podml::gen::readModel;
using podml::gen::readModelFromString;

namespace {

const fs::path kCases{PODML_GEN_CASES_DIR};
const fs::path kEdm4hep{PODML_EDM4HEP_YAML};

// EDM4hep's components name `declarationFile: edm4hep/extra_code/CovMatrixCommon.ipp`;
// podml ships its own copy in datamodels/edm4hep-support/include.
fs::path edm4hepExtraCodeDir() {
#ifdef PODML_EDM4HEP_EXTRA_CODE_DIR
  return fs::path(PODML_EDM4HEP_EXTRA_CODE_DIR);
#else
  return (kCases / ".." / ".." / ".." / "datamodels" / "edm4hep-support" / "include").lexically_normal();
#endif
}

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string chomp(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) {
    s.pop_back();
  }
  return s;
}

std::string replaceAll(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size()) {
    s.replace(p, from.size(), to);
  }
  return s;
}

std::vector<std::string> caseNames() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(kCases, ec)) {
    if (e.is_directory()) {
      names.push_back(e.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

ReadModel readCase(const fs::path& dir) {
  std::vector<UpstreamModel> upstream;
  if (fs::exists(dir / "upstream.yaml")) {
    upstream.push_back({"up", dir / "upstream.yaml"});
  }
  ReadOptions options;
  if (fs::is_directory(dir / "include")) {
    options.extraCodePath.push_back(dir / "include");
  }
  return readModel(dir / "model.yaml", "ex", upstream, options);
}

const podml::DatatypeDef& datatype(const podml::DataModelDefinition& dm, const std::string& name) {
  const auto* d = dm.datatype(name);
  if (d == nullptr) {
    throw std::runtime_error("no datatype " + name);
  }
  return *d;
}

class YamlCase : public ::testing::TestWithParam<std::string> {};

TEST_P(YamlCase, MatchesExpectation) {
  const fs::path dir = kCases / GetParam();
  const bool wantError = fs::exists(dir / "expected_error.txt");
  ASSERT_TRUE(wantError || fs::exists(dir / "expected_ok.txt")) << "case " << GetParam() << " has no expectation";
  if (wantError) {
    const std::string expected = chomp(readFile(dir / "expected_error.txt"));
    try {
      readCase(dir);
      FAIL() << "expected DefinitionError: " << expected;
    } catch (const DefinitionError& e) {
      EXPECT_EQ(replaceAll(e.what(), dir.string() + "/", ""), expected);
    }
    return;
  }
  ReadModel model;
  try {
    model = readCase(dir);
  } catch (const DefinitionError& e) {
    FAIL() << "unexpected error: " << e.what();
  }
  std::istringstream lines(readFile(dir / "expected_ok.txt"));
  std::string line;
  int checks = 0;
  while (std::getline(lines, line)) {
    if (line.empty()) {
      continue;
    }
    // `column <Datatype>/<column path> unit <unit>` or `... dtype <dtype>`
    std::istringstream words(line);
    std::string what, where, key, value;
    words >> what >> where >> key >> value;
    ASSERT_EQ(what, "column") << line;
    const auto slash = where.find('/');
    ASSERT_NE(slash, std::string::npos) << line;
    const auto& dt = datatype(model.definition, where.substr(0, slash));
    const auto* col = dt.column(where.substr(slash + 1));
    ASSERT_NE(col, nullptr) << line;
    if (key == "unit") {
      EXPECT_EQ(col->unit, value) << line;
    } else {
      ASSERT_EQ(key, "dtype") << line;
      EXPECT_EQ(podml::dtypeName(col->dtype), value) << line;
    }
    ++checks;
  }
  EXPECT_GT(checks, 0);
}

INSTANTIATE_TEST_SUITE_P(Cases, YamlCase, ::testing::ValuesIn(caseNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(YamlReaderCases, ThereAreEnough) { EXPECT_GE(caseNames().size(), 30u); }

// ------------------------------------------------------------------ EDM4hep

ReadModel readEdm4hep() {
  ReadOptions options;
  options.extraCodePath.push_back(edm4hepExtraCodeDir());
  return readModel(kEdm4hep, "edm4hep", {}, options);
}

TEST(YamlReaderEdm4hep, Counts) {
  const auto model = readEdm4hep();
  const auto& dm = model.definition;
  EXPECT_EQ(dm.name, "edm4hep");
  EXPECT_EQ(dm.schemaVersion, 6u);
  // YAML 1.1 `True`/`False` as written by EDM4hep.
  EXPECT_TRUE(dm.getSyntax);
  EXPECT_FALSE(dm.exposePODMembers);
  EXPECT_TRUE(dm.includeSubfolder);
  EXPECT_EQ(dm.components.size(), 10u);
  EXPECT_EQ(dm.datatypes.size(), 19u + 7u);
  EXPECT_EQ(std::count_if(dm.datatypes.begin(), dm.datatypes.end(), [](const auto& d) { return d.isLink; }), 7);
  EXPECT_EQ(dm.interfaces.size(), 1u);
  EXPECT_EQ(model.yamlHash, podml::contentHash(readFile(kEdm4hep)));
}

TEST(YamlReaderEdm4hep, UnitsAndColumns) {
  const auto model = readEdm4hep();
  const auto& dm = model.definition;
  const auto* ts = dm.component("edm4hep::TrackState");
  ASSERT_NE(ts, nullptr);
  const auto omega = std::find_if(ts->members.begin(), ts->members.end(), [](auto& m) { return m.name == "omega"; });
  ASSERT_NE(omega, ts->members.end());
  EXPECT_EQ(omega->unit, "1/mm");

  const auto& rp = datatype(dm, "edm4hep::ReconstructedParticle");
  const auto* px = rp.column("momentum.x");
  ASSERT_NE(px, nullptr);
  EXPECT_EQ(px->dtype, podml::DType::Float32);
  EXPECT_EQ(px->unit, "GeV");
  const auto* cov = rp.column("covMatrix.values");
  ASSERT_NE(cov, nullptr);
  EXPECT_EQ(cov->shape, std::vector<uint32_t>{10});

  const auto* link = dm.datatype("edm4hep::TrackerHitSimTrackerHitLink");
  ASSERT_NE(link, nullptr);
  EXPECT_TRUE(link->isLink);
  EXPECT_EQ(link->linkFrom, "edm4hep::TrackerHit"); // an interface
}

TEST(YamlReaderEdm4hep, JsonRoundTrip) {
  const auto model = readEdm4hep();
  EXPECT_EQ(model.definition.json, model.json);
  const auto again = podml::DataModelDefinition::fromJson(model.json);
  ASSERT_EQ(again.datatypes.size(), model.definition.datatypes.size());
  for (std::size_t i = 0; i < again.datatypes.size(); ++i) {
    const auto& a = model.definition.datatypes[i];
    const auto& b = again.datatypes[i];
    ASSERT_EQ(a.name, b.name);
    ASSERT_EQ(a.columns.size(), b.columns.size()) << a.name;
    for (std::size_t c = 0; c < a.columns.size(); ++c) {
      EXPECT_EQ(a.columns[c].path, b.columns[c].path) << a.name;
      EXPECT_EQ(a.columns[c].dtype, b.columns[c].dtype) << a.name;
      EXPECT_EQ(a.columns[c].shape, b.columns[c].shape) << a.name;
      EXPECT_EQ(a.columns[c].unit, b.columns[c].unit) << a.name;
    }
    EXPECT_EQ(a.hash, b.hash);
  }
  EXPECT_EQ(again.hash, model.definition.hash);
}

TEST(YamlReaderEdm4hep, JsonLayout) {
  const auto model = readEdm4hep();
  const auto root = podml::json::parse(model.json);
  std::vector<std::string> keys;
  for (const auto& [k, v] : root.asObject()) {
    keys.push_back(k);
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"podml_definition", "name", "schema_version", "options", "upstream",
                                            "components", "datatypes", "interfaces", "links"}));
  // Key order follows the YAML.
  EXPECT_EQ(root["components"].asObject().front().first, "edm4hep::Vector4f");
  EXPECT_EQ(root["datatypes"].asObject().front().first, "edm4hep::EventHeader");
  const auto& header = root["datatypes"]["edm4hep::EventHeader"];
  EXPECT_EQ(header["Members"].asArray().front().asString(), "std::uint64_t eventNumber // event number");
  for (const auto* key : {"Members", "VectorMembers", "OneToOneRelations", "OneToManyRelations"}) {
    EXPECT_TRUE(header[key].isArray()) << key;
  }
  // declarationFile content is inlined under its own key.
  const auto& cov = root["components"]["edm4hep::CovMatrix3f"]["ExtraCode"];
  EXPECT_EQ(cov["declarationFile"].asString(),
            readFile(edm4hepExtraCodeDir() / "edm4hep" / "extra_code" / "CovMatrixCommon.ipp"));
  const auto& link = root["links"]["edm4hep::RecoMCParticleLink"];
  EXPECT_EQ(link["From"].asString(), "edm4hep::ReconstructedParticle");
}

TEST(YamlReaderEdm4hep, MissingExtraCodeFileIsNamed) {
  try {
    readModel(kEdm4hep, "edm4hep");
    FAIL() << "expected the missing declarationFile to be reported";
  } catch (const DefinitionError& e) {
    EXPECT_NE(std::string(e.what()).find("'edm4hep/extra_code/CovMatrixCommon.ipp'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("edm4hep.yaml:116)"), std::string::npos) << e.what();
  }
}

TEST(YamlReaderEdm4hep, AsUpstream) {
  const std::string ext = R"(schema_version: 1
datatypes:
  ext::TaggedTrack:
    Description: "A track with a tag"
    Author: "me"
    Members:
      - float score // classifier score
      - edm4hep::Vector3f direction [GeV] // direction
    OneToOneRelations:
      - edm4hep::Track track // the track
      - edm4hep::TrackerHit firstHit // an interface of the upstream model
)";
  const auto edm = readEdm4hep();
  const auto model = readModelFromString(ext, "ext.yaml", "ext", {edm});
  ASSERT_EQ(model.upstream.size(), 1u);
  EXPECT_EQ(model.upstream[0].name, "edm4hep");
  EXPECT_EQ(model.definition.upstream, std::vector<std::string>{"edm4hep"});
  const auto& tt = datatype(model.definition, "ext::TaggedTrack");
  ASSERT_NE(tt.column("direction.z"), nullptr);
  EXPECT_EQ(tt.column("direction.z")->unit, "GeV");
  ASSERT_NE(tt.relation("firstHit"), nullptr);

  // Without the upstream model the same types are unknown.
  EXPECT_THROW(readModelFromString(ext, "ext.yaml", "ext"), DefinitionError);
}

// ------------------------------------------------------------------ details

TEST(YamlReader, FromStringNamesSource) {
  try {
    readModelFromString("schema_version: 1\ncomponents:\n  ex::V:\n    Members:\n      - float\n", "mem.yaml", "ex");
    FAIL();
  } catch (const DefinitionError& e) {
    EXPECT_EQ(std::string(e.what()),
              "'float' is not a valid member definition. Check syntax of the member definition. (mem.yaml:5)");
  }
}

TEST(YamlReader, NormalisesMembers) {
  const auto m = readModelFromString(R"(schema_version: "2"
options: {getSyntax: yes, exposePODMembers: off}
components:
  ex::C:
    Members:
      - std::array<  uint16_t ,3 >   adc{1, 2, 3} [counts]
      - int64_t big
datatypes:
  ex::D:
    Description: d
    Author: a
    Members:
      - ex::C c //
      - double   e   [GeV/c^2]   //   mass  
)",
                                     "n.yaml", "ex");
  const auto root = podml::json::parse(m.json);
  const auto& c = root["components"]["ex::C"]["Members"].asArray();
  EXPECT_EQ(c[0].asString(), "std::array<std::uint16_t, 3> adc{1, 2, 3} [counts]");
  EXPECT_EQ(c[1].asString(), "std::int64_t big");
  const auto& d = root["datatypes"]["ex::D"]["Members"].asArray();
  EXPECT_EQ(d[0].asString(), "ex::C c");
  EXPECT_EQ(d[1].asString(), "double e [GeV/c^2] // mass");
  EXPECT_EQ(m.definition.schemaVersion, 2u);
  EXPECT_TRUE(m.definition.getSyntax);
  EXPECT_FALSE(m.definition.exposePODMembers);
  EXPECT_FALSE(root["components"]["ex::C"].contains("Description"));
  EXPECT_TRUE(root["components"]["ex::C"]["ExtraCode"].isObject());
}

TEST(YamlReader, SyntaxErrorHasLineAndColumn) {
  try {
    readModelFromString("schema_version: 1\ndatatypes: [\n", "bad.yaml", "ex");
    FAIL();
  } catch (const DefinitionError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("cannot parse data model: ", 0), 0u) << what;
    EXPECT_NE(what.find("(bad.yaml:"), std::string::npos) << what;
  }
}

// Every truncation of a real model, and a few byte mutations, either reads or
// throws DefinitionError: nothing else escapes and nothing crashes.
TEST(YamlReader, NeverCrashes) {
  const std::string text = readFile(kEdm4hep);
  ReadOptions options;
  options.extraCodePath.push_back(edm4hepExtraCodeDir());
  std::vector<std::size_t> cuts;
  for (std::size_t p = 0; p < text.size(); p += 997) {
    cuts.push_back(p);
  }
  for (const auto cut : cuts) {
    try {
      readModelFromString(text.substr(0, cut), kEdm4hep.string(), "edm4hep", {}, options);
    } catch (const DefinitionError&) {
    }
  }
  const std::string small = "schema_version: 1\ncomponents:\n  ex::V:\n    Members:\n      - float x\n"
                            "datatypes:\n  ex::D:\n    Description: d\n    Author: a\n    Members:\n"
                            "      - ex::V v // v\n      - std::array<int, 3> a // a\n";
  const std::string noise = "-:[]{}&*!|>'\"%@`#,? \n\t0x~/";
  for (std::size_t i = 0; i < small.size(); ++i) {
    for (const char c : noise) {
      std::string mutated = small;
      mutated[i] = c;
      try {
        readModelFromString(mutated, "m.yaml", "ex");
      } catch (const DefinitionError&) {
      }
    }
  }
  // Pathological shapes: deep nesting, huge arrays, self-referencing aliases, long lines.
  const std::vector<std::string> weird = {
      std::string(5000, '['),
      "schema_version: 1\ncomponents:\n  ex::V:\n    Members:\n      - std::array<float, 99999999999999999999> v\n",
      "schema_version: 1\ncomponents:\n  ex::V:\n    Members:\n      - std::array<float, 4294967297> v\n",
      "schema_version: 1\ncomponents: &a\n  ex::V: *a\n",
      "schema_version: 1\ndatatypes:\n  ex::D:\n    Description: d\n    Author: a\n    Members:\n      - float x // " +
          std::string(100000, 'x') + "\n",
      "schema_version: [1]\n",
      "schema_version: 1\n? [a, b]\n: c\n",
      "schema_version: 1\ncomponents:\n  ? {a: b}\n  : {Members: []}\n",
      "schema_version: 99999999999999999999999\n",
      "schema_version: -5\n",
      "schema_version: 1\ninterfaces:\n  ex::I:\n    Types: {a: b}\n",
      "schema_version: " + std::string(200000, '7') + "\n",
      "schema_version: '" + std::string(200000, '7') + "'\n",
      "schema_version: 1\noptions:\n  getSyntax: " + std::string(200000, 'y') + "\n",
      "schema_version: 1\ncomponents:\n  ex::" + std::string(200000, 'V') + ":\n    Members: []\n",
      ",\n",
      "a: 1\n---\nb: 2\n",
  };
  for (const auto& w : weird) {
    EXPECT_THROW(readModelFromString(w, "w.yaml", "ex"), DefinitionError) << w.substr(0, 80);
  }
  // Long, but within the limit: real descriptions can be a paragraph.
  const auto longDescription = readModelFromString("schema_version: 1\ndatatypes:\n  ex::D:\n    Description: d\n"
                                                   "    Author: a\n    Members:\n      - float x // " +
                                                       std::string(4000, 'x') + "\n",
                                                   "w.yaml", "ex");
  EXPECT_EQ(longDescription.definition.datatypes.at(0).members.at(0).description, std::string(4000, 'x'));
}

} // namespace

namespace {

// Upstream chains: each upstream file is validated with the ones listed before it.
TEST(YamlReader, UpstreamChainFromFiles) {
  const fs::path dir = fs::temp_directory_path() / ("podml_yaml_chain_" + std::to_string(::getpid()));
  fs::create_directories(dir / "code");
  const auto write = [&](const fs::path& p, const std::string& text) { std::ofstream(dir / p) << text; };
  write("base.yaml", "schema_version: 1\ncomponents:\n  base::V:\n    Members:\n      - float x [mm]\n");
  write("mid.yaml", "schema_version: 1\ndatatypes:\n  mid::P:\n    Description: p\n    Author: a\n    Members:\n"
                    "      - base::V v // v\n");
  write("code/P.cc", "// implementation\n");
  write("top.yaml", "schema_version: 3\ndatatypes:\n  top::T:\n    Description: t\n    Author: a\n    Members:\n"
                    "      - base::V w // w\n    OneToManyRelations:\n      - mid::P ps // ps\n"
                    "    ExtraCode:\n      implementationFile: code/P.cc\n");
  const auto model = readModel(dir / "top.yaml", "top", {{"base", dir / "base.yaml"}, {"mid", dir / "mid.yaml"}});
  ASSERT_EQ(model.upstream.size(), 2u);
  EXPECT_EQ(model.upstream[0].name, "base");
  EXPECT_EQ(model.upstream[1].name, "mid");
  EXPECT_EQ(model.upstream[1].upstream, std::vector<std::string>{"base"});
  EXPECT_EQ(model.definition.upstream, (std::vector<std::string>{"base", "mid"}));
  const auto& t = datatype(model.definition, "top::T");
  ASSERT_NE(t.column("w.x"), nullptr);
  EXPECT_EQ(t.column("w.x")->unit, "mm");
  EXPECT_EQ(t.extraCode.at("implementationFile"), "// implementation\n");

  // The same text from memory resolves ExtraCode files next to sourceName.
  const std::string text = readFile(dir / "top.yaml");
  std::vector<ReadModel> ups{readModel(dir / "base.yaml", "base"),
                             readModel(dir / "mid.yaml", "mid", {{"base", dir / "base.yaml"}})};
  const auto again = readModelFromString(text, (dir / "top.yaml").string(), "top", ups);
  EXPECT_EQ(again.json, model.json);

  // An upstream error names the upstream file.
  write("bad.yaml", "schema_version: 0\n");
  try {
    readModel(dir / "top.yaml", "top", {{"bad", dir / "bad.yaml"}});
    FAIL();
  } catch (const DefinitionError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.yaml:1)"), std::string::npos) << e.what();
  }
  fs::remove_all(dir);
}

} // namespace

// The name becomes a directory and an identifier: `../x` once wrote outside the output directory.
TEST(YamlReader, ModelNameMustBeAnIdentifier) {
  const std::string yaml = "schema_version: 1\ncomponents:\n  ex::V:\n    Members:\n      - float x\n";
  for (const std::string& bad : std::vector<std::string>{"../../x", "a/b", "my-model", "", "1st", "class", std::string("a\0b", 3)}) {
    try {
      readModelFromString(yaml, "n.yaml", bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const DefinitionError& e) {
      EXPECT_NE(std::string(e.what()).find("is not valid for n.yaml: it names the include directory"),
                std::string::npos)
          << e.what();
    }
  }
  EXPECT_EQ(readModelFromString(yaml, "n.yaml", "_my_model2").definition.name, "_my_model2");
}

TEST(YamlReader, WholeNumberSchemaVersionWrittenAsFloatReads) {
  const auto m = readModelFromString("schema_version: 3.0\n", "v.yaml", "ex");
  EXPECT_EQ(m.definition.schemaVersion, 3u);
}

TEST(Renderer, WritesNothingOutsideTheOutputDirectory) {
  const fs::path dir = fs::temp_directory_path() / ("podml-render-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  EXPECT_THROW(podml::gen::writeIfChanged({{"include/../../escaped.h", "x"}}, dir / "out"), podml::IoError);
  EXPECT_THROW(podml::gen::writeIfChanged({{"/tmp/abs.h", "x"}}, dir / "out"), podml::IoError);
  EXPECT_FALSE(fs::exists(dir / "escaped.h"));
  EXPECT_EQ(podml::gen::writeIfChanged({{"include/a/../b.h", "x"}}, dir / "out"), 1u);
  EXPECT_TRUE(fs::exists(dir / "out" / "include" / "b.h"));
  fs::remove_all(dir);
}
