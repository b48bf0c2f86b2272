/// \file YamlReader.cc
/// podio's YAML reader (`podio_config_reader.py`) and class definition validator
/// re-implemented on yaml-cpp. The order of the checks and the message texts follow
/// podio (commit 203f763, see notes/podio-validation.md) so a data model that podio
/// rejects is rejected here with the same words; `(file:line)` is added because a
/// C++ tool, unlike a Python traceback, has no other way to point at the YAML.
/// Checks podio 1.x added after that commit (links, unknown keys, ...) and the few
/// podml adds (member name clashes with relations, interface members present in
/// every Type, component cycles, duplicate keys) use podio-style wording.

#include "podml/gen/YamlReader.h"

#include "CppKeywords.h"

#include "podml/Exceptions.h"
#include "podml/Json.h"
#include "podml/Text.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <system_error>
#include <utility>

namespace podml::gen {

namespace {

namespace fs = std::filesystem;

// podio's BUILTIN_TYPES and ALLOWED_FIXED_WIDTH_TYPES.
constexpr std::array<std::string_view, 12> kBuiltinTypes = {
    "int",  "long", "float", "double", "unsigned int", "unsigned", "unsigned long", "char", "short", "bool",
    "long long", "unsigned long long"};
constexpr std::array<std::string_view, 6> kAllowedFixedWidth = {"int16_t",  "int32_t",  "int64_t",
                                                                "uint16_t", "uint32_t", "uint64_t"};

constexpr std::array<std::string_view, 6> kTopLevelKeys = {"schema_version", "options",    "components",
                                                           "datatypes",      "interfaces", "links"};
constexpr std::array<std::string_view, 3> kOptionKeys = {"getSyntax", "exposePODMembers", "includeSubfolder"};
constexpr std::array<std::string_view, 4> kComponentFields = {"Members", "ExtraCode", "Description", "Author"};
// podio allows only declaration/includes in components; podio 1.x (and EDM4hep's
// CovMatrixNf) also uses declarationFile, which podml inlines.
constexpr std::array<std::string_view, 3> kComponentExtraCode = {"declaration", "includes", "declarationFile"};
constexpr std::array<std::string_view, 8> kDatatypeFields = {
    "Description", "Author", "Members", "VectorMembers", "OneToOneRelations", "OneToManyRelations",
    "ExtraCode",   "MutableExtraCode"};
constexpr std::array<std::string_view, 2> kNotYetImplementedFields = {"TransientMembers", "Typedefs"};
// podio lists declarationFile/implementationFile as "not yet implemented"; podml implements them.
constexpr std::array<std::string_view, 5> kDatatypeExtraCode = {"declaration", "implementation", "includes",
                                                                "declarationFile", "implementationFile"};
constexpr std::array<std::string_view, 4> kInterfaceFields = {"Description", "Author", "Members", "Types"};
constexpr std::array<std::string_view, 4> kLinkFields = {"Description", "Author", "From", "To"};
constexpr std::array<std::string_view, 2> kLinkRequired = {"From", "To"};
constexpr std::array<std::string_view, 4> kMemberCategories = {"Members", "VectorMembers", "OneToOneRelations",
                                                               "OneToManyRelations"};

// Longer member lines are refused: libstdc++'s std::regex recurses per character
// and would exhaust the stack long before any real description gets that long.
constexpr std::size_t kMaxMemberLine = 4096;
// Numbers are matched with std::regex too; nothing this long is a 32-bit version.
constexpr std::size_t kMaxNumberText = 64;
// A std::array member becomes one row of a column; beyond this it is surely a typo.
constexpr uint32_t kMaxArraySize = 1u << 20;

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& list, std::string_view s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

/// Python's repr() of a str, so list messages read like podio's `['Foo', 'Bar']`.
std::string pyRepr(const std::string& s) {
  const char q = (s.find('\'') != std::string::npos && s.find('"') == std::string::npos) ? '"' : '\'';
  std::string out(1, q);
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (ch == q || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\r') {
      out += "\\r";
    } else if (ch == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xf];
    } else {
      out += ch;
    }
  }
  out += q;
  return out;
}

std::string pyList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += (i ? ", " : "") + pyRepr(items[i]);
  }
  return out + "]";
}

/// Splits like Python's str.split("::").
std::vector<std::string> splitScope(const std::string& s) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const auto p = s.find("::", start);
    if (p == std::string::npos) {
      parts.push_back(s.substr(start));
      return parts;
    }
    parts.push_back(s.substr(start, p - start));
    start = p + 2;
  }
}

// PyYAML (YAML 1.1) booleans, as podio reads them; compared as strings, not
// with std::regex, so arbitrarily long scalars cannot exhaust the stack.
constexpr std::array<std::string_view, 9> kYamlTrue = {"yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"};
constexpr std::array<std::string_view, 9> kYamlFalse = {"no",    "No",    "NO",  "false", "False",
                                                        "FALSE", "off",   "Off", "OFF"};

std::string stripStd(const std::string& t) { return t.starts_with("std::") ? t.substr(5) : t; }

bool isBuiltinName(const std::string& t) { return contains(kBuiltinTypes, t); }

const char* kindName(const YAML::Node& n) {
  switch (n.Type()) {
  case YAML::NodeType::Null:
    return "null";
  case YAML::NodeType::Scalar:
    return "a string";
  case YAML::NodeType::Sequence:
    return "a list";
  case YAML::NodeType::Map:
    return "a map";
  default:
    return "undefined";
  }
}

/// One `key: value` of a YAML map, with the key's line for messages.
struct Entry {
  std::string key;
  int line{0};
  YAML::Node value;
};

/// A member line after podio's MemberParser and MemberVariable.
struct Member {
  MemberDef def;
  bool isBuiltin{false};      ///< builtin or allowed fixed-width scalar (podio's is_builtin)
  bool isBuiltinArray{false}; ///< std::array of such (podio's is_builtin_array)
  int line{0};
};

/// A component, datatype, interface or link as read from the YAML.
struct TypeDef {
  std::string name;
  int line{0};
  std::vector<Entry> fields;
  std::map<std::string, std::vector<Member>> members; ///< by category (Members, VectorMembers, ...)
  std::vector<std::pair<std::string, int>> types;     ///< interface Types
  std::vector<std::pair<std::string, std::string>> extraCode;
  std::vector<std::pair<std::string, std::string>> mutableExtraCode;

  const Entry* field(std::string_view key) const {
    for (const auto& f : fields) {
      if (f.key == key) {
        return &f;
      }
    }
    return nullptr;
  }
  const std::vector<Member>& category(const std::string& key) const {
    static const std::vector<Member> empty;
    const auto it = members.find(key);
    return it == members.end() ? empty : it->second;
  }
};

class Reader {
public:
  Reader(std::string_view text, std::string file, std::string name, std::vector<const DataModelDefinition*> upstream,
         fs::path baseDir, const ReadOptions& options)
      : m_text(text), m_file(std::move(file)), m_name(std::move(name)), m_upstream(std::move(upstream)),
        m_baseDir(std::move(baseDir)), m_options(options) {}

  /// Parses, validates and returns the canonical JSON.
  std::string run() {
    load();
    parseModel();
    validate();
    return buildJson();
  }

private:
  // ---------------------------------------------------------------- helpers
  [[noreturn]] void fail(int line, const std::string& msg) const {
    throw DefinitionError(msg + " (" + m_file + ":" + std::to_string(line) + ")");
  }

  static int lineOf(const YAML::Node& n, int fallback) {
    if (!n.IsDefined() || n.IsNull()) {
      return fallback; // yaml-cpp marks an empty value where the *next* token starts
    }
    const auto m = n.Mark();
    return m.is_null() ? fallback : m.line + 1;
  }

  /// The entries of a map in YAML order; duplicate keys are an error because
  /// PyYAML would silently keep the last one and drop a whole type definition.
  std::vector<Entry> entries(const YAML::Node& map, const std::string& what, int fallbackLine) const {
    std::vector<Entry> out;
    std::map<std::string, int> seen;
    for (const auto& kv : map) { // by value: yaml-cpp's iterator `->` yields a temporary
      const YAML::Node k = kv.first;
      const int line = lineOf(k, fallbackLine);
      if (!k.IsScalar()) {
        fail(line, "keys of " + what + " must be plain strings, not " + kindName(k));
      }
      const std::string key = k.Scalar();
      if (const auto prev = seen.find(key); prev != seen.end()) {
        fail(line, "'" + key + "' is defined twice in " + what + " (first at line " + std::to_string(prev->second) +
                       ")");
      }
      seen.emplace(key, line);
      out.push_back({key, line, kv.second});
    }
    return out;
  }

  /// Text of a scalar field (Description, Author, ExtraCode, From, To); null reads as empty.
  std::string scalarText(const Entry& e, const std::string& owner) const {
    if (e.value.IsNull()) {
      return {};
    }
    if (!e.value.IsScalar()) {
      fail(e.line, "'" + e.key + "' of '" + owner + "' must be a string, not " + kindName(e.value));
    }
    return e.value.Scalar();
  }

  // ------------------------------------------------------------------ load
  /// Counts documents without building nodes (see load()).
  class DocumentProbe : public YAML::EventHandler {
  public:
    YAML::Mark start;
    void OnDocumentStart(const YAML::Mark& mark) override { start = mark; }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}
  };

  [[noreturn]] void failParse(const std::string& msg, const YAML::Mark& mark) const {
    std::string where = m_file;
    if (!mark.is_null()) {
      where += ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
    }
    throw DefinitionError("cannot parse data model: " + msg + " (" + where + ")");
  }

  void load() {
    // yaml-cpp 0.7's LoadAll() loops forever, allocating, on a stray `,` at
    // document level (jbeder/yaml-cpp#1040, fixed upstream by PR #1319). So the
    // documents are counted with a bounded number of HandleNextDocument() calls,
    // and only then is the first one loaded.
    requireUtf8Text(m_text, "data model", m_file);
    const std::string text(m_text);
    std::vector<YAML::Node> docs;
    try {
      std::istringstream stream(text);
      YAML::Parser parser(stream);
      DocumentProbe first;
      if (parser.HandleNextDocument(first)) {
        DocumentProbe second;
        if (parser.HandleNextDocument(second)) {
          if (second.start.pos == first.start.pos) { // no progress: a token no rule consumes
            const auto pos = static_cast<std::size_t>(std::max(0, first.start.pos));
            failParse("unexpected '" + text.substr(pos, 1) + "'", first.start);
          }
          failParse("expected a single document in the stream", second.start);
        }
        docs.push_back(YAML::Load(text));
      }
    } catch (const YAML::Exception& e) {
      failParse(e.msg, e.mark);
    }
    if (docs.empty() || docs[0].IsNull()) {
      fail(docs.empty() ? 1 : lineOf(docs[0], 1),
           "the data model is empty; it must be a map with at least a 'schema_version'");
    }
    if (!docs[0].IsMap()) {
      fail(lineOf(docs[0], 1), std::string("the data model must be a map of sections (schema_version, options, "
                                           "components, datatypes, interfaces, links), not ") +
                                   kindName(docs[0]));
    }
    m_root = docs[0];
    m_rootLine = lineOf(m_root, 1);
  }

  // ----------------------------------------------------------- parse phase
  /// podio's parse_model: schema_version, member lines of every type, options.
  void parseModel() {
    m_top = entries(m_root, "the data model", m_rootLine);
    parseSchemaVersion();
    for (const auto& e : m_top) {
      if (!contains(kTopLevelKeys, e.key)) {
        fail(e.line, "'" + e.key + "' is not a valid top-level key of a data model. Only 'schema_version', "
                                   "'options', 'components', 'datatypes', 'interfaces' and 'links' are allowed");
      }
    }
    m_components = parseSection("components", [&](TypeDef& t) {
      if (const auto* f = t.field("Members")) {
        t.members["Members"] = parseMemberList(*f, t.name, false);
      }
    });
    m_datatypes = parseSection("datatypes", [&](TypeDef& t) {
      for (const auto cat : kMemberCategories) {
        if (const auto* f = t.field(cat)) {
          t.members[std::string(cat)] = parseMemberList(*f, t.name, true);
        }
      }
    });
    m_interfaces = parseSection("interfaces", [&](TypeDef& t) {
      if (const auto* f = t.field("Members")) {
        t.members["Members"] = parseMemberList(*f, t.name, true);
      }
      if (const auto* f = t.field("Types")) {
        if (!f->value.IsNull() && !f->value.IsSequence()) {
          fail(f->line, "'Types' of interface '" + t.name + "' must be a list of datatypes, not " +
                            kindName(f->value));
        }
        for (const auto& item : f->value) {
          const int line = lineOf(item, f->line);
          if (!item.IsScalar()) {
            fail(line, "'Types' of interface '" + t.name + "' must be a list of datatype names, found " +
                           kindName(item));
          }
          checkNamespace(item.Scalar(), line);
          t.types.emplace_back(item.Scalar(), line);
        }
      }
    });
    m_links = parseSection("links", [](TypeDef&) {});
    parseOptions();
  }

  const Entry* topLevel(std::string_view key) const {
    for (const auto& e : m_top) {
      if (e.key == key) {
        return &e;
      }
    }
    return nullptr;
  }

  /// Python's int() applied to what PyYAML's SafeLoader makes of the value.
  void parseSchemaVersion() {
    const Entry* e = topLevel("schema_version");
    if (!e) {
      fail(m_rootLine, "Please provide a 'schema_version' in your definition");
    }
    const YAML::Node& v = e->value;
    const int line = lineOf(v, e->line);
    const auto notInt = [&](const std::string& shown) {
      fail(line, "schema_version has to be convertible to int (is " + shown + ")");
    };
    if (v.IsNull()) {
      notInt("None");
    }
    if (!v.IsScalar()) {
      notInt(v.IsSequence() ? "a list" : "a map");
    }
    const std::string text = v.Scalar();
    const bool plain = v.Tag() == "?";
    std::optional<long double> value;
    if (plain) {
      static const std::regex yamlInt("[-+]?(?:0|[1-9][0-9_]*|0x[0-9a-fA-F_]+|0b[01_]+|0[0-7_]+)");
      static const std::regex yamlFloat(
          "[-+]?(?:[0-9][0-9_]*\\.[0-9_]*(?:[eE][-+][0-9]+)?|\\.[0-9_]+(?:[eE][-+][0-9]+)?)");
      if (contains(kYamlTrue, text)) {
        value = 1;
      } else if (contains(kYamlFalse, text)) {
        value = 0;
      } else if (text.size() <= kMaxNumberText &&
                 (std::regex_match(text, yamlInt) || std::regex_match(text, yamlFloat))) {
        std::string digits;
        for (char c : text) {
          if (c != '_') {
            digits += c;
          }
        }
        const bool neg = !digits.empty() && digits[0] == '-';
        std::string body = digits[0] == '-' || digits[0] == '+' ? digits.substr(1) : digits;
        int base = 10;
        if (body.starts_with("0x")) {
          base = 16, body = body.substr(2);
        } else if (body.starts_with("0b")) {
          base = 2, body = body.substr(2);
        } else if (body.size() > 1 && body[0] == '0' && body.find_first_of(".eE") == std::string::npos) {
          base = 8;
        }
        if (base == 10 && body.find_first_of(".eE") != std::string::npos) {
          // podio's int() would truncate 2.5 to 2 without a word; a version is a count, so refuse it.
          const long double v = std::strtold(body.c_str(), nullptr);
          if (v != std::trunc(v)) {
            fail(line, "schema_version has to be a whole number (is " + text + "); podio would silently read it as " +
                           std::to_string(static_cast<long long>(std::min<long double>(std::trunc(v), 9.2e18L))));
          }
          value = v;
        } else {
          long double acc = 0;
          for (char c : body) {
            acc = acc * base + static_cast<long double>(std::isdigit(static_cast<unsigned char>(c))
                                                            ? c - '0'
                                                            : std::tolower(static_cast<unsigned char>(c)) - 'a' + 10);
          }
          value = acc;
        }
        if (neg) {
          value = -*value;
        }
      }
    } else {
      // A quoted string: Python's int(str) takes optional whitespace, sign, digits with single underscores.
      static const std::regex pyInt("\\s*[-+]?[0-9](?:_?[0-9])*\\s*");
      if (text.size() <= kMaxNumberText && std::regex_match(text, pyInt)) {
        std::string digits;
        for (char c : text) {
          if (c != '_' && !std::isspace(static_cast<unsigned char>(c))) {
            digits += c;
          }
        }
        value = std::strtold(digits.c_str(), nullptr);
      }
    }
    if (!value) {
      notInt(text);
    }
    if (*value <= 0) {
      std::ostringstream os;
      os << static_cast<long long>(std::max<long double>(*value, -9.2e18L));
      fail(line, "schema_version has to be larger than 0 (is " + os.str() + ")");
    }
    if (*value > static_cast<long double>(UINT32_MAX)) {
      fail(line, "schema_version has to fit into 32 bits (is " + text + ")");
    }
    m_schemaVersion = static_cast<uint32_t>(*value);
  }

  /// Reads one section (components, datatypes, ...) into TypeDefs; `members`
  /// parses the member lines, as podio does before it validates anything.
  std::vector<TypeDef> parseSection(std::string_view section, const std::function<void(TypeDef&)>& members) {
    std::vector<TypeDef> out;
    const Entry* e = topLevel(section);
    if (!e || e->value.IsNull()) {
      return out;
    }
    const std::string what = std::string(section);
    if (!e->value.IsMap()) {
      fail(e->line, "'" + what + "' must be a map from type names to their definitions, not " +
                        std::string(kindName(e->value)));
    }
    const std::string kind = what.substr(0, what.size() - 1); // "component", "datatype", ...
    for (auto& t : entries(e->value, "'" + what + "'", e->line)) {
      checkTypeName(t.key, t.line);
      if (!t.value.IsMap()) {
        fail(t.line, kind + " '" + t.key + "' must be a map of its fields, not " + kindName(t.value));
      }
      TypeDef def;
      def.name = t.key;
      def.line = t.line;
      def.fields = entries(t.value, kind + " '" + t.key + "'", t.line);
      members(def);
      out.push_back(std::move(def));
    }
    return out;
  }

  void checkNamespace(const std::string& fullType, int line) const {
    if (splitScope(fullType).size() > 2) {
      fail(line, "'" + fullType + "' is a type with a nested namespace. not supported, yet.");
    }
  }

  /// Type names become C++ class names (and header paths), so they must be
  /// `Name` or `ns::Name`; podio only catches the nested namespace.
  void checkTypeName(const std::string& name, int line) const {
    checkNamespace(name, line);
    static const std::regex valid("(?:[A-Za-z_][A-Za-z0-9_]*::)?[A-Za-z_][A-Za-z0-9_]*");
    if (name.size() > 1024 || !std::regex_match(name, valid)) {
      fail(line, "'" + name + "' is not a valid type name. Use '<name>' or '<namespace>::<name>'");
    }
    for (const auto& part : splitScope(name)) {
      if (isCppKeyword(part)) {
        fail(line, "'" + name + "' is not a valid type name: '" + part + "' is a C++ keyword");
      }
    }
  }

  std::vector<Member> parseMemberList(const Entry& f, const std::string& owner, bool requireDescription) const {
    std::vector<Member> out;
    if (f.value.IsNull()) {
      return out;
    }
    if (!f.value.IsSequence()) {
      fail(f.line, "'" + f.key + "' of '" + owner + "' must be a list of member definitions, not " +
                       kindName(f.value));
    }
    for (const auto& item : f.value) {
      out.push_back(parseMember(item, requireDescription, f.line));
    }
    return out;
  }

  /// podio's fixed-width check: allowed ones are normalised, the rest are refused.
  bool isFixedWidth(const std::string& typeName, int line) const {
    static const std::regex anyFixedWidth("u?int(_(fast|least))?(8|16|32|64)_t");
    const std::string t = stripStd(typeName);
    if (std::regex_search(t, anyFixedWidth, std::regex_constants::match_continuous)) {
      if (!contains(kAllowedFixedWidth, t)) {
        fail(line, t + " is a fixed width integer type that is not allowed");
      }
      return true;
    }
    return false;
  }

  /// podio's MemberParser.parse followed by the MemberVariable constructor.
  Member parseMember(const YAML::Node& n, bool requireDescription, int fallbackLine) const {
    Member m;
    m.line = lineOf(n, fallbackLine);
    if (!n.IsScalar()) {
      fail(m.line, std::string("member definitions must be strings like '<type> <name> // <comment>', found ") +
                       kindName(n));
    }
    const std::string s = n.Scalar();
    const std::string invalid = "'" + s + "' is not a valid member definition. ";
    if (s.size() > kMaxMemberLine) {
      fail(m.line, "'" + s.substr(0, 40) + "...' is not a valid member definition. It is longer than " +
                       std::to_string(kMaxMemberLine) + " characters");
    }
    std::variant<MemberDef, MemberParseError> parsed = MemberParseError{};
    try {
      parsed = parseMemberLine(s);
    } catch (const std::exception&) {
      parsed = MemberParseError{"unparsable"}; // e.g. an array size beyond unsigned long
    }
    if (std::holds_alternative<MemberParseError>(parsed)) {
      fail(m.line, invalid + "Check syntax of the member definition.");
    }
    m.def = std::get<MemberDef>(std::move(parsed));
    if (isCppKeyword(m.def.name)) {
      fail(m.line, invalid + "'" + m.def.name + "' is a C++ keyword and cannot name a member.");
    }
    if (requireDescription && m.def.description.empty()) {
      // The description is empty either because there is no `//` (podio's bare
      // regexes matched) or because the comment is blank (podio accepts that).
      std::string t = s;
      while (!t.empty() && std::string_view(" \t\r\n").find(t.back()) != std::string_view::npos) {
        t.pop_back();
      }
      if (!t.ends_with("//")) {
        fail(m.line, invalid + "Description comment is missing.\nCorrect Syntax: <type> <name> // <comment>");
      }
    }
    if (m.def.isArray) {
      // parseMemberLine narrows the size to 32 bits; compare with the written digits.
      static const std::regex sizeRe("< *[^,>]*, *0*([0-9]+) *>");
      std::smatch sm;
      const bool found = std::regex_search(s, sm, sizeRe);
      if (!found || sm[1].str() != std::to_string(m.def.arraySize) || m.def.arraySize > kMaxArraySize) {
        fail(m.line, invalid + "The array size must be between 1 and " + std::to_string(kMaxArraySize) + ".");
      }
      m.isBuiltinArray = isBuiltinName(m.def.arrayType);
      if (!m.isBuiltinArray && isFixedWidth(m.def.arrayType, m.line)) {
        m.def.arrayType = "std::" + stripStd(m.def.arrayType);
        m.isBuiltinArray = true;
      }
      m.def.type = "std::array<" + m.def.arrayType + ", " + std::to_string(m.def.arraySize) + ">";
    }
    const bool fixedWidth = isFixedWidth(m.def.type, m.line);
    if (fixedWidth && !m.def.isArray) {
      m.def.type = "std::" + stripStd(m.def.type);
    }
    m.isBuiltin = !m.def.isArray && (isBuiltinName(m.def.type) || fixedWidth);
    checkNamespace(m.def.isArray ? m.def.arrayType : m.def.type, m.line);
    return m;
  }

  void parseOptions() {
    const Entry* e = topLevel("options");
    if (!e || e->value.IsNull()) {
      return;
    }
    if (!e->value.IsMap()) {
      fail(e->line, std::string("'options' must be a map, not ") + kindName(e->value));
    }
    for (const auto& o : entries(e->value, "'options'", e->line)) {
      if (!contains(kOptionKeys, o.key)) {
        fail(o.line, "'" + o.key + "' is not a valid option. Only 'getSyntax', 'exposePODMembers' and "
                                   "'includeSubfolder' are allowed");
      }
      // Only plain YAML booleans; quoted text would be a (always truthy) str in podio.
      bool value = false;
      if (o.value.IsScalar() && o.value.Tag() == "?" && contains(kYamlTrue, o.value.Scalar())) {
        value = true;
      } else if (o.value.IsScalar() && o.value.Tag() == "?" && contains(kYamlFalse, o.value.Scalar())) {
        value = false;
      } else {
        fail(lineOf(o.value, o.line), "option '" + o.key + "' must be true or false, not " +
                                          (o.value.IsScalar() ? "'" + o.value.Scalar() + "'"
                                                              : std::string(kindName(o.value))));
      }
      if (o.key == "getSyntax") {
        m_getSyntax = value;
      } else if (o.key == "exposePODMembers") {
        m_exposePODMembers = value;
      } else {
        m_includeSubfolder = value;
      }
    }
  }

  // ------------------------------------------------------- type lookups
  static const TypeDef* findLocal(const std::vector<TypeDef>& list, const std::string& name) {
    for (const auto& t : list) {
      if (t.name == name) {
        return &t;
      }
    }
    return nullptr;
  }

  bool isComponent(const std::string& name) const {
    if (findLocal(m_components, name)) {
      return true;
    }
    return std::any_of(m_upstream.begin(), m_upstream.end(), [&](auto* u) { return u->component(name) != nullptr; });
  }

  /// Names and types of a component's direct members (local first, then upstream).
  std::optional<std::vector<std::pair<std::string, std::string>>> componentMembers(const std::string& name) const {
    std::vector<std::pair<std::string, std::string>> out;
    if (const auto* t = findLocal(m_components, name)) {
      for (const auto& m : t->category("Members")) {
        out.emplace_back(m.def.name, m.def.isArray ? m.def.arrayType : m.def.type);
      }
      return out;
    }
    for (const auto* u : m_upstream) {
      if (const auto* c = u->component(name)) {
        for (const auto& m : c->members) {
          out.emplace_back(m.name, m.valueType());
        }
        return out;
      }
    }
    return std::nullopt;
  }

  bool isDatatype(const std::string& name) const {
    if (findLocal(m_datatypes, name)) {
      return true;
    }
    return std::any_of(m_upstream.begin(), m_upstream.end(), [&](auto* u) {
      const auto* d = u->datatype(name);
      return d != nullptr && !d->isLink;
    });
  }

  bool isInterface(const std::string& name) const {
    if (findLocal(m_interfaces, name)) {
      return true;
    }
    return std::any_of(m_upstream.begin(), m_upstream.end(), [&](auto* u) { return u->interface(name) != nullptr; });
  }

  bool isLink(const std::string& name) const {
    if (findLocal(m_links, name)) {
      return true;
    }
    return std::any_of(m_upstream.begin(), m_upstream.end(), [&](auto* u) {
      const auto* d = u->datatype(name);
      return d != nullptr && d->isLink;
    });
  }

  /// Members (name -> full type) of a datatype, local or upstream.
  std::vector<std::pair<std::string, std::string>> datatypeMembers(const std::string& name) const {
    std::vector<std::pair<std::string, std::string>> out;
    if (const auto* t = findLocal(m_datatypes, name)) {
      for (const auto& m : t->category("Members")) {
        out.emplace_back(m.def.name, m.def.type);
      }
      return out;
    }
    for (const auto* u : m_upstream) {
      if (const auto* d = u->datatype(name)) {
        for (const auto& m : d->members) {
          out.emplace_back(m.name, m.type);
        }
        return out;
      }
    }
    return out;
  }

  /// Whether the (immutable) ExtraCode declaration of a datatype mentions `getter(`:
  /// podio lets ExtraCode supply what an interface needs (e.g. `int PDG() const {...}`).
  bool extraCodeDeclares(const std::string& type, const std::string& getter) const {
    const std::string needle = getter + "(";
    if (const auto* t = findLocal(m_datatypes, type)) {
      for (const auto& [key, text] : t->extraCode) {
        if ((key == "declaration" || key == "declarationFile") && text.find(needle) != std::string::npos) {
          return true;
        }
      }
      return false;
    }
    for (const auto* u : m_upstream) {
      if (const auto* d = u->datatype(type)) {
        for (const auto& [key, text] : d->extraCode) {
          if ((key == "declaration" || key == "declarationFile") && text.find(needle) != std::string::npos) {
            return true;
          }
        }
      }
    }
    return false;
  }

  // -------------------------------------------------------------- validate
  /// podio's ClassDefinitionValidator.validate, then the links podio 1.x added.
  void validate() {
    for (auto& c : m_components) {
      checkComponent(c);
    }
    for (auto& d : m_datatypes) {
      checkDatatype(d);
    }
    for (auto& i : m_interfaces) {
      checkInterface(i);
    }
    for (auto& l : m_links) {
      checkLink(l);
    }
  }

  /// Reads ExtraCode (or MutableExtraCode) after its keys were checked; file
  /// variants are inlined so the JSON (and the hash) carries what is compiled.
  std::vector<std::pair<std::string, std::string>> readExtraCode(const Entry& e, const std::string& owner) const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& k : entries(e.value, "'" + e.key + "' of '" + owner + "'", e.line)) {
      std::string text = scalarText(k, owner);
      if (k.key.ends_with("File")) {
        text = readExtraCodeFile(text, lineOf(k.value, k.line), owner, e.key, k.key);
      }
      out.emplace_back(k.key, std::move(text));
    }
    return out;
  }

  std::string readExtraCodeFile(const std::string& rel, int line, const std::string& owner, const std::string& section,
                                const std::string& key) const {
    const std::string what = "'" + owner + "' " + section + " '" + key + "'";
    if (rel.empty()) {
      fail(line, what + " does not name a file");
    }
    std::vector<fs::path> candidates{m_baseDir / rel};
    for (const auto& dir : m_options.extraCodePath) {
      candidates.push_back(dir / rel);
    }
    std::string tried;
    for (const auto& p : candidates) {
      std::error_code ec;
      if (fs::is_regular_file(p, ec)) {
        std::ifstream in(p, std::ios::binary);
        std::ostringstream ss;
        ss << in.rdbuf();
        if (!in.bad()) {
          return ss.str();
        }
      }
      tried += (tried.empty() ? "'" : ", '") + p.string() + "'";
    }
    if (!m_options.requireExtraCodeFiles) {
      return {}; // only the definition is wanted: ExtraCode does not change members or columns
    }
    fail(line, what + " refers to '" + rel + "', which was not found (tried " + tried + ")");
  }

  void checkExtraCodeKeys(const TypeDef& t, const Entry& e, const std::string& section) const {
    if (e.value.IsNull()) {
      return;
    }
    if (!e.value.IsMap()) {
      fail(e.line, "'" + section + "' of '" + t.name + "' must be a map, not " + kindName(e.value));
    }
    std::vector<std::string> invalid;
    int firstLine = 0;
    for (const auto& k : entries(e.value, "'" + section + "' of '" + t.name + "'", e.line)) {
      if (!contains(kDatatypeExtraCode, k.key)) {
        if (invalid.empty()) {
          firstLine = k.line;
        }
        invalid.push_back(k.key);
      }
    }
    if (!invalid.empty()) {
      fail(firstLine, t.name + " defines invalid '" + section + "' categories: " + pyList(invalid));
    }
  }

  /// A type name may name one kind of type only; returns the kind it already has.
  std::optional<std::string> otherKind(const std::string& name, std::string_view self) const {
    if (self != "datatype" && isDatatype(name)) {
      return "datatype";
    }
    if (self != "interface" && isInterface(name)) {
      return "interface";
    }
    if (self != "component" && isComponent(name)) {
      return "component";
    }
    if (self != "link" && isLink(name)) {
      return "link";
    }
    return std::nullopt;
  }

  void checkComponent(TypeDef& c) {
    for (const auto& f : c.fields) {
      if (!contains(kComponentFields, f.key)) {
        fail(f.line, c.name + " defines a '" + f.key + "' field which is not allowed for a component");
      }
    }
    if (const auto* e = c.field("ExtraCode")) {
      if (!e->value.IsNull()) {
        if (!e->value.IsMap()) {
          fail(e->line, "'ExtraCode' of '" + c.name + "' must be a map, not " + kindName(e->value));
        }
        for (const auto& k : entries(e->value, "'ExtraCode' of '" + c.name + "'", e->line)) {
          if (!contains(kComponentExtraCode, k.key)) {
            fail(k.line, "'" + k.key + "' field found in 'ExtraCode' of component '" + c.name +
                             "'. Only 'declaration', 'includes' and 'declarationFile' are allowed here");
          }
        }
        c.extraCode = readExtraCode(*e, c.name);
      }
    }
    if (!c.field("Members")) {
      fail(c.line, c.name + " does not define 'Members', which is required for a component");
    }
    std::map<std::string, int> names;
    for (const auto& m : c.category("Members")) {
      const bool builtin = m.isBuiltin || m.isBuiltinArray;
      const bool component = isComponent(m.def.type) || (m.def.isArray && isComponent(m.def.arrayType));
      if (!builtin && !component) {
        fail(m.line, m.def.name + " of component " + c.name +
                         " is not a builtin type, another component or one from the upstream EDM");
      }
      if (!names.emplace(m.def.name, m.line).second) {
        fail(m.line, "'" + m.def.name + "' clashes with another member in class '" + c.name +
                         "', previously defined in '" + c.name + "'");
      }
    }
    if (const auto kind = otherKind(c.name, "component")) {
      fail(c.line, "'" + c.name + "' defines a component with the same name as an existing " + *kind);
    }
    checkComponentCycle(c);
    checkDescriptionKinds(c);
  }

  /// A component that contains itself (directly or through others) has no finite size.
  void checkComponentCycle(const TypeDef& c) const {
    std::vector<std::string> path{c.name};
    std::set<std::string> done;
    int startLine = c.line; // the member of `c` the cycle starts from
    const std::function<void(const std::string&)> visit = [&](const std::string& name) {
      const auto* t = findLocal(m_components, name);
      if (!t || done.count(name)) {
        return; // upstream components were validated when their model was read
      }
      for (const auto& m : t->category("Members")) {
        if (path.size() == 1) {
          startLine = m.line;
        }
        const std::string& vt = m.def.isArray ? m.def.arrayType : m.def.type;
        if (vt == c.name) {
          std::string chain;
          for (const auto& p : path) {
            chain += p + " -> ";
          }
          fail(startLine, "component '" + c.name + "' contains itself (" + chain + c.name + ")");
        }
        if (findLocal(m_components, vt) && std::find(path.begin(), path.end(), vt) == path.end()) {
          path.push_back(vt);
          visit(vt);
          path.pop_back();
        }
      }
      done.insert(name);
    };
    visit(c.name);
  }

  void checkDescriptionKinds(const TypeDef& t) const {
    for (const auto key : {"Description", "Author"}) {
      if (const auto* f = t.field(key)) {
        scalarText(*f, t.name);
      }
    }
  }

  void checkDatatype(TypeDef& d) {
    // _check_keys
    std::vector<std::string> invalid;
    std::vector<std::string> notYet;
    int firstLine = 0;
    for (const auto& f : d.fields) {
      if (!contains(kDatatypeFields, f.key)) {
        if (invalid.empty()) {
          firstLine = f.line;
        }
        invalid.push_back(f.key);
        if (contains(kNotYetImplementedFields, f.key)) {
          notYet.push_back(f.key);
        }
      }
    }
    if (!invalid.empty()) {
      fail(firstLine, "'" + d.name + "' defines invalid categories: " + pyList(invalid) +
                          (notYet.empty() ? "" : " (not yet implemented: " + pyList(notYet) + ")"));
    }
    for (const auto key : {"Description", "Author"}) {
      if (!d.field(key)) {
        fail(d.line, "'" + d.name + "' does not define '" + key + "'");
      }
    }
    for (const auto section : {"ExtraCode", "MutableExtraCode"}) {
      if (const auto* e = d.field(section)) {
        checkExtraCodeKeys(d, *e, section);
      }
    }
    for (const auto section : {"ExtraCode", "MutableExtraCode"}) {
      if (const auto* e = d.field(section); e && !e->value.IsNull()) {
        (std::string_view(section) == "ExtraCode" ? d.extraCode : d.mutableExtraCode) = readExtraCode(*e, d.name);
      }
    }
    checkDescriptionKinds(d);

    // _check_members
    std::map<std::string, std::string> allMembers;
    for (const auto& m : d.category("Members")) {
      const bool builtin = m.isBuiltin || m.isBuiltinArray;
      const bool declared = isComponent(m.def.type) || (m.def.isArray && isComponent(m.def.arrayType));
      if (!builtin && !declared) {
        fail(m.line, "'" + d.name + "' defines member '" + m.def.name + "' of type '" + m.def.type +
                         "' that is not declared!");
      }
      if (const auto it = allMembers.find(m.def.name); it != allMembers.end()) {
        fail(m.line, "'" + m.def.name + "' clashes with another member in class '" + d.name +
                         "', previously defined in '" + it->second + "'");
      }
      allMembers[m.def.name] = d.name;
      if (m_exposePODMembers && !m.isBuiltin && !m.def.isArray) {
        for (const auto& [sub, subType] : componentMembers(m.def.type).value_or(
                 std::vector<std::pair<std::string, std::string>>{})) {
          if (const auto it = allMembers.find(sub); it != allMembers.end()) {
            fail(m.line, "'" + sub + "' clashes with another member name in class '" + d.name +
                             "' (defined in the component '" + m.def.name + "' and '" + it->second + "')");
          }
          allMembers[sub] = "member '" + m.def.name + "'";
        }
      }
    }

    // _check_relations: many-relations, single relations, vector members.
    for (const auto& r : d.category("OneToManyRelations")) {
      if (!isDatatype(r.def.type) && !isInterface(r.def.type)) {
        fail(r.line, "'" + d.name + "' declares a invalid many-relation to '" + r.def.type + "'");
      }
    }
    for (const auto& r : d.category("OneToOneRelations")) {
      if (!isDatatype(r.def.type) && !isInterface(r.def.type)) {
        fail(r.line, "'" + d.name + "' declares an invalid single-relation to '" + r.def.type + "'");
      }
    }
    for (const auto& v : d.category("VectorMembers")) {
      if (!v.isBuiltin && !isComponent(v.def.type)) {
        fail(v.line, "'" + d.name + "' declares a invalid vector member of type '" + v.def.type + "'");
      }
    }
    // podio 1.x: vector members and relations share the accessor namespace with members.
    for (const auto cat : {"VectorMembers", "OneToOneRelations", "OneToManyRelations"}) {
      for (const auto& r : d.category(cat)) {
        if (const auto it = allMembers.find(r.def.name); it != allMembers.end()) {
          fail(r.line, "'" + r.def.name + "' clashes with another member in class '" + d.name +
                           "', previously defined in '" + it->second + "'");
        }
        allMembers[r.def.name] = d.name;
      }
    }
  }

  void checkInterface(const TypeDef& i) {
    if (isDatatype(i.name)) {
      fail(i.line, "'" + i.name + "' defines an interface type with the same name as an existing datatype");
    }
    for (const auto key : kInterfaceFields) {
      if (!i.field(key)) {
        fail(i.line, "interface '" + i.name + "' does not define '" + std::string(key) + "' field which is required");
      }
    }
    std::vector<std::string> invalid;
    int firstLine = 0;
    for (const auto& f : i.fields) {
      if (!contains(kInterfaceFields, f.key)) {
        if (invalid.empty()) {
          firstLine = f.line;
        }
        invalid.push_back(f.key);
      }
    }
    if (!invalid.empty()) {
      fail(firstLine, "interface '" + i.name + "' defines invalid fields: " + pyList(invalid));
    }
    for (const auto& [type, line] : i.types) {
      if (!isDatatype(type)) {
        const auto parts = splitScope(type);
        const std::string shown = parts.size() == 2 ? "::" + parts[0] + "::" + parts[1] : type;
        fail(line, "interface '" + i.name + "' tries to use Type '" + shown + "' which is undefined");
      }
    }
    checkDescriptionKinds(i);
    // podml: an interface's getters forward to the held type, so the members must exist.
    std::map<std::string, std::string> names;
    for (const auto& m : i.category("Members")) {
      const bool builtin = m.isBuiltin || m.isBuiltinArray;
      const bool declared = isComponent(m.def.type) || (m.def.isArray && isComponent(m.def.arrayType));
      if (!builtin && !declared) {
        fail(m.line, "'" + i.name + "' defines member '" + m.def.name + "' of type '" + m.def.type +
                         "' that is not declared!");
      }
      if (!names.emplace(m.def.name, m.def.type).second) {
        fail(m.line, "'" + m.def.name + "' clashes with another member in class '" + i.name +
                         "', previously defined in '" + i.name + "'");
      }
    }
    if (i.types.empty()) {
      fail(i.field("Types")->line, "interface '" + i.name + "' does not list any Types");
    }
    for (const auto& [type, line] : i.types) {
      const auto have = datatypeMembers(type);
      for (const auto& [name, memberType] : names) {
        const auto it = std::find_if(have.begin(), have.end(), [&](const auto& p) { return p.first == name; });
        if (it == have.end()) {
          std::string getName = "get" + name;
          if (!name.empty()) {
            getName[3] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
          }
          if (extraCodeDeclares(type, getName) || extraCodeDeclares(type, name)) {
            continue;
          }
          fail(line, "interface '" + i.name + "' requires member '" + name + "', which Type '" + type +
                         "' does not define");
        }
        if (it->second != memberType) {
          fail(line, "interface '" + i.name + "' defines member '" + name + "' of type '" + memberType +
                         "', but Type '" + type + "' defines it with type '" + it->second + "'");
        }
      }
    }
  }

  void checkLink(const TypeDef& l) {
    if (const auto kind = otherKind(l.name, "link")) {
      fail(l.line, "'" + l.name + "' defines a link with the same name as an existing " + *kind);
    }
    for (const auto key : kLinkRequired) {
      if (!l.field(key)) {
        fail(l.line, "link '" + l.name + "' does not define '" + std::string(key) + "' field which is required");
      }
    }
    std::vector<std::string> invalid;
    int firstLine = 0;
    for (const auto& f : l.fields) {
      if (!contains(kLinkFields, f.key)) {
        if (invalid.empty()) {
          firstLine = f.line;
        }
        invalid.push_back(f.key);
      }
    }
    if (!invalid.empty()) {
      fail(firstLine, "link '" + l.name + "' defines invalid fields: " + pyList(invalid));
    }
    for (const auto key : kLinkRequired) {
      const Entry& f = *l.field(key);
      const std::string type = scalarText(f, l.name);
      if (!isDatatype(type) && !isInterface(type)) {
        fail(lineOf(f.value, f.line), "link '" + l.name + "' tries to use '" + std::string(key) + "' type '" + type +
                                          "' which is not a known datatype or interface");
      }
    }
    checkDescriptionKinds(l);
  }

  // ------------------------------------------------------------------ JSON
  static json::Value memberLines(const std::vector<Member>& members) {
    auto arr = json::Value::array();
    for (const auto& m : members) {
      arr.push_back(m.def.toLine());
    }
    return arr;
  }

  static json::Value extraCodeObject(const std::vector<std::pair<std::string, std::string>>& code) {
    auto obj = json::Value::object();
    for (const auto& [k, v] : code) {
      obj.set(k, v);
    }
    return obj;
  }

  void setText(json::Value& obj, const TypeDef& t, const char* key) const {
    if (const auto* f = t.field(key)) {
      obj.set(key, scalarText(*f, t.name));
    }
  }

  std::string buildJson() const {
    auto root = json::Value::object();
    root.set("podml_definition", 1);
    root.set("name", m_name);
    root.set("schema_version", m_schemaVersion);
    auto options = json::Value::object();
    options.set("getSyntax", m_getSyntax);
    options.set("exposePODMembers", m_exposePODMembers);
    options.set("includeSubfolder", m_includeSubfolder);
    root.set("options", std::move(options));
    auto upstream = json::Value::array();
    for (const auto* u : m_upstream) {
      upstream.push_back(u->name);
    }
    root.set("upstream", std::move(upstream));

    auto components = json::Value::object();
    for (const auto& c : m_components) {
      auto obj = json::Value::object();
      setText(obj, c, "Description");
      setText(obj, c, "Author");
      obj.set("Members", memberLines(c.category("Members")));
      obj.set("ExtraCode", extraCodeObject(c.extraCode));
      components.set(c.name, std::move(obj));
    }
    root.set("components", std::move(components));

    auto datatypes = json::Value::object();
    for (const auto& d : m_datatypes) {
      auto obj = json::Value::object();
      setText(obj, d, "Description");
      setText(obj, d, "Author");
      for (const auto cat : kMemberCategories) {
        obj.set(std::string(cat), memberLines(d.category(std::string(cat))));
      }
      obj.set("ExtraCode", extraCodeObject(d.extraCode));
      obj.set("MutableExtraCode", extraCodeObject(d.mutableExtraCode));
      datatypes.set(d.name, std::move(obj));
    }
    root.set("datatypes", std::move(datatypes));

    auto interfaces = json::Value::object();
    for (const auto& i : m_interfaces) {
      auto obj = json::Value::object();
      setText(obj, i, "Description");
      setText(obj, i, "Author");
      obj.set("Members", memberLines(i.category("Members")));
      auto types = json::Value::array();
      for (const auto& [t, line] : i.types) {
        types.push_back(t);
      }
      obj.set("Types", std::move(types));
      interfaces.set(i.name, std::move(obj));
    }
    root.set("interfaces", std::move(interfaces));

    auto links = json::Value::object();
    for (const auto& l : m_links) {
      auto obj = json::Value::object();
      setText(obj, l, "Description");
      setText(obj, l, "Author");
      setText(obj, l, "From");
      setText(obj, l, "To");
      links.set(l.name, std::move(obj));
    }
    root.set("links", std::move(links));
    return json::dump(root);
  }

  std::string_view m_text;
  std::string m_file;
  std::string m_name;
  std::vector<const DataModelDefinition*> m_upstream;
  fs::path m_baseDir;
  const ReadOptions& m_options;

  YAML::Node m_root;
  int m_rootLine{1};
  std::vector<Entry> m_top;
  uint32_t m_schemaVersion{0};
  bool m_getSyntax{false};
  bool m_exposePODMembers{true};
  bool m_includeSubfolder{false};
  std::vector<TypeDef> m_components;
  std::vector<TypeDef> m_datatypes;
  std::vector<TypeDef> m_interfaces;
  std::vector<TypeDef> m_links;
};

} // namespace

bool isValidModelName(std::string_view name) {
  static const std::regex validName("[A-Za-z_][A-Za-z0-9_]*");
  return name.size() <= 256 && std::regex_match(name.begin(), name.end(), validName) && !isCppKeyword(name);
}

ReadModel readModelFromString(std::string_view yamlText, std::string_view sourceName, const std::string& name,
                              const std::vector<ReadModel>& upstream, const ReadOptions& options) {
  ReadModel out;
  // Upstream models bring their own upstream along; keep dependencies first, once each.
  const auto add = [&](const DataModelDefinition& def) {
    const bool known = std::any_of(out.upstream.begin(), out.upstream.end(),
                                   [&](const DataModelDefinition& d) { return d.name == def.name; });
    if (!known && def.name != name) {
      out.upstream.push_back(def);
    }
  };
  for (const auto& u : upstream) {
    for (const auto& uu : u.upstream) {
      add(uu);
    }
    add(u.definition);
  }
  std::vector<const DataModelDefinition*> ptrs;
  for (const auto& d : out.upstream) {
    ptrs.push_back(&d);
  }
  const std::string file(sourceName);
  // The name becomes the include directory, the library and a C++ identifier in
  // the generated code, so `../x` or `my-model` must stop here, not in a path or the compiler.
  if (!isValidModelName(name)) {
    throw DefinitionError("data model name " + pyRepr(name) + " is not valid for " + file +
                          ": it names the include directory and the generated code, so it must be a C++ "
                          "identifier (letters, digits and '_', not starting with a digit) and not a keyword");
  }
  std::string json;
  try {
    Reader reader(yamlText, file, name, ptrs, fs::path(file).parent_path(), options);
    json = reader.run();
  } catch (const YAML::Exception& e) {
    // Node conversions should not throw after the checks above; if one does, still report file:line.
    std::string where = file;
    if (!e.mark.is_null()) {
      where += ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1);
    }
    throw DefinitionError("cannot read data model: " + e.msg + " (" + where + ")");
  }
  try {
    out.definition = DataModelDefinition::fromJson(json, ptrs);
  } catch (const DefinitionError& e) {
    throw DefinitionError(std::string(e.what()) + " (" + file + ")");
  }
  out.json = std::move(json);
  out.yamlHash = contentHash(yamlText);
  return out;
}

ReadModel readModel(const std::filesystem::path& yaml, const std::string& name,
                    const std::vector<UpstreamModel>& upstream, const ReadOptions& options) {
  const auto readText = [](const fs::path& p) {
    std::error_code ec;
    const auto st = fs::status(p, ec);
    if (ec || !fs::exists(st)) {
      throw DefinitionError("cannot open data model '" + p.string() + "': no such file");
    }
    if (fs::is_directory(st)) {
      throw DefinitionError("cannot open data model '" + p.string() + "': is a directory");
    }
    std::ifstream in(p, std::ios::binary);
    if (!in) {
      throw DefinitionError("cannot open data model '" + p.string() + "': cannot be read");
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) {
      throw DefinitionError("cannot open data model '" + p.string() + "': read error");
    }
    return ss.str();
  };
  // Each upstream model is validated under its own name, seeing the ones listed before it.
  std::vector<ReadModel> ups;
  for (const auto& u : upstream) {
    const std::string text = readText(u.yaml);
    ups.push_back(readModelFromString(text, u.yaml.string(), u.name, ups, options));
  }
  const std::string text = readText(yaml);
  return readModelFromString(text, yaml.string(), name, ups, options);
}

} // namespace podml::gen
