#include "common/printable.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace soc
