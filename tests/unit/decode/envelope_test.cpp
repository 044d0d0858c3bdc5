#include "collector/decode/envelope_reader.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include "common/envelope.h"

namespace soc {
namespace {

Envelope sample(std::string msg) {
  Envelope e;
  e.agent = "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
  e.host = "mail.tayninh.gov.vn";
  e.org = "UBND-TN";
  e.src = "file:/var/log/auth.log";
  e.seq = 1234567;
  e.ts = "2026-11-23T19:47:00.123+07:00";
  e.msg = std::move(msg);
  return e;
}

void expect_same(const Envelope& a, const Envelope& b) {
  EXPECT_EQ(a.agent, b.agent);
  EXPECT_EQ(a.host, b.host);
  EXPECT_EQ(a.org, b.org);
  EXPECT_EQ(a.src, b.src);
  EXPECT_EQ(a.seq, b.seq);
  EXPECT_EQ(a.ts, b.ts);
  EXPECT_EQ(a.msg, b.msg);
  EXPECT_EQ(a.trunc, b.trunc);
  EXPECT_EQ(a.peer, b.peer);
  EXPECT_EQ(a.fields, b.fields);
}

std::string error_of(std::string_view json) {
  auto r = parse_envelope(json);
  EXPECT_FALSE(r.ok()) << json;
  return r.ok() ? std::string() : r.error();
}

TEST(DecodeEnvelope, RoundTripsAPlainLine) {
  const auto e =
      sample("Nov 23 19:46:59 mail sshd[811]: Accepted publickey for hung from 10.2.3.4");
  auto r = parse_envelope(to_json(e));
  ASSERT_TRUE(r.ok()) << r.error();
  expect_same(*r, e);
}

TEST(DecodeEnvelope, RoundTripsPeerAndStructuredFields) {
  auto e = sample("Accepted password for an from 10.0.0.7 port 2222 ssh2");
  e.peer = "tcp:[2001:db8::7]:51514";
  e.fields = {{"_SYSTEMD_UNIT", "ssh.service"}, {"_PID", "811"}, {"MESSAGE_ID", "a\"b"}};
  auto r = parse_envelope(to_json(e));
  ASSERT_TRUE(r.ok()) << r.error();
  expect_same(*r, e);
}

TEST(DecodeEnvelope, RejectsNonStringStructuredFields) {
  EXPECT_NE(
      error_of(
          R"({"v":1,"agent":"a","host":"h","src":"s","seq":1,"ts":"t","msg":"m","fields":{"_PID":811}})")
          .find("fields._PID"),
      std::string::npos);
  EXPECT_NE(
      error_of(
          R"({"v":1,"agent":"a","host":"h","src":"s","seq":1,"ts":"t","msg":"m","fields":[1]})")
          .find("'fields'"),
      std::string::npos);
}

TEST(DecodeEnvelope, RoundTripsQuotesBackslashesAndControlCharacters) {
  constexpr char kLine[] = "say \"hi\" C:\\temp\\x\ttab\r\n\x01\x1f\x7f end\0nul";
  const auto e = sample(std::string(kLine, sizeof(kLine) - 1));
  auto r = parse_envelope(to_json(e));
  ASSERT_TRUE(r.ok()) << r.error();
  expect_same(*r, e);
}

TEST(DecodeEnvelope, RoundTripsVietnameseText) {
  const auto e =
      sample("Đăng nhập thất bại cho người dùng quản_trị — Sở Thông tin và Truyền thông 🔒");
  auto with_host = e;
  with_host.host = "máy-chủ.sở.vn";
  auto r = parse_envelope(to_json(with_host));
  ASSERT_TRUE(r.ok()) << r.error();
  expect_same(*r, with_host);
}

TEST(DecodeEnvelope, KeepsInvalidUtf8EscapesAsFourCharacters) {
  // The agent turns the byte 0x80 into the text \x80; the collector keeps that text.
  auto r = parse_envelope(to_json(sample("user \x80\xff\xc3 end")));
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->msg, R"(user \x80\xff\xc3 end)");
}

TEST(DecodeEnvelope, ReadsTruncFlagAndLargeSequenceNumbers) {
  auto e = sample("x");
  e.trunc = true;
  e.seq = std::numeric_limits<uint64_t>::max();
  auto r = parse_envelope(to_json(e));
  ASSERT_TRUE(r.ok()) << r.error();
  expect_same(*r, e);
}

TEST(DecodeEnvelope, OrgAndTruncAreOptional) {
  auto r = parse_envelope(
      R"({"v":1,"agent":"a","host":"h","src":"file:/x","seq":0,"ts":"t","msg":"m"})");
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->org, "");
  EXPECT_FALSE(r->trunc);
  EXPECT_EQ(r->msg, "m");
}

TEST(DecodeEnvelope, IgnoresUnknownFieldsInAnyOrder) {
  auto r = parse_envelope(
      R"({"msg":"m","future":{"nested":[1,2,{"x":null}]},"ts":"t","seq":9,"src":"s","host":"h",)"
      R"("agent":"a","v":1,"labels":["x"],"trunc":false,"org":"o"})");
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->seq, 9u);
  EXPECT_EQ(r->org, "o");
}

TEST(DecodeEnvelope, AcceptsWhitespaceAndUnicodeEscapes) {
  auto r = parse_envelope(
      " {\"v\" : 1, \"agent\":\"a\", \"host\":\"h\", \"src\":\"s\", \"seq\":1, \"ts\":\"t\", "
      "\"msg\":\"\\u0110\\u0103ng \\ud83d\\udd12 \\/\"}\n");
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->msg, "Đăng 🔒 /");
}

TEST(DecodeEnvelope, RejectsWhatIsNotJson) {
  EXPECT_EQ(error_of("").rfind("not JSON: ", 0), 0u);
  EXPECT_EQ(error_of("Nov 23 10:00:00 host sshd[1]: hello").rfind("not JSON: ", 0), 0u);
  EXPECT_EQ(error_of(R"({"v":1,"agent":"a")").rfind("not JSON: ", 0), 0u);
  EXPECT_EQ(error_of(R"({"v":1} trailing)").rfind("not JSON: ", 0), 0u);
  EXPECT_EQ(error_of("{\"v\":1,\"msg\":\"\xff\"}").rfind("not JSON: ", 0), 0u);  // raw bad UTF-8
  EXPECT_EQ(error_of(R"({"msg":"a\qb"})").rfind("not JSON: ", 0), 0u);           // bad escape
}

TEST(DecodeEnvelope, RejectsNonObjects) {
  EXPECT_EQ(error_of("[1,2]"), "not a JSON object");
  EXPECT_EQ(error_of("\"msg\""), "not a JSON object");
  EXPECT_EQ(error_of("null"), "not a JSON object");
}

TEST(DecodeEnvelope, NamesEachMissingRequiredField) {
  const std::string full = to_json(sample("m"));
  for (const std::string name : {"v", "agent", "host", "src", "seq", "ts", "msg"}) {
    // Rename the field so the JSON stays valid but the field is gone.
    std::string json = full;
    const std::string key = "\"" + name + "\":";
    const size_t at = json.find(key);
    ASSERT_NE(at, std::string::npos) << name;
    json.replace(at, key.size(), "\"x_" + name + "\":");
    EXPECT_EQ(error_of(json), "missing field '" + name + "'");
  }
}

TEST(DecodeEnvelope, RejectsWrongTypes) {
  const std::string base = R"("agent":"a","host":"h","src":"s","ts":"t")";
  EXPECT_EQ(error_of(R"({"v":"1","seq":1,"msg":"m",)" + base + "}"),
            "field 'v' must be an integer");
  EXPECT_EQ(error_of(R"({"v":1.0,"seq":1,"msg":"m",)" + base + "}"),
            "field 'v' must be an integer");
  EXPECT_EQ(error_of(R"({"v":2,"seq":1,"msg":"m",)" + base + "}"),
            "unsupported envelope version 2 (expected 1)");
  EXPECT_EQ(error_of(R"({"v":1,"seq":-1,"msg":"m",)" + base + "}"),
            "field 'seq' must be an unsigned integer");
  EXPECT_EQ(error_of(R"({"v":1,"seq":"7","msg":"m",)" + base + "}"),
            "field 'seq' must be an unsigned integer");
  EXPECT_EQ(error_of(R"({"v":1,"seq":1.5,"msg":"m",)" + base + "}"),
            "field 'seq' must be an unsigned integer");
  EXPECT_EQ(error_of(R"({"v":1,"seq":1,"msg":42,)" + base + "}"), "field 'msg' must be a string");
  EXPECT_EQ(error_of(R"({"v":1,"seq":1,"msg":null,)" + base + "}"), "field 'msg' must be a string");
  EXPECT_EQ(error_of(R"({"v":1,"seq":1,"msg":"m","org":["x"],)" + base + "}"),
            "field 'org' must be a string");
  EXPECT_EQ(error_of(R"({"v":1,"seq":1,"msg":"m","trunc":"yes",)" + base + "}"),
            "field 'trunc' must be a boolean");
}

TEST(DecodeEnvelope, RejectsARepeatedKnownField) {
  EXPECT_EQ(error_of(R"({"v":1,"agent":"a","host":"h","src":"s","seq":1,"ts":"t","msg":"benign",)"
                     R"("msg":"evil"})"),
            "duplicate field 'msg'");
}

TEST(DecodeEnvelope, SurvivesEveryTruncationAndRandomBytes) {
  const std::string json = to_json(sample("Đăng nhập \"x\" \x80 from 203.0.113.5"));
  for (size_t n = 0; n < json.size(); ++n) {
    EXPECT_FALSE(parse_envelope(std::string_view(json).substr(0, n)).ok()) << n;
  }
  std::mt19937 rng(20261123);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int round = 0; round < 2000; ++round) {
    std::string mutated = json;
    for (int k = 0; k < 3; ++k) {
      mutated[rng() % mutated.size()] = static_cast<char>(byte(rng));
    }
    (void)parse_envelope(mutated);  // must neither crash nor throw
  }
}

}  // namespace
}  // namespace soc

namespace soc {
namespace {

TEST(DecodeEnvelope, ErrorQuotingAKeyCarriesNoControlCharacters) {
  // The error is logged: a key with a newline and ESC must not forge a log line or drive the
  // terminal, and a huge key must not write megabytes.
  const std::string key = "k\\n2026-12-07T00:00:00.000+07:00 soc-collector info forged\\u001b[31m";
  auto env = parse_envelope(
      R"({"v":1,"agent":"a","host":"h","src":"s","seq":1,"ts":"t","msg":"m","fields":{")" + key +
      R"(":1}})");
  ASSERT_FALSE(env);
  EXPECT_EQ(env.error().find('\n'), std::string::npos) << env.error();
  EXPECT_EQ(env.error().find('\x1b'), std::string::npos) << env.error();
  EXPECT_NE(env.error().find("\\x0a2026"), std::string::npos) << env.error();
  const std::string huge(100000, 'z');
  env = parse_envelope(
      R"({"v":1,"agent":"a","host":"h","src":"s","seq":1,"ts":"t","msg":"m","fields":{")" + huge +
      R"(":1}})");
  ASSERT_FALSE(env);
  EXPECT_LT(env.error().size(), 200u);
}

TEST(DecodeEnvelope, LargeEnvelopeAfterSmallOnesStillParses) {
  // Buffers grown for a large message are released; the next messages must not notice.
  std::string big =
      std::string(R"({"v":1,"agent":"a","host":"h","src":"s","seq":1,"ts":"t","msg":")") +
      std::string(3 << 20, 'x') + R"("})";
  auto env = parse_envelope(big);
  ASSERT_TRUE(env) << env.error();
  EXPECT_EQ(env->msg.size(), 3u << 20);
  env =
      parse_envelope(R"({"v":1,"agent":"a","host":"h","src":"s","seq":2,"ts":"t","msg":"small"})");
  ASSERT_TRUE(env) << env.error();
  EXPECT_EQ(env->msg, "small");
}

}  // namespace
}  // namespace soc
