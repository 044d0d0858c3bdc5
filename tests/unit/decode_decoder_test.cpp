#include "collector/decode/decoder.h"

#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>

#include "collector/decode/envelope_reader.h"
#include "common/clock.h"
#include "common/envelope.h"

namespace soc {
namespace {

SysTime at(std::string_view rfc3339) {
  const auto t = parse_rfc3339(rfc3339);
  EXPECT_TRUE(t.has_value()) << rfc3339;
  return t.value_or(SysTime{});
}

Event event(std::string msg, std::string ts = "2026-11-23T10:05:00.000+07:00") {
  Event e;
  e.env.agent = "0f8e4a52-1c2d-4e5f-9a0b-112233445566";
  e.env.host = "web01.sotttt.gov.vn";
  e.env.org = "STTTT";
  e.env.src = "file:/var/log/auth.log";
  e.env.seq = 7;
  e.env.ts = std::move(ts);
  e.env.msg = std::move(msg);
  return e;
}

class DecodeChain : public ::testing::Test {
 protected:
  Decoder decoder_;
};

TEST_F(DecodeChain, SshdLineGetsBaseSyslogAndSshdFields) {
  auto e = event(
      "Nov 23 10:00:01 web01 sshd[2231]: Failed password for root from 203.0.113.7 port 52144 "
      "ssh2");
  decoder_.decode(e);
  const Fields& f = e.fields;
  EXPECT_EQ(f.get("event.original"), e.env.msg);
  EXPECT_EQ(f.get("agent.id"), "0f8e4a52-1c2d-4e5f-9a0b-112233445566");
  EXPECT_EQ(f.get("organization.id"), "STTTT");
  EXPECT_EQ(f.get("log.file.path"), "/var/log/auth.log");
  EXPECT_EQ(f.get("host.name"), "web01");
  EXPECT_EQ(f.get("process.name"), "sshd");
  EXPECT_EQ(f.get("process.pid"), "2231");
  EXPECT_EQ(f.get("message"), "Failed password for root from 203.0.113.7 port 52144 ssh2");
  EXPECT_EQ(f.get("user.name"), "root");
  EXPECT_EQ(f.get("source.ip"), "203.0.113.7");
  EXPECT_EQ(f.get("source.port"), "52144");
  EXPECT_EQ(f.get("event.action"), "ssh_login");
  EXPECT_EQ(f.get("event.outcome"), "failure");
  EXPECT_EQ(e.time, at("2026-11-23T10:00:01+07:00"));
}

TEST_F(DecodeChain, SshdSessionAndOldPamTag) {
  auto a = event(
      "Nov 23 10:00:01 web01 sshd-session[9]: Accepted publickey for hung from "
      "2001:db8::5 port 40000 ssh2: ED25519 SHA256:abc");
  decoder_.decode(a);
  EXPECT_EQ(a.fields.get("event.outcome"), "success");
  EXPECT_EQ(a.fields.get("source.ip"), "2001:db8::5");

  auto b = event(
      "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= "
      "uid=0 euid=0 tty=NODEVssh ruser= rhost=192.0.2.4 ");
  decoder_.decode(b);
  EXPECT_EQ(b.fields.get("process.name"), "sshd");
  EXPECT_EQ(b.fields.get("event.action"), "pam_auth_failure");
  EXPECT_EQ(b.fields.get("source.ip"), "192.0.2.4");
}

TEST_F(DecodeChain, SudoLine) {
  auto e = event(
      "Nov 23 10:15:02 web01 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; "
      "USER=root ; COMMAND=/usr/bin/systemctl restart nginx");
  decoder_.decode(e);
  EXPECT_EQ(e.fields.get("process.name"), "sudo");
  EXPECT_EQ(e.fields.get("user.name"), "alice");
  EXPECT_EQ(e.fields.get("user.effective.name"), "root");
  EXPECT_EQ(e.fields.get("process.command_line"), "/usr/bin/systemctl restart nginx");
  EXPECT_EQ(e.fields.get("event.outcome"), "success");
}

TEST_F(DecodeChain, ProgramDecodersRunOnlyForTheirProgram) {
  auto e = event(
      "Nov 23 10:00:01 web01 myapp[1]: Failed password for root from 203.0.113.7 "
      "port 52144 ssh2");
  decoder_.decode(e);
  EXPECT_EQ(e.fields.get("process.name"), "myapp");
  EXPECT_EQ(e.fields.get("source.ip"), std::nullopt);
}

TEST_F(DecodeChain, BenignSshdLineHasNoSource) {
  auto e = event("Nov 23 10:00:01 web01 sshd[1]: Server listening on 0.0.0.0 port 22.");
  decoder_.decode(e);
  EXPECT_EQ(e.fields.get("source.ip"), std::nullopt);
  EXPECT_EQ(e.fields.get("event.action"), std::nullopt);
  EXPECT_EQ(e.fields.get("message"), "Server listening on 0.0.0.0 port 22.");
}

TEST_F(DecodeChain, RepeatedMessagesAreDecodedAndCounted) {
  auto e = event(
      "Nov 23 10:00:01 web01 sshd[1]: message repeated 4 times: [ Failed password for "
      "root from 203.0.113.7 port 52144 ssh2]");
  decoder_.decode(e);
  EXPECT_EQ(e.fields.get("event.repeat_count"), "4");
  EXPECT_EQ(e.fields.get("source.ip"), "203.0.113.7");
  EXPECT_EQ(e.fields.get("source.port"), "52144");
}

TEST_F(DecodeChain, NonSyslogLineKeepsWholeLineAndEnvelopeTime) {
  const std::string line =
      R"(203.0.113.5 - - [23/Nov/2026:10:00:01 +0700] "GET /wp-login.php HTTP/1.1" 404 162)";
  auto e = event(line);
  e.env.src = "file:/var/log/nginx/access.log";
  decoder_.decode(e);
  EXPECT_EQ(e.fields.get("message"), line);
  EXPECT_EQ(e.fields.get("host.name"), "web01.sotttt.gov.vn");
  EXPECT_EQ(e.fields.get("log.file.path"), "/var/log/nginx/access.log");
  EXPECT_EQ(e.fields.get("process.name"), std::nullopt);
  EXPECT_EQ(e.time, at("2026-11-23T10:05:00+07:00"));
}

TEST_F(DecodeChain, TrailingCarriageReturnIsIgnored) {
  auto e = event("Nov 23 10:00:01 web01 sshd[4]: Invalid user webadmin from 192.0.2.31\r");
  decoder_.decode(e);
  EXPECT_EQ(e.fields.get("event.original"), e.env.msg);
  EXPECT_EQ(e.fields.get("message"), "Invalid user webadmin from 192.0.2.31");
  EXPECT_EQ(e.fields.get("source.ip"), "192.0.2.31");

  auto plain = event("GET / 200\r\n");
  decoder_.decode(plain);
  EXPECT_EQ(plain.fields.get("message"), "GET / 200");
}

TEST_F(DecodeChain, HostFallsBackToTheEnvelope) {
  auto e = event("Nov 23 09:50:19 sshd[8148]: Invalid user pi from 192.0.2.3 port 5000");
  decoder_.decode(e);
  EXPECT_EQ(e.fields.get("host.name"), "web01.sotttt.gov.vn");
  EXPECT_EQ(e.fields.get("user.name"), "pi");
}

TEST_F(DecodeChain, SourceWithoutFilePrefixIsKept) {
  auto e = event("x");
  e.env.src = "syslog:udp";
  decoder_.decode(e);
  EXPECT_EQ(e.fields.get("log.file.path"), "syslog:udp");
}

TEST_F(DecodeChain, BadEnvelopeTimeFallsBackToNow) {
  auto e = event("plain text line", "yesterday");
  const auto before = std::chrono::system_clock::now();
  decoder_.decode(e);
  EXPECT_GE(e.time, before);
  EXPECT_LE(e.time, std::chrono::system_clock::now());

  auto far = event("plain text line", "9999-12-31T23:59:59.000+14:00");
  decoder_.decode(far);
  EXPECT_LE(far.time, std::chrono::system_clock::now());

  auto z = event("Nov 23 10:00:01 web01 app: x", "");
  decoder_.decode(z);  // zone and year from the collector's clock; only must not fail
  EXPECT_EQ(z.fields.get("host.name"), "web01");
}

TEST_F(DecodeChain, ReusedEventDropsThePreviousFields) {
  auto e = event(
      "Nov 23 10:00:01 web01 sshd[1]: Failed password for root from 203.0.113.7 port "
      "52144 ssh2");
  decoder_.decode(e);
  e.env.msg = "Nov 23 10:00:02 web01 sshd[1]: Server listening on :: port 22.";
  decoder_.decode(e);
  EXPECT_EQ(e.fields.get("source.ip"), std::nullopt);
  EXPECT_EQ(e.fields.get("user.name"), std::nullopt);
}

TEST_F(DecodeChain, EscapedInvalidUtf8FromTheAgentIsDecodedAsText) {
  auto env =
      event("Nov 23 10:00:01 web01 sshd[1]: Invalid user \xc3\x28x from 192.0.2.9 port 22").env;
  auto parsed = parse_envelope(to_json(env));
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  Event e;
  e.env = *parsed;
  decoder_.decode(e);
  EXPECT_EQ(e.fields.get("user.name"), R"(\xc3(x)");
  EXPECT_EQ(e.fields.get("source.ip"), "192.0.2.9");
}

TEST_F(DecodeChain, SurvivesRandomLines) {
  std::mt19937 rng(42);
  const std::string seeds[] = {
      "<38>Nov 23 10:00:01 web01 sshd[1]: Failed password for invalid user a from 1.2.3.4 port "
      "5 ssh2",
      "<38>1 2026-11-23T10:00:01Z h sshd 1 - [a b=\"c\\]\"] Disconnected from invalid user x "
      "2001:db8::1 port 9 [preauth]",
      "2026-11-23T10:00:01.1+07:00 h sudo: a : x ; TTY=1 ; COMMAND=y",
      "Nov  3 10:00:01 h sshd[1]: pam_unix(sshd:auth): authentication failure; rhost= user=",
  };
  for (int round = 0; round < 20000; ++round) {
    std::string line = seeds[rng() % std::size(seeds)];
    line.resize(rng() % (line.size() + 1));
    for (int k = rng() % 4; k > 0 && !line.empty(); --k) {
      line[rng() % line.size()] = static_cast<char>(rng() % 256);
    }
    auto e = event(line);
    decoder_.decode(e);
    ASSERT_EQ(e.fields.get("event.original"), line);
    ASSERT_TRUE(e.fields.get("message").has_value());
  }
}

}  // namespace
}  // namespace soc
