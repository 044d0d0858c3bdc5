#include "common/printable.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace soc {
namespace {

TEST(Printable, VietnameseTextPassesUnchanged) {
  const std::string s = "Đăng nhập thất bại từ 203.0.113.7 — người dùng 'nguyễn'";
  EXPECT_EQ(printable(s), s);
  EXPECT_TRUE(is_printable(s));
}

TEST(Printable, ControlsThatForgeLinesOrDriveTheTerminalAreEscaped) {
  EXPECT_EQ(printable("a\nsoc-collector info forged"), "a\\x0asoc-collector info forged");
  EXPECT_EQ(printable("\x1b]0;owned\x07"), "\\x1b]0;owned\\x07");  // OSC: window title
  EXPECT_EQ(printable("x\x7fy"), "x\\x7fy");                       // DEL
  EXPECT_EQ(printable("\xc2\x9b"
                      "2J"),
            "\\u009b2J");                       // 8-bit CSI
  EXPECT_EQ(printable("\xc2\x85"), "\\u0085");  // NEL
  EXPECT_EQ(printable("tab\there"), "tab here");
}

TEST(Printable, InvisibleAndReorderingCharactersAreEscaped) {
  EXPECT_EQ(printable("a\u2028b"), "a\\u2028b");      // line separator
  EXPECT_EQ(printable("a\u2029b"), "a\\u2029b");      // paragraph separator
  EXPECT_EQ(printable("ro\u200Bot"), "ro\\u200bot");  // zero-width space
  EXPECT_EQ(printable("\u200E\u200F"), "\\u200e\\u200f");
  EXPECT_EQ(printable("evil\u202Etxt.sh"), "evil\\u202etxt.sh");
  EXPECT_EQ(printable("\u2066x\u2069"), "\\u2066x\\u2069");
  EXPECT_EQ(printable("\uFEFFroot"), "\\ufeffroot");
  EXPECT_FALSE(is_printable("\uFEFFroot"));
}

TEST(Printable, InvalidUtf8BytesAreShownAsHex) {
  EXPECT_EQ(printable("a\xff"
                      "b"),
            "a\\xffb");
  EXPECT_EQ(printable("\xe0\x80\x80"), "\\xe0\\x80\\x80");  // overlong
  EXPECT_EQ(printable("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // surrogate
}

TEST(Printable, BoundedCutsLongTextOnACodePointAndSaysHowLong) {
  EXPECT_EQ(printable_bounded("short", 10), "short");
  const std::string s(1000, 'x');
  EXPECT_EQ(printable_bounded(s, 4), "xxxx…(1000 bytes)");
  // "ă" is two bytes; a cut inside it backs off to the code point's start.
  EXPECT_EQ(printable_bounded("aăb", 2), "a…(4 bytes)");
  EXPECT_EQ(printable_bounded("a\nb\nc", 3), "a\\x0ab…(5 bytes)");
}

// Every code point a terminal acts on, in a value and in a key.
const std::string kHostile =
    "\x1b]0;owned\x07 \xc2\x85 \xc2\x9b"
    "2J \x7f \u202Etxt \u2028 \u2029 \u200B \u200F \uFEFF \u2066x\u2069";

bool has_raw_terminal_controls(const std::string& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == 0x1b || c == 0x07 || c == 0x7f) return true;
    if (c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(s[i + 1]) <= 0x9f) {
      return true;  // C1 as UTF-8
    }
    if (c == 0xe2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80) {
      const auto d = static_cast<unsigned char>(s[i + 2]);
      if ((d >= 0x8b && d <= 0x8f) || (d >= 0xa8 && d <= 0xae)) return true;  // U+200B.., U+2028..
    }
    if (c == 0xe2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x81 &&
        static_cast<unsigned char>(s[i + 2]) >= 0xa6 &&
        static_cast<unsigned char>(s[i + 2]) <= 0xa9) {
      return true;  // U+2066..U+2069
    }
    if (c == 0xef && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xbb &&
        static_cast<unsigned char>(s[i + 2]) == 0xbf) {
      return true;  // U+FEFF
    }
  }
  return false;
}

TEST(JsonSafe, TerminalControlsAreEscapedAndParseBackToTheSameValues) {
  nlohmann::json j;
  j["msg"] = kHostile;
  j[kHostile] = "key";
  j["vi"] = "Đăng nhập thất bại";
  for (int indent : {-1, 2}) {
    const std::string dumped = j.dump(indent);
    ASSERT_TRUE(has_raw_terminal_controls(dumped));  // nlohmann leaves them raw
    const std::string safe = json_safe(dumped);
    EXPECT_FALSE(has_raw_terminal_controls(safe)) << safe;
    EXPECT_NE(safe.find("\\u001b]0;owned\\u0007"), std::string::npos) << safe;
    EXPECT_NE(safe.find("\\u0085 \\u009b2J \\u007f \\u202etxt \\u2028 \\u2029 \\u200b \\u200f "
                        "\\ufeff \\u2066x\\u2069"),
              std::string::npos)
        << safe;
    EXPECT_NE(safe.find("Đăng nhập thất bại"), std::string::npos);  // stays readable
    EXPECT_EQ(nlohmann::json::parse(safe), j);
  }
}

TEST(JsonSafe, StructureAndPlainTextAreUnchanged) {
  const std::string dumped = "[\n  {\n    \"a\": \"x\\\\\\n\"\n  }\n]";
  EXPECT_EQ(json_safe(dumped), dumped);
}

TEST(JsonSafe, InvalidUtf8BecomesTheReplacementCharacter) {
  // What a caller passes when it dumped without error_handler_t::replace: still never raw.
  EXPECT_EQ(json_safe("\"a\x9b"
                      "b\""),
            "\"a\\ufffdb\"");
  EXPECT_EQ(nlohmann::json::parse(json_safe("\"\xff\"")).get<std::string>(), "\uFFFD");
}

}  // namespace
}  // namespace soc
