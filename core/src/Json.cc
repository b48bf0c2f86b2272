#include "podml/Json.h"

#include "podml/Exceptions.h"
#include "podml/Text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <unordered_set>

namespace podml::json {

namespace {

constexpr int maxDepth = 512;
// 2^63 as a double; doubles in [-2^63, 2^63) convert to int64_t without UB.
constexpr double twoTo63 = 9223372036854775808.0;

bool integralDouble(double d) {
  return d >= -twoTo63 && d < twoTo63 && std::trunc(d) == d;
}

void appendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += char(cp);
    return;
  }
  const int tail = cp < 0x800 ? 1 : cp < 0x10000 ? 2 : 3; // continuation bytes
  out += char(((0xF0 << (3 - tail)) & 0xFF) | (cp >> (6 * tail)));
  for (int k = tail - 1; k >= 0; --k) {
    out += char(0x80 | ((cp >> (6 * k)) & 0x3F));
  }
}

// End of the run of string bytes that need neither escaping nor UTF-8 checks,
// so they can be copied in bulk.
std::size_t plainEnd(std::string_view s, std::size_t i) {
  while (i < s.size()) {
    const unsigned char c = s[i];
    if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) {
      break;
    }
    ++i;
  }
  return i;
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

class Parser {
public:
  Parser(std::string_view text, std::string_view source) : m_text(text), m_source(source) {}

  Value document() {
    if (m_text.substr(0, 3) == "\xEF\xBB\xBF") {
      m_pos = 3;
    }
    skipWs();
    Value v = value(0);
    skipWs();
    if (m_pos != m_text.size()) {
      fail("unexpected trailing characters", m_pos);
    }
    return v;
  }

private:
  [[noreturn]] void fail(std::string_view reason, std::size_t at) const {
    const auto before = m_text.substr(0, at);
    const auto line = std::count(before.begin(), before.end(), '\n') + 1;
    const auto lastNl = before.rfind('\n');
    const auto column = at - (lastNl == std::string_view::npos ? 0 : lastNl + 1) + 1;
    throw DefinitionError("cannot parse JSON: " + std::string(reason) + " (" + std::string(m_source) + ":" +
                          std::to_string(line) + ":" + std::to_string(column) + ")");
  }

  [[noreturn]] void failUnexpected() const {
    if (atEnd()) {
      fail("unexpected end of input", m_pos);
    }
    const unsigned char c = m_text[m_pos];
    char buf[8];
    std::snprintf(buf, sizeof buf, c >= 0x20 && c < 0x7F ? "'%c'" : "0x%02X", c);
    fail(std::string("unexpected character ") + buf, m_pos);
  }

  // At the end of input, "unexpected end" says more than what was expected.
  [[noreturn]] void failExpected(std::string_view reason) const {
    atEnd() ? failUnexpected() : fail(reason, m_pos);
  }

  bool atEnd() const { return m_pos >= m_text.size(); }
  char peek() const { return atEnd() ? '\0' : m_text[m_pos]; }

  void skipWs() {
    while (!atEnd() && (peek() == ' ' || peek() == '\n' || peek() == '\r' || peek() == '\t')) {
      ++m_pos;
    }
  }

  Value value(int depth) {
    switch (peek()) {
    case '{':
      return object(depth + 1);
    case '[':
      return array(depth + 1);
    case '"':
      return Value(string());
    case 't':
      return literal("true", Value(true));
    case 'f':
      return literal("false", Value(false));
    case 'n':
      return literal("null", Value());
    default:
      if (peek() == '-' || isDigit(peek())) {
        return number();
      }
      failUnexpected();
    }
  }

  Value literal(std::string_view word, Value v) {
    if (m_text.substr(m_pos, word.size()) != word) {
      fail("invalid literal", m_pos);
    }
    m_pos += word.size();
    return v;
  }

  void enter(int depth) const {
    if (depth > maxDepth) {
      fail("nesting deeper than " + std::to_string(maxDepth) + " levels", m_pos);
    }
  }

  // Consumes the opening bracket; true if the container is empty.
  bool open(char close) {
    ++m_pos;
    skipWs();
    if (peek() != close) {
      return false;
    }
    ++m_pos;
    return true;
  }

  // After an element: true if another follows (whitespace skipped), false once
  // the closing bracket is consumed.
  bool next(char close, const char* trailingComma, const char* expected) {
    skipWs();
    if (peek() == close) {
      ++m_pos;
      return false;
    }
    if (peek() != ',') {
      failExpected(expected);
    }
    ++m_pos;
    skipWs();
    if (peek() == close) {
      fail(trailingComma, m_pos);
    }
    return true;
  }

  Value array(int depth) {
    enter(depth);
    Array items;
    if (!open(']')) {
      do {
        items.push_back(value(depth));
      } while (next(']', "trailing comma in array", "expected ',' or ']' in array"));
    }
    return Value(std::move(items));
  }

  Value object(int depth) {
    enter(depth);
    Object members;
    std::unordered_set<std::string> seen; // only used for large objects
    if (!open('}')) {
      do {
        if (peek() != '"') {
          failExpected("expected string key in object");
        }
        const auto keyAt = m_pos;
        std::string key = string();
        if (isDuplicate(members, seen, key)) {
          fail("duplicate key \"" + key + "\"", keyAt);
        }
        skipWs();
        if (peek() != ':') {
          failExpected("expected ':' after object key");
        }
        ++m_pos;
        skipWs();
        members.emplace_back(std::move(key), value(depth));
      } while (next('}', "trailing comma in object", "expected ',' or '}' in object"));
    }
    return Value(std::move(members));
  }

  // Linear scans win for the small objects that dominate definitions; a set
  // keeps huge objects from going quadratic.
  static bool isDuplicate(const Object& members, std::unordered_set<std::string>& seen, const std::string& key) {
    constexpr std::size_t linearLimit = 16;
    if (members.size() < linearLimit) {
      return std::any_of(members.begin(), members.end(), [&](const auto& m) { return m.first == key; });
    }
    if (seen.empty()) {
      for (const auto& m : members) {
        seen.insert(m.first);
      }
    }
    return !seen.insert(key).second;
  }

  std::uint32_t hex4() {
    if (m_text.size() - m_pos < 4) {
      fail("truncated \\u escape", m_pos);
    }
    std::uint32_t cp = 0;
    const auto [end, ec] = std::from_chars(m_text.data() + m_pos, m_text.data() + m_pos + 4, cp, 16);
    if (ec != std::errc{} || end != m_text.data() + m_pos + 4) {
      fail("invalid \\u escape", m_pos);
    }
    m_pos += 4;
    return cp;
  }

  std::string string() {
    ++m_pos; // opening quote
    std::string out;
    while (true) {
      const auto start = m_pos;
      m_pos = plainEnd(m_text, m_pos);
      out.append(m_text, start, m_pos - start);
      if (atEnd()) {
        fail("unterminated string", m_pos);
      }
      const unsigned char c = m_text[m_pos];
      if (c == '"') {
        ++m_pos;
        return out;
      }
      if (c < 0x20) {
        fail("unescaped control character in string", m_pos);
      }
      if (c >= 0x80) {
        const auto len = utf8SequenceLength(m_text, m_pos);
        if (len == 0) {
          fail("invalid UTF-8 in string", m_pos);
        }
        out.append(m_text, m_pos, len);
        m_pos += len;
        continue;
      }
      escape(out);
    }
  }

  void escape(std::string& out) {
    const auto at = m_pos++;
    switch (atEnd() ? '\0' : m_text[m_pos++]) {
    case '"': out += '"'; return;
    case '\\': out += '\\'; return;
    case '/': out += '/'; return;
    case 'b': out += '\b'; return;
    case 'f': out += '\f'; return;
    case 'n': out += '\n'; return;
    case 'r': out += '\r'; return;
    case 't': out += '\t'; return;
    case 'u': break;
    default: fail("invalid escape sequence", at);
    }
    std::uint32_t cp = hex4();
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
      fail("unpaired surrogate in \\u escape", at);
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (m_text.substr(m_pos, 2) != "\\u") {
        fail("unpaired surrogate in \\u escape", at);
      }
      m_pos += 2;
      const std::uint32_t low = hex4();
      if (low < 0xDC00 || low > 0xDFFF) {
        fail("unpaired surrogate in \\u escape", at);
      }
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    appendUtf8(out, cp);
  }

  Value number() {
    const auto start = m_pos;
    const auto digits = [&] {
      while (isDigit(peek())) {
        ++m_pos;
      }
    };
    if (peek() == '-') {
      ++m_pos;
    }
    if (peek() == '0') {
      ++m_pos;
      if (isDigit(peek())) {
        fail("leading zero in number", start);
      }
    } else if (isDigit(peek())) {
      digits();
    } else {
      fail("expected digit in number", m_pos);
    }
    bool integral = true;
    if (peek() == '.') {
      ++m_pos;
      if (!isDigit(peek())) {
        fail("expected digit after decimal point", m_pos);
      }
      digits();
      integral = false;
    }
    if (peek() == 'e' || peek() == 'E') {
      ++m_pos;
      if (peek() == '+' || peek() == '-') {
        ++m_pos;
      }
      if (!isDigit(peek())) {
        fail("expected digit in exponent", m_pos);
      }
      digits();
      integral = false;
    }
    const char* first = m_text.data() + start;
    const char* last = m_text.data() + m_pos;
    // "-0" stays a double so the sign of zero survives.
    if (integral && !(last - first == 2 && first[0] == '-')) {
      std::int64_t i = 0;
      if (std::from_chars(first, last, i).ec == std::errc{}) {
        return Value(i);
      }
    }
    double d = 0;
    // RFC 8259 lets parsers limit range; rejecting beats silently turning
    // 1e400 into infinity (unwritable) or 1e-400 into 0.
    if (std::from_chars(first, last, d).ec != std::errc{}) {
      fail("number out of range", start);
    }
    return Value(d);
  }

  std::string_view m_text;
  std::string_view m_source;
  std::size_t m_pos = 0;
};

void writeString(std::string& out, const std::string& s) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  std::size_t i = 0;
  while (i < s.size()) {
    const auto start = i;
    i = plainEnd(s, i);
    out.append(s, start, i - start);
    if (i == s.size()) {
      break;
    }
    const unsigned char c = s[i];
    if (c >= 0x80) {
      const auto len = utf8SequenceLength(s, i);
      if (len == 0) {
        throw DefinitionError("cannot write JSON: string is not valid UTF-8 (byte " + std::to_string(i) + ")");
      }
      out.append(s, i, len);
      i += len;
      continue;
    }
    out += '\\';
    switch (c) {
    case '"': out += '"'; break;
    case '\\': out += '\\'; break;
    case '\n': out += 'n'; break;
    case '\t': out += 't'; break;
    case '\r': out += 'r'; break;
    default: out += "u00"; out += hex[c >> 4]; out += hex[c & 0xF];
    }
    ++i;
  }
  out += '"';
}

void newline(std::string& out, int indent, int level) {
  if (indent >= 0) {
    out += '\n';
    out.append(std::size_t(indent) * level, ' ');
  }
}

template <class Items, class WriteItem>
void writeItems(std::string& out, const Items& items, const char* brackets, int indent, int level, WriteItem writeItem) {
  out += brackets[0];
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += i ? "," : "";
    newline(out, indent, level + 1);
    writeItem(items[i]);
  }
  if (!items.empty()) {
    newline(out, indent, level);
  }
  out += brackets[1];
}

void write(std::string& out, const Value& v, int indent, int level) {
  char buf[32];
  switch (v.kind()) {
  case Kind::Null: out += "null"; return;
  case Kind::Bool: out += v.asBool() ? "true" : "false"; return;
  case Kind::Number: {
    if (v.isInt()) {
      out.append(buf, std::to_chars(buf, buf + sizeof buf, v.asInt()).ptr);
      return;
    }
    const auto len = std::to_chars(buf, buf + sizeof buf, v.asDouble()).ptr - buf;
    const std::string_view text(buf, len);
    out += text;
    if (text.find_first_of(".e") == std::string_view::npos) {
      out += ".0"; // keeps 1.0 a double when read back
    }
    return;
  }
  case Kind::String: writeString(out, v.asString()); return;
  case Kind::Array:
    return writeItems(out, v.asArray(), "[]", indent, level,
                      [&](const Value& item) { write(out, item, indent, level + 1); });
  case Kind::Object:
    return writeItems(out, v.asObject(), "{}", indent, level, [&](const auto& member) {
      writeString(out, member.first);
      out += indent >= 0 ? ": " : ":";
      write(out, member.second, indent, level + 1);
    });
  }
}

} // namespace

const char* kindName(Kind kind) noexcept {
  static constexpr const char* names[] = {"null", "bool", "number", "string", "array", "object"};
  return names[static_cast<int>(kind)];
}

Value::Value(double number) : m_data(number) {
  if (!std::isfinite(number)) {
    throw DefinitionError("cannot make JSON number: NaN and infinity are not representable");
  }
}

void Value::throwUnsignedTooLarge(std::uint64_t number) {
  throw DefinitionError("cannot make JSON number: " + std::to_string(number) + " exceeds the int64 range");
}

void Value::throwWrongKind(const char* expected) const {
  throw DefinitionError(std::string("wrong JSON value kind: expected ") + expected + ", got " + kindName(kind()));
}

Kind Value::kind() const noexcept {
  static constexpr Kind kinds[] = {Kind::Null,   Kind::Bool,  Kind::Number, Kind::Number,
                                   Kind::String, Kind::Array, Kind::Object};
  return kinds[m_data.index()];
}

template <class T>
const T& Value::get(const char* expected) const {
  if (const T* p = std::get_if<T>(&m_data)) {
    return *p;
  }
  throwWrongKind(expected);
}

bool Value::asBool() const { return get<bool>("bool"); }
const std::string& Value::asString() const { return get<std::string>("string"); }
const Array& Value::asArray() const { return get<Array>("array"); }
const Object& Value::asObject() const { return get<Object>("object"); }

std::int64_t Value::asInt() const {
  if (isInt()) {
    return std::get<std::int64_t>(m_data);
  }
  const double d = get<double>("integer");
  if (!integralDouble(d)) {
    throw DefinitionError("wrong JSON value kind: expected integer, got non-integral number " + dump(*this));
  }
  return static_cast<std::int64_t>(d);
}

double Value::asDouble() const {
  if (isInt()) {
    return static_cast<double>(std::get<std::int64_t>(m_data));
  }
  return get<double>("number");
}

const Value* Value::find(std::string_view key) const {
  for (const auto& [k, v] : asObject()) {
    if (k == key) {
      return &v;
    }
  }
  return nullptr;
}

const Value& Value::operator[](std::string_view key) const {
  if (const Value* v = find(key)) {
    return *v;
  }
  throw DefinitionError("missing JSON key: \"" + std::string(key) + "\" not found in object");
}

std::size_t Value::size() const {
  if (isArray()) {
    return std::get<Array>(m_data).size();
  }
  return get<Object>("array or object").size();
}

void Value::push_back(Value v) {
  if (!isArray()) {
    throwWrongKind("array");
  }
  std::get<Array>(m_data).push_back(std::move(v));
}

void Value::set(std::string key, Value v) {
  if (!isObject()) {
    throwWrongKind("object");
  }
  auto& members = std::get<Object>(m_data);
  for (auto& member : members) {
    if (member.first == key) {
      member.second = std::move(v);
      return;
    }
  }
  members.emplace_back(std::move(key), std::move(v));
}

bool operator==(const Value& a, const Value& b) {
  if (a.isNumber() && b.isNumber() && a.isInt() != b.isInt()) {
    const auto i = a.isInt() ? a.asInt() : b.asInt();
    const double d = a.isInt() ? b.asDouble() : a.asDouble();
    return integralDouble(d) && static_cast<std::int64_t>(d) == i;
  }
  return a.m_data == b.m_data;
}

Value parse(std::string_view text, std::string_view sourceName) {
  return Parser(text, sourceName).document();
}

std::string dump(const Value& value, int indent) {
  std::string out;
  write(out, value, indent, 0);
  return out;
}

} // namespace podml::json
