#include "agent/redaction.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>

namespace soc {
namespace {

std::unique_ptr<Redactor> make(RedactionConfig c = {}) {
  c.salt = "0123456789abcdef-test-salt";
  auto r = Redactor::create(c);
  EXPECT_TRUE(r) << r.error();
  return std::move(*r);
}

std::string red(Redactor& r, std::string_view in) {
  std::string out;
  return r.redact(in, out) ? out : std::string(in);
}

// Replaces every tag's hash with "h" so expectations read plainly.
std::string shape(const std::string& s) {
  return std::regex_replace(s, std::regex(":[0-9a-f]{8}\\]"), ":h]");
}

TEST(RedactionTest, CitizenIdentityNumbers) {
  auto r = make();
  EXPECT_EQ(shape(red(*r, "cccd=001203004567 ok")), "cccd=[CCCD:h] ok");
  EXPECT_EQ(shape(red(*r, "079099001234")), "[CCCD:h]");
  // Not a province code, 11 or 13 digits, glued to letters: left alone.
  EXPECT_EQ(red(*r, "ts 202611231322"), "ts 202611231322");
  EXPECT_EQ(red(*r, "n 00120300456"), "n 00120300456");
  EXPECT_EQ(red(*r, "n 0012030045678"), "n 0012030045678");
  EXPECT_EQ(red(*r, "id a001203004567"), "id a001203004567");
}

TEST(RedactionTest, PhoneNumbersInVietnameseForms) {
  auto r = make();
  EXPECT_EQ(shape(red(*r, "call 0912345678.")), "call [PHONE:h].");
  EXPECT_EQ(shape(red(*r, "call 0912 345 678 now")), "call [PHONE:h] now");
  EXPECT_EQ(shape(red(*r, "call 0912.345.678")), "call [PHONE:h]");
  EXPECT_EQ(shape(red(*r, "call +84912345678")), "call [PHONE:h]");
  EXPECT_EQ(shape(red(*r, "call +84 912 345 678")), "call [PHONE:h]");
  EXPECT_EQ(shape(red(*r, "office 02438123456")), "office [PHONE:h]");
  // Not phones: wrong prefix, wrong length, part of a decimal or an IP.
  EXPECT_EQ(red(*r, "n 0112345678"), "n 0112345678");
  EXPECT_EQ(red(*r, "n 091234567"), "n 091234567");
  EXPECT_EQ(red(*r, "v 0912345678.5"), "v 0912345678.5");
  EXPECT_EQ(red(*r, "from 10.20.0.5 port 0"), "from 10.20.0.5 port 0");
}

TEST(RedactionTest, SameValueSameTagWhateverItsForm) {
  auto r = make();
  const std::string a = red(*r, "0912345678");
  EXPECT_EQ(red(*r, "+84 912 345 678"), a);
  EXPECT_EQ(red(*r, "0912.345.678"), a);
  EXPECT_NE(red(*r, "0912345679"), a);
  EXPECT_EQ(red(*r, "Nguyen.A@Example.GOV.vn"), red(*r, "nguyen.a@example.gov.vn"));
  // Another salt, other tags: the hash is keyed.
  RedactionConfig c;
  c.salt = "another-salt-of-16-bytes";
  auto other = Redactor::create(c);
  ASSERT_TRUE(other);
  std::string out;
  (*other)->redact("0912345678", out);
  EXPECT_NE(out, a);
}

TEST(RedactionTest, EmailAddresses) {
  auto r = make();
  EXPECT_EQ(shape(red(*r, "user a.b+c@mail.example.vn, ok")), "user [EMAIL:h], ok");
  EXPECT_EQ(shape(red(*r, "<x_y@sub.domain.gov.vn>")), "<[EMAIL:h]>");
  EXPECT_EQ(red(*r, "ssh root@10.0.0.5"), "ssh root@10.0.0.5");
  EXPECT_EQ(red(*r, "a @ b"), "a @ b");
  EXPECT_EQ(shape(red(*r, "0912345678@sms.vn")), "[EMAIL:h]");
}

TEST(RedactionTest, UserPatternsAndBuiltInsCanBeChosen) {
  RedactionConfig c;
  c.email = false;
  c.patterns = {{"TOKEN", "api_key=[A-Za-z0-9]+"}};
  auto r = make(c);
  EXPECT_EQ(shape(red(*r, "GET /?api_key=abc123&x=1 by a@b.vn 0912345678")),
            "GET /?[TOKEN:h]&x=1 by a@b.vn [PHONE:h]");
  const auto counts = r->counts();
  ASSERT_EQ(counts.size(), 4u);
  EXPECT_EQ(counts[1], (std::pair<std::string, uint64_t>{"phone", 1}));
  EXPECT_EQ(counts[3], (std::pair<std::string, uint64_t>{"TOKEN", 1}));
  EXPECT_EQ(r->lines_redacted(), 1u);
  EXPECT_FALSE(Redactor::check_regex("a(b"));
}

TEST(RedactionTest, LongLinesAndBinaryAreSafe) {
  auto r = make(RedactionConfig{true, true, true, "", {{"X", "(a|b)*c"}}});
  std::string big(64 * 1024, 'a');
  big += " 0912345678 ";
  big += std::string("\xff\x00\x01@@", 5);
  EXPECT_EQ(shape(red(*r, big)).find("[PHONE:h]"), 64u * 1024 + 1);
}

// A user pattern that hits PCRE2's match limit must not let the line through unredacted: the line
// is withheld whole (the pattern may have been about to match anywhere) and counted.
TEST(RedactionTest, PatternHittingTheMatchLimitWithholdsTheLine) {
  RedactionConfig c;
  c.patterns = {{"SECRET", "(a+)+b"}};  // catastrophic backtracking on a run of a's without b
  c.match_limit = 1000;
  auto r = make(c);
  // The b at the end keeps PCRE2 from ruling the match out before trying (its required-byte check).
  const std::string line = "user 0912345678 token " + std::string(40, 'a') + "!b";
  std::string out;
  ASSERT_TRUE(r->redact(line, out));
  EXPECT_EQ(out, "[redaction failed: line withheld]");
  EXPECT_EQ(out.find("0912345678"), std::string::npos);
  EXPECT_EQ(r->lines_failed(), 1u);
  EXPECT_EQ(r->lines_redacted(), 0u);
  // Lines the pattern can finish with are redacted as usual, and not counted as failures.
  EXPECT_EQ(shape(red(*r, "x aab y")), "x [SECRET:h] y");
  EXPECT_EQ(red(*r, "nothing here"), "nothing here");
  EXPECT_EQ(r->lines_failed(), 1u);
}

}  // namespace
}  // namespace soc
