#include "podml/Definition.h"

#include <regex>

namespace podml {

namespace {
std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) {
    return {};
  }
  const auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

// podio's MemberParser grammar (python/podio_gen/podio_config_reader.py), with one
// deliberate difference: a unit may be any text without `]`, so `[1/mm]` and
// `[GeV/c^2]` are read instead of being dropped or rejected.
struct Grammar {
  std::regex fullArray, member, bareArray, bareMember;
};

// Built on first use, not at load time: data model libraries register their
// definitions from static initialisers, which may run before this file's.
const Grammar& grammar() {
  static const Grammar g = [] {
    const std::string builtin = "(?:unsigned long long)|(?:unsigned long)|(?:unsigned int)|(?:long long)|(?:unsigned)|"
                                "(?:double)|(?:float)|(?:short)|(?:long)|(?:char)|(?:bool)|(?:int)";
    const std::string type = "(" + builtin + "|(?:\\:{2})?[a-zA-Z]+[a-zA-Z0-9:_]*)";
    const std::string name = "([a-zA-Z_]+\\w*)";
    const std::string unit = "(?:\\[([^\\]]*)\\])?";
    const std::string comment = "\\/\\/ *(.*)";
    const std::string array = " *std::array *< *" + type + " *, *([0-9]+) *>";
    const std::string def = "(?:\\{(.+)\\})?";
    return Grammar{std::regex(array + " *" + name + " *" + def + " *" + unit + " *" + comment),
                   std::regex(" *" + type + " +" + name + " *" + def + " *" + unit + " *" + comment),
                   std::regex(" *" + array + " +" + name + " *" + def + " *" + unit + " *$"),
                   std::regex(" *" + type + " +" + name + " *" + def + " *" + unit + " *$")};
  }();
  return g;
}
const std::regex& fullArrayRe() { return grammar().fullArray; }
const std::regex& memberRe() { return grammar().member; }
const std::regex& bareArrayRe() { return grammar().bareArray; }
const std::regex& bareMemberRe() { return grammar().bareMember; }
} // namespace

std::string MemberDef::toLine() const {
  std::string s = type + " " + name;
  if (!defaultValue.empty()) {
    s += "{" + defaultValue + "}";
  }
  if (!unit.empty()) {
    s += " [" + unit + "]";
  }
  if (!description.empty()) {
    s += " // " + description;
  }
  return s;
}

std::variant<MemberDef, MemberParseError> parseMemberLine(std::string_view lineView) {
  const std::string line(lineView);
  std::smatch m;
  MemberDef def;
  const auto flags = std::regex_constants::match_continuous;
  if (std::regex_search(line, m, fullArrayRe(), flags) || std::regex_search(line, m, bareArrayRe(), flags)) {
    def.isArray = true;
    def.arrayType = m[1].str();
    def.arraySize = static_cast<uint32_t>(std::stoul(m[2].str()));
    def.type = "std::array<" + def.arrayType + ", " + std::to_string(def.arraySize) + ">";
    def.name = m[3].str();
    def.defaultValue = m[4].matched ? trim(m[4].str()) : "";
    def.unit = m[5].matched ? trim(m[5].str()) : "";
    def.description = m.size() > 6 && m[6].matched ? trim(m[6].str()) : "";
    if (def.arraySize == 0) {
      return MemberParseError{"array size must be positive"};
    }
    return def;
  }
  if (std::regex_search(line, m, memberRe(), flags) || std::regex_search(line, m, bareMemberRe(), flags)) {
    def.type = m[1].str();
    def.name = m[2].str();
    def.defaultValue = m[3].matched ? trim(m[3].str()) : "";
    def.unit = m[4].matched ? trim(m[4].str()) : "";
    def.description = m.size() > 5 && m[5].matched ? trim(m[5].str()) : "";
    return def;
  }
  return MemberParseError{"not a valid member definition"};
}

} // namespace podml
