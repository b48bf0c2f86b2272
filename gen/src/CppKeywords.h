#pragma once

#include <algorithm>
#include <array>
#include <string_view>

namespace podml::gen {

/// True if `word` is a C++20 keyword or alternative token. Names from the YAML
/// become C++ identifiers (members, classes, namespaces), and a keyword there
/// would only fail later, in the compiler, far from the line that caused it.
inline bool isCppKeyword(std::string_view word) {
  static constexpr std::array<std::string_view, 92> kKeywords = {
      "alignas",   "alignof",      "and",        "and_eq",      "asm",         "auto",          "bitand",
      "bitor",     "bool",         "break",      "case",        "catch",       "char",          "char16_t",
      "char32_t",  "char8_t",      "class",      "co_await",    "co_return",   "co_yield",      "compl",
      "concept",   "const",        "const_cast", "consteval",   "constexpr",   "constinit",     "continue",
      "decltype",  "default",      "delete",     "do",          "double",      "dynamic_cast",  "else",
      "enum",      "explicit",     "export",     "extern",      "false",       "float",         "for",
      "friend",    "goto",         "if",         "inline",      "int",         "long",          "mutable",
      "namespace", "new",          "noexcept",   "not",         "not_eq",      "nullptr",       "operator",
      "or",        "or_eq",        "private",    "protected",   "public",      "register",      "reinterpret_cast",
      "requires",  "return",       "short",      "signed",      "sizeof",      "static",        "static_assert",
      "static_cast", "struct",     "switch",     "template",    "this",        "thread_local",  "throw",
      "true",      "try",          "typedef",    "typeid",      "typename",    "union",         "unsigned",
      "using",     "virtual",      "void",       "volatile",    "wchar_t",     "while",         "xor",
      "xor_eq"};
  return std::find(kKeywords.begin(), kKeywords.end(), word) != kKeywords.end();
}

} // namespace podml::gen
