// parse_yaml_text: YAML syntax errors name the file, line and column, a quoted string left open
// included (yaml-cpp 0.7 takes one that runs to a final line break without complaint).
#include "common/yaml_file.h"

#include <gtest/gtest.h>

#include <string>

namespace soc {
namespace {

const std::string kOpenQuote = "quoted string not closed before the end of the file";

std::string error_of(const std::string& text) {
  auto r = parse_yaml_text(text, "f.yml");
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? "" : r.error();
}

TEST(YamlText, OpenDoubleQuoteIsReportedAtItsOpeningLine) {
  EXPECT_EQ(error_of("id: x.y\ntitle: \"unterminated\nseverity: high\nmatch:\n  a: b\n"),
            "f.yml:2:8: YAML syntax error: " + kOpenQuote);
}

TEST(YamlText, OpenSingleQuoteInAListIsReportedAtItsOpeningLine) {
  EXPECT_EQ(error_of("- id: a\n  title: ok\n- id: b\n  title: 'open\n  severity: low\n\n  \n"),
            "f.yml:4:10: YAML syntax error: " + kOpenQuote);
}

TEST(YamlText, OpenQuoteWithoutAFinalLineBreakNamesTheOpeningLineToo) {
  EXPECT_EQ(error_of("a: 1\nb: \"open\nc: 2"), "f.yml:2:4: YAML syntax error: " + kOpenQuote);
}

TEST(YamlText, OtherSyntaxErrorsKeepTheirPlace) {
  EXPECT_EQ(error_of("a: [1, 2\nb: 3\n").rfind("f.yml:", 0), 0u);
  EXPECT_NE(error_of("a: [1, 2\nb: 3\n").find("YAML syntax error"), std::string::npos);
}

TEST(YamlText, ValidTextWithQuotesParsesUnchanged) {
  auto r = parse_yaml_text(
      "a: \"x ... y\"\nb: 'it''s'\nc: \"multi\n  line\"\nd: |\n  block \"x\n  ...not an end\n",
      "f.yml");
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ((*r)["a"].Scalar(), "x ... y");
  EXPECT_EQ((*r)["b"].Scalar(), "it's");
  EXPECT_EQ((*r)["c"].Scalar(), "multi line");
  EXPECT_EQ((*r)["d"].Scalar(), "block \"x\n...not an end\n");
}

TEST(YamlText, EmptyTextIsANullDocument) {
  auto r = parse_yaml_text("# nothing\n", "f.yml");
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_TRUE(r->IsNull());
}

}  // namespace
}  // namespace soc
