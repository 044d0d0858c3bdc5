#include "common/envelope.h"

#include <gtest/gtest.h>

namespace soc {
namespace {

Envelope sample(std::string msg) {
  Envelope e;
  e.agent = "0f8e4a52-1c2d-4e5f-9a0b-112233445566";
  e.host = "web01.sotttt.gov.vn";
  e.org = "STTTT";
  e.src = "file:/var/log/auth.log";
  e.seq = 42;
  e.ts = "2026-11-23T19:47:00.123+07:00";
  e.msg = std::move(msg);
  return e;
}

TEST(Envelope, SerialisesAllFieldsInOrder) {
  EXPECT_EQ(to_json(sample("sshd[1]: ok")),
            R"({"v":1,"agent":"0f8e4a52-1c2d-4e5f-9a0b-112233445566","host":"web01.sotttt.gov.vn",)"
            R"("org":"STTTT","src":"file:/var/log/auth.log","seq":42,)"
            R"("ts":"2026-11-23T19:47:00.123+07:00","msg":"sshd[1]: ok"})");
}

TEST(Envelope, FlagsTruncatedLines) {
  auto e = sample("x");
  e.trunc = true;
  const std::string json = to_json(e);
  EXPECT_NE(json.find(R"("msg":"x","trunc":true})"), std::string::npos) << json;
}

TEST(Envelope, AddsPeerAndStructuredFieldsOnlyWhenPresent) {
  auto e = sample("x");
  EXPECT_EQ(to_json(e).find("peer"), std::string::npos);
  EXPECT_EQ(to_json(e).find("fields"), std::string::npos);
  e.peer = "udp:10.0.0.5:514";
  e.fields = {{"_SYSTEMD_UNIT", "ssh.service"}, {"_PID", "4242"}, {"Q\"", "a\nb"}};
  const std::string json = to_json(e);
  EXPECT_NE(
      json.find(
          R"("msg":"x","peer":"udp:10.0.0.5:514","fields":{"_SYSTEMD_UNIT":"ssh.service","_PID":"4242","Q\"":"a\nb"}})"),
      std::string::npos)
      << json;
}

TEST(Envelope, EscapesQuotesBackslashesAndControlCharacters) {
  std::string out;
  append_json_string(out, std::string("a\"b\\c\n\r\t\x01\x1f\x7f", 11));
  EXPECT_EQ(out, R"(a\"b\\c\n\r\t\u0001\u001f\u007f)");
}

TEST(Envelope, KeepsNulBytes) {
  std::string out;
  append_json_string(out, std::string("a\0b", 3));
  EXPECT_EQ(out, R"(a\u0000b)");
}

TEST(Envelope, PassesValidUtf8Through) {
  std::string out;
  const std::string vi = "Đăng nhập thất bại — 🔒";
  EXPECT_EQ(append_json_string(out, vi), 0u);
  EXPECT_EQ(out, vi);
}

TEST(Envelope, EscapesInvalidUtf8BytesInsteadOfDroppingThem) {
  std::string out;
  // A lone continuation byte, a truncated 3-byte sequence, an overlong '/', a UTF-16 surrogate
  // and a byte that never occurs in UTF-8.
  const std::string bad = "a\x80 b\xE2\x82 c\xC0\xAF d\xED\xA0\x80 e\xFF";
  EXPECT_EQ(append_json_string(out, bad), 9u);
  EXPECT_EQ(out, R"(a\\x80 b\\xe2\\x82 c\\xc0\\xaf d\\xed\\xa0\\x80 e\\xff)");
}

TEST(Envelope, TruncatedSequenceAtEndOfLineIsEscaped) {
  std::string out;
  EXPECT_EQ(append_json_string(out, "ok\xF0\x9F\x94"), 3u);
  EXPECT_EQ(out, R"(ok\\xf0\\x9f\\x94)");
}

}  // namespace
}  // namespace soc
