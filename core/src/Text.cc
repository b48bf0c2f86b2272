#include "podml/Text.h"

#include "podml/Exceptions.h"

namespace podml {

std::size_t utf8SequenceLength(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  if (c < 0x80) {
    return 1;
  }
  std::size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF; // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    lo = c == 0xE0 ? 0xA0 : 0x80;
    hi = c == 0xED ? 0x9F : 0xBF;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    lo = c == 0xF0 ? 0x90 : 0x80;
    hi = c == 0xF4 ? 0x8F : 0xBF;
  } else {
    return 0;
  }
  if (s.size() - i < len || b(1) < lo || b(1) > hi) {
    return 0;
  }
  for (std::size_t k = 2; k < len; ++k) {
    if (b(k) < 0x80 || b(k) > 0xBF) {
      return 0;
    }
  }
  return len;
}

void requireUtf8Text(std::string_view text, const std::string& what, const std::string& file) {
  const auto fail = [&](const std::string& reason, std::size_t line, std::size_t column) {
    throw DefinitionError("cannot read " + what + ": " + reason + " (" + file + ":" + std::to_string(line) + ":" +
                          std::to_string(column) + ")");
  };
  const auto starts = [&](std::string_view bom) { return text.substr(0, bom.size()) == bom; };
  if (starts(std::string_view("\x00\x00\xFE\xFF", 4)) || starts(std::string_view("\xFF\xFE\x00\x00", 4))) {
    fail("the file is UTF-32 encoded; save it as UTF-8", 1, 1);
  }
  if (starts("\xFE\xFF") || starts("\xFF\xFE")) {
    fail("the file is UTF-16 encoded; save it as UTF-8", 1, 1);
  }
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t len = utf8SequenceLength(text, i);
    static const char* hex = "0123456789abcdef";
    const std::string byte = std::string("0x") + hex[c >> 4] + hex[c & 0xf];
    if (len == 0) {
      fail("byte " + byte + " is not valid UTF-8; podml reads UTF-8 text", line, column);
    }
    if (c == 0) {
      fail("a NUL byte; this is not a text file", line, column);
    }
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
      fail("control character " + byte + " is not allowed in YAML or JSON text", line, column);
    }
    if (c == '\n') {
      ++line, column = 1;
    } else {
      ++column; // counted in characters, as editors show them
    }
    i += len;
  }
}

std::string collectionNameProblem(std::string_view name) {
  if (name.empty()) {
    return "it is empty";
  }
  if (name == "." || name == "..") {
    return "'" + std::string(name) + "' names a directory in HDF5 paths";
  }
  if (name.find('/') != std::string_view::npos) {
    return "it holds '/', HDF5's path separator";
  }
  for (const char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) {
      return "it holds a control character";
    }
  }
  return "";
}

} // namespace podml
