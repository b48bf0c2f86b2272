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
const std::string kBuiltin = "(?:unsigned long long)|(?:unsigned long)|(?:unsigned int)|(?:long long)|(?:unsigned)|"
                             "(?:double)|(?:float)|(?:short)|(?:long)|(?:char)|(?:bool)|(?:int)";
const std::string kType = "(" + kBuiltin + "|(?:\\:{2})?[a-zA-Z]+[a-zA-Z0-9:_]*)";
const std::string kName = "([a-zA-Z_]+\\w*)";
const std::string kUnit = "(?:\\[([^\\]]*)\\])?";
const std::string kComment = "\\/\\/ *(.*)";
const std::string kArray = " *std::array *< *" + kType + " *, *([0-9]+) *>";
const std::string kDefault = "(?:\\{(.+)\\})?";

const std::regex& fullArrayRe() {
  static const std::regex re(kArray + " *" + kName + " *" + kDefault + " *" + kUnit + " *" + kComment);
  return re;
}
const std::regex& memberRe() {
  static const std::regex re(" *" + kType + " +" + kName + " *" + kDefault + " *" + kUnit + " *" + kComment);
  return re;
}
const std::regex& bareArrayRe() {
  static const std::regex re(" *" + kArray + " +" + kName + " *" + kDefault + " *" + kUnit + " *$");
  return re;
}
const std::regex& bareMemberRe() {
  static const std::regex re(" *" + kType + " +" + kName + " *" + kDefault + " *" + kUnit + " *$");
  return re;
}
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
