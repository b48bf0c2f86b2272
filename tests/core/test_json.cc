#include "podml/Exceptions.h"
#include "podml/Json.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>
#include <string>

using namespace podml::json;

namespace {

// Returns the parse error message, failing the test if parsing succeeds.
std::string parseError(std::string_view text) {
  try {
    parse(text, "t.json");
  } catch (const podml::DefinitionError& e) {
    return e.what();
  }
  ADD_FAILURE() << "parsed without error: " << text;
  return {};
}

void expectError(std::string_view text, const std::string& reason, const std::string& where) {
  const auto msg = parseError(text);
  EXPECT_EQ(msg.rfind("cannot parse JSON: ", 0), 0u) << msg;
  EXPECT_NE(msg.find(reason), std::string::npos) << "text: " << text << "\nmsg: " << msg;
  EXPECT_NE(msg.find("(t.json:" + where + ")"), std::string::npos) << "text: " << text << "\nmsg: " << msg;
}

} // namespace

TEST(Json, ParsesScalars) {
  EXPECT_TRUE(parse("null").isNull());
  EXPECT_TRUE(parse(" true ").asBool());
  EXPECT_FALSE(parse("false").asBool());
  EXPECT_EQ(parse("\"hi\"").asString(), "hi");
  EXPECT_EQ(parse("-42").asInt(), -42);
  EXPECT_TRUE(parse("-42").isInt());
  EXPECT_FALSE(parse("1.0").isInt());
  EXPECT_EQ(parse("1.0").asInt(), 1); // integral double is accepted
  EXPECT_DOUBLE_EQ(parse("1.5e3").asDouble(), 1500.0);
  EXPECT_DOUBLE_EQ(parse("7").asDouble(), 7.0);
}

TEST(Json, BigIntegers) {
  EXPECT_EQ(parse("9223372036854775807").asInt(), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(parse("-9223372036854775808").asInt(), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(dump(parse("9223372036854775807")), "9223372036854775807");
  const Value tooBig = parse("9223372036854775808"); // falls back to double
  EXPECT_FALSE(tooBig.isInt());
  EXPECT_EQ(tooBig.asDouble(), 9223372036854775808.0);
  EXPECT_THROW(tooBig.asInt(), podml::DefinitionError);
  EXPECT_EQ(Value(std::uint64_t(1) << 62).asInt(), std::int64_t(1) << 62);
  EXPECT_THROW(Value(std::numeric_limits<std::uint64_t>::max()), podml::DefinitionError);
  EXPECT_EQ(Value(std::uint32_t(4000000000u)).asInt(), 4000000000);
}

TEST(Json, DoublesRoundTripExactly) {
  for (double d : {0.1, 1e300, -0.0, 5e-324, 1.0, -2.5, 1.7976931348623157e308, 2.2250738585072014e-308,
                   0.30000000000000004, 123456789.123456789, 1e21, 1e-7}) {
    const std::string text = dump(Value(d));
    const Value back = parse(text);
    ASSERT_FALSE(back.isInt()) << text;
    EXPECT_EQ(std::bit_cast<std::uint64_t>(back.asDouble()), std::bit_cast<std::uint64_t>(d)) << text;
  }
  EXPECT_EQ(dump(Value(0.1)), "0.1");
  EXPECT_EQ(dump(Value(1.0)), "1.0");
  EXPECT_EQ(dump(Value(-0.0)), "-0.0");
  EXPECT_EQ(dump(Value(1e300)), "1e+300");
  EXPECT_TRUE(std::signbit(parse("-0").asDouble()));
  EXPECT_THROW(Value(std::nan("")), podml::DefinitionError);
  EXPECT_THROW(Value(std::numeric_limits<double>::infinity()), podml::DefinitionError);
}

TEST(Json, UnicodeEscapes) {
  EXPECT_EQ(parse(R"("\u0041\u00e9\u20AC")").asString(), "A\xC3\xA9\xE2\x82\xAC");
  EXPECT_EQ(parse(R"("\ud83d\ude00")").asString(), "\xF0\x9F\x98\x80"); // U+1F600
  EXPECT_EQ(parse(R"("\"\\\/\b\f\n\r\t")").asString(), "\"\\/\b\f\n\r\t");
  EXPECT_EQ(parse("\"\xE2\x82\xAC\"").asString(), "\xE2\x82\xAC"); // raw UTF-8 passes through
  EXPECT_EQ(parse(R"("\u0000")").asString(), std::string(1, '\0'));
  // Writer: control characters escaped, non-ASCII passed through.
  EXPECT_EQ(dump(Value(std::string("a\"b\\c\n\x01\x1f\xC3\xA9", 10))), R"("a\"b\\c\n\u0001\u001f)" "\xC3\xA9\"");
  EXPECT_THROW(dump(Value("\xC3")), podml::DefinitionError);
}

TEST(Json, ObjectsKeepInsertionOrder) {
  const Value v = parse(R"({"z": 1, "a": 2, "m": {"y": null, "b": [true]}})");
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v.asObject()[0].first, "z");
  EXPECT_EQ(v.asObject()[1].first, "a");
  EXPECT_EQ(v["m"]["b"].asArray()[0], Value(true));
  EXPECT_EQ(dump(v), R"({"z":1,"a":2,"m":{"y":null,"b":[true]}})");

  Value o = Value::object();
  o.set("b", 1);
  o.set("a", "x");
  o.set("b", 2.5); // replaces in place
  EXPECT_EQ(dump(o), R"({"b":2.5,"a":"x"})");
  EXPECT_TRUE(o.contains("a"));
  EXPECT_EQ(o.find("nope"), nullptr);
  try {
    (void)o["nope"];
    FAIL();
  } catch (const podml::DefinitionError& e) {
    EXPECT_NE(std::string(e.what()).find("\"nope\""), std::string::npos);
  }
}

TEST(Json, RoundTripPrettyAndCompact) {
  const std::string text = R"({"name":"ExampleHit","members":[{"type":"double","name":"energy"},)"
                           R"({"n":-17,"f":0.25,"e":[],"o":{}}],"ok":false,"nil":null})";
  const Value v = parse(text);
  EXPECT_EQ(dump(v), text);
  const std::string pretty = dump(v, 2);
  EXPECT_EQ(parse(pretty), v);
  EXPECT_EQ(dump(parse(R"({"a":[1,{"b":2}],"c":{}})"), 2),
            "{\n  \"a\": [\n    1,\n    {\n      \"b\": 2\n    }\n  ],\n  \"c\": {}\n}");
  EXPECT_EQ(dump(parse("\xEF\xBB\xBF[1]")), "[1]"); // BOM is ignored
}

TEST(Json, BuildersAndEquality) {
  Value a = Value::array();
  a.push_back(1);
  a.push_back("s");
  a.push_back(Value::object());
  a.push_back(nullptr);
  EXPECT_EQ(dump(a), R"([1,"s",{},null])");
  EXPECT_EQ(a, parse(R"([1, "s", {}, null])"));
  EXPECT_EQ(Value(1), Value(1.0));
  EXPECT_NE(Value(1), Value(1.5));
  EXPECT_NE(Value(1), Value("1"));
  EXPECT_NE(parse(R"({"a":1,"b":2})"), parse(R"({"b":2,"a":1})"));
  EXPECT_THROW(a.set("k", 1), podml::DefinitionError);
  EXPECT_THROW(Value(3).push_back(1), podml::DefinitionError);
}

TEST(Json, WrongKindMessages) {
  try {
    (void)parse("[1]").asString();
    FAIL();
  } catch (const podml::DefinitionError& e) {
    EXPECT_STREQ(e.what(), "wrong JSON value kind: expected string, got array");
  }
  EXPECT_THROW(parse("1.5").asInt(), podml::DefinitionError);
  EXPECT_THROW(parse("\"1\"").asDouble(), podml::DefinitionError);
  EXPECT_THROW(parse("1").size(), podml::DefinitionError);
  EXPECT_THROW((void)parse("[]")["k"], podml::DefinitionError);
}

TEST(Json, SyntaxErrorsReportLineAndColumn) {
  expectError("", "unexpected end of input", "1:1");
  expectError("[1,\n 2,]", "trailing comma in array", "2:4");
  expectError("{\"a\":1,}", "trailing comma in object", "1:8");
  expectError("[1 2]", "expected ',' or ']'", "1:4");
  expectError("{\"a\" 1}", "expected ':'", "1:6");
  expectError("{\"a\":1 \"b\":2}", "expected ',' or '}'", "1:8");
  expectError("{1:2}", "expected string key", "1:2");
  expectError("[1", "unexpected end of input", "1:3");
  expectError("{\"a\":1,\"a\":2}", "duplicate key \"a\"", "1:8");
  expectError("[1] x", "unexpected trailing characters", "1:5");
  expectError("nul", "invalid literal", "1:1");
  expectError("NaN", "unexpected character 'N'", "1:1");
  expectError("[Infinity]", "unexpected character 'I'", "1:2");
  expectError("'a'", "unexpected character '''", "1:1");
}

TEST(Json, NumberErrors) {
  expectError("01", "leading zero", "1:1");
  expectError("[-01]", "leading zero", "1:2");
  expectError("-", "expected digit in number", "1:2");
  expectError("1.", "expected digit after decimal point", "1:3");
  expectError(".5", "unexpected character '.'", "1:1");
  expectError("1e", "expected digit in exponent", "1:3");
  expectError("+1", "unexpected character '+'", "1:1");
  expectError("\n  1e400", "number out of range", "2:3");
  expectError("-1e-400", "number out of range", "1:1");
}

TEST(Json, StringErrors) {
  expectError("\"abc", "unterminated string", "1:5");
  expectError("\"a\tb\"", "unescaped control character", "1:3");
  expectError("\"a\nb\"", "unescaped control character", "1:3");
  expectError(R"("\x")", "invalid escape sequence", "1:2");
  expectError(R"("\u12")", "truncated \\u escape", "1:4");
  expectError(R"("\u12G4")", "invalid \\u escape", "1:4");
  expectError(R"("\ud83d")", "unpaired surrogate", "1:2");
  expectError(R"("\ud83dx")", "unpaired surrogate", "1:2");
  expectError(R"("\ud83d\u0041")", "unpaired surrogate", "1:2");
  expectError(R"("ab\ude00")", "unpaired surrogate", "1:4");
  expectError("\"\xC3\"", "invalid UTF-8", "1:2");
  expectError("\"\xC0\x80\"", "invalid UTF-8", "1:2");         // overlong
  expectError("\"\xED\xA0\x80\"", "invalid UTF-8", "1:2");     // encoded surrogate
  expectError("\"\xF4\x90\x80\x80\"", "invalid UTF-8", "1:2"); // above U+10FFFF
  expectError("\xFF", "unexpected character 0xFF", "1:1");
}

TEST(Json, NestingLimit) {
  const auto nested = [](int depth) { return std::string(depth, '[') + std::string(depth, ']'); };
  EXPECT_NO_THROW(parse(nested(512)));
  expectError(nested(513), "nesting deeper than 512", "1:513");
  std::string objects;
  for (int i = 0; i < 513; ++i) {
    objects += "{\"k\":";
  }
  expectError(objects, "nesting deeper than 512", "1:" + std::to_string(512 * 5 + 1));
}

TEST(Json, LargeObjectDuplicateDetection) {
  std::string text = "{";
  for (int i = 0; i < 100; ++i) {
    text += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  }
  const Value ok = parse(text.substr(0, text.size() - 1) + "}");
  EXPECT_EQ(ok.size(), 100u);
  EXPECT_EQ(ok["k99"].asInt(), 99);
  EXPECT_NE(parseError(text + "\"k42\":0}").find("duplicate key \"k42\""), std::string::npos);
}
