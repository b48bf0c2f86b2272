// The UTF-8 text check shared by the data model, training spec and card readers.
#include "podml/Exceptions.h"
#include "podml/Text.h"

#include <gtest/gtest.h>

#include <string>

namespace {

std::string problem(std::string_view text) {
  try {
    podml::requireUtf8Text(text, "thing", "f.yaml");
  } catch (const podml::DefinitionError& e) {
    return e.what();
  }
  return "";
}

} // namespace

TEST(Text, AcceptsUtf8AndItsByteOrderMark) {
  EXPECT_EQ(problem("a: b\n\tc: 'é ü 中 😀'\r\n"), "");
  EXPECT_EQ(problem("\xEF\xBB\xBFschema_version: 1\n"), "");
  EXPECT_EQ(problem(""), "");
}

TEST(Text, NamesTheLineAndColumnOfTheFirstBadByte) {
  // Columns count characters: 'é' is one column, two bytes.
  EXPECT_EQ(problem("a: 1\nbé: \xff\n"), "cannot read thing: byte 0xff is not valid UTF-8; podml reads UTF-8 text "
                                          "(f.yaml:2:5)");
  EXPECT_EQ(problem("x\xC0\x80"), "cannot read thing: byte 0xc0 is not valid UTF-8; podml reads UTF-8 text (f.yaml:1:2)");
  EXPECT_EQ(problem("\xED\xA0\x80"), // a UTF-16 surrogate written as UTF-8
            "cannot read thing: byte 0xed is not valid UTF-8; podml reads UTF-8 text (f.yaml:1:1)");
  EXPECT_EQ(problem("\xE2\x82"), "cannot read thing: byte 0xe2 is not valid UTF-8; podml reads UTF-8 text (f.yaml:1:1)");
}

TEST(Text, RefusesNulControlCharactersAndOtherEncodings) {
  EXPECT_EQ(problem(std::string("a: 1\n\0\0", 7)), "cannot read thing: a NUL byte; this is not a text file (f.yaml:2:1)");
  EXPECT_EQ(problem("a: \x01\n"), "cannot read thing: control character 0x01 is not allowed in YAML or JSON text "
                                  "(f.yaml:1:4)");
  EXPECT_EQ(problem("\x7f"), "cannot read thing: control character 0x7f is not allowed in YAML or JSON text (f.yaml:1:1)");
  EXPECT_EQ(problem(std::string("\xFF\xFEs\0", 4)), "cannot read thing: the file is UTF-16 encoded; save it as UTF-8 "
                                                    "(f.yaml:1:1)");
  EXPECT_EQ(problem(std::string("\xFF\xFE\0\0", 4)), "cannot read thing: the file is UTF-32 encoded; save it as UTF-8 "
                                                     "(f.yaml:1:1)");
}

TEST(Text, SequenceLength) {
  EXPECT_EQ(podml::utf8SequenceLength("a", 0), 1u);
  EXPECT_EQ(podml::utf8SequenceLength("é", 0), 2u);
  EXPECT_EQ(podml::utf8SequenceLength("中", 0), 3u);
  EXPECT_EQ(podml::utf8SequenceLength("😀", 0), 4u);
  EXPECT_EQ(podml::utf8SequenceLength("\xF4\x90\x80\x80", 0), 0u); // above U+10FFFF
}
