// Decoding events from the agent's journald input: trusted fields instead of a syslog header.
#include "collector/decode/journald_fields.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "collector/decode/decoder.h"
#include "collector/decode/envelope_reader.h"
#include "common/clock.h"
#include "common/envelope.h"

namespace soc {
namespace {

using FieldList = std::vector<std::pair<std::string, std::string>>;

// 2026-11-23T03:00:01.250Z in microseconds since the epoch.
constexpr const char* kRealtime = "1795402801250000";

FieldList sshd_fields() {
  return {{"_SYSTEMD_UNIT", "ssh.service"},
          {"SYSLOG_IDENTIFIER", "sshd"},
          {"_PID", "2231"},
          {"_UID", "0"},
          {"_COMM", "sshd"},
          {"_EXE", "/usr/sbin/sshd"},
          {"_HOSTNAME", "web01"},
          {"PRIORITY", "6"},
          {"__REALTIME_TIMESTAMP", kRealtime}};
}

Event journald_event(std::string msg, FieldList fields = sshd_fields()) {
  Event e;
  e.env.agent = "0f8e4a52-1c2d-4e5f-9a0b-112233445566";
  e.env.host = "agent-host.example.gov.vn";
  e.env.org = "STTTT";
  e.env.src = "journald";
  e.env.seq = 7;
  e.env.ts = "2026-11-23T10:05:00.000+07:00";
  e.env.msg = std::move(msg);
  e.env.fields = std::move(fields);
  return e;
}

FieldList without(FieldList fields, const std::string& key) {
  std::erase_if(fields, [&](const auto& kv) { return kv.first == key; });
  return fields;
}
FieldList with(FieldList fields, const std::string& key, const std::string& value) {
  for (auto& [k, v] : fields) {
    if (k == key) v = value;
  }
  return fields;
}

class DecodeJournald : public ::testing::Test {
 protected:
  Decoder decoder_;
};

TEST_F(DecodeJournald, TrustedFieldsMapToEcsAndTheProgramDecoderRuns) {
  auto e = journald_event("Failed password for root from 203.0.113.7 port 52144 ssh2");
  decoder_.decode(e);
  const Fields& f = e.fields;
  EXPECT_EQ(f.get("host.name"), "web01");  // _HOSTNAME, not the envelope's host
  EXPECT_EQ(f.get("process.name"), "sshd");
  EXPECT_EQ(f.get("process.pid"), "2231");
  EXPECT_EQ(f.get("process.user.id"), "0");
  EXPECT_EQ(f.get("user.id"), std::nullopt);  // the logging process's uid is not the subject
  EXPECT_EQ(f.get("process.executable"), "/usr/sbin/sshd");
  EXPECT_EQ(f.get("systemd.unit"), "ssh.service");
  EXPECT_EQ(f.get("log.level"), "info");
  EXPECT_EQ(f.get("log.syslog.severity.code"), "6");
  EXPECT_EQ(f.get("log.syslog.severity.name"), "info");
  EXPECT_EQ(f.get("log.syslog.priority"), std::nullopt);  // PRIORITY has no facility
  EXPECT_EQ(f.get("log.syslog.appname"), std::nullopt);
  EXPECT_EQ(f.get("message"), "Failed password for root from 203.0.113.7 port 52144 ssh2");
  EXPECT_EQ(f.get("event.original"), e.env.msg);
  EXPECT_EQ(f.get("organization.id"), "STTTT");
  // sshd's own decoder ran on the message.
  EXPECT_EQ(f.get("user.name"), "root");
  EXPECT_EQ(f.get("source.ip"), "203.0.113.7");
  EXPECT_EQ(f.get("event.action"), "ssh_login");
  EXPECT_EQ(f.get("event.outcome"), "failure");
  EXPECT_EQ(e.time, parse_rfc3339("2026-11-23T03:00:01.250Z"));
}

TEST_F(DecodeJournald, MessageIsNeverParsedAsASyslogHeader) {
  // Text that looks like a header is the message itself: host and program come from the fields.
  const std::string msg =
      "Nov 23 10:00:01 evil sudo: alice : TTY=pts/0 ; PWD=/ ; USER=root ; "
      "COMMAND=/bin/sh";
  auto e = journald_event(msg);
  decoder_.decode(e);
  EXPECT_EQ(e.fields.get("host.name"), "web01");
  EXPECT_EQ(e.fields.get("process.name"), "sshd");
  EXPECT_EQ(e.fields.get("message"), msg);
  EXPECT_EQ(e.fields.get("user.effective.name"), std::nullopt);
}

TEST_F(DecodeJournald, SudoThroughTheJournal) {
  auto e = journald_event(
      "   alice : TTY=pts/1 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/bash",
      {{"SYSLOG_IDENTIFIER", "sudo"}, {"_PID", "4242"}, {"_UID", "1000"}, {"PRIORITY", "5"}});
  decoder_.decode(e);
  EXPECT_EQ(e.fields.get("process.name"), "sudo");
  EXPECT_EQ(e.fields.get("user.name"), "alice");
  EXPECT_EQ(e.fields.get("user.effective.name"), "root");
  EXPECT_EQ(e.fields.get("process.command_line"), "/bin/bash");
  EXPECT_EQ(e.fields.get("process.user.id"), "1000");
  EXPECT_EQ(e.fields.get("log.level"), "notice");
  // No _HOSTNAME: the envelope's host; no realtime: the envelope's time.
  EXPECT_EQ(e.fields.get("host.name"), "agent-host.example.gov.vn");
  EXPECT_EQ(e.time, parse_rfc3339("2026-11-23T10:05:00.000+07:00"));
}

TEST_F(DecodeJournald, CommStandsInForAMissingIdentifier) {
  auto e = journald_event("Failed password for bob from 198.51.100.2 port 1 ssh2",
                          without(sshd_fields(), "SYSLOG_IDENTIFIER"));
  decoder_.decode(e);
  EXPECT_EQ(e.fields.get("process.name"), "sshd");
  EXPECT_EQ(e.fields.get("source.ip"), "198.51.100.2");
}

TEST_F(DecodeJournald, MalformedValuesAreLeftOut) {
  auto fields = with(sshd_fields(), "PRIORITY", "9");
  fields = with(fields, "_PID", "12ab");
  fields = with(fields, "_UID", "-1");
  fields = with(fields, "__REALTIME_TIMESTAMP", "99999999999999999999");
  auto e = journald_event("hello", fields);
  decoder_.decode(e);
  EXPECT_EQ(e.fields.get("log.level"), std::nullopt);
  EXPECT_EQ(e.fields.get("log.syslog.severity.code"), std::nullopt);
  EXPECT_EQ(e.fields.get("process.pid"), std::nullopt);
  EXPECT_EQ(e.fields.get("process.user.id"), std::nullopt);
  EXPECT_EQ(e.time, parse_rfc3339("2026-11-23T10:05:00.000+07:00"));
  EXPECT_EQ(e.fields.get("message"), "hello");

  for (int p = 0; p < 8; ++p) {
    auto ok = journald_event("x", with(sshd_fields(), "PRIORITY", std::to_string(p)));
    decoder_.decode(ok);
    const char* names[] = {"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"};
    EXPECT_EQ(ok.fields.get("log.level"), names[p]);
  }
}

TEST_F(DecodeJournald, OnlyEnvelopesWithJournaldFieldsTakeThisPath) {
  Envelope plain;
  EXPECT_FALSE(is_journald(plain));
  plain.fields = {{"custom", "x"}};
  EXPECT_FALSE(is_journald(plain));
  Envelope j;
  j.fields = {{"_PID", "1"}};
  EXPECT_TRUE(is_journald(j));

  // A file line with a syslog header still has it parsed.
  auto e = journald_event("Nov 23 10:00:01 web02 sshd[5]: Server listening on :: port 22.", {});
  e.env.src = "file:/var/log/auth.log";
  decoder_.decode(e);
  EXPECT_EQ(e.fields.get("host.name"), "web02");
  EXPECT_EQ(e.fields.get("process.pid"), "5");
}

TEST_F(DecodeJournald, MultiLineMessageSurvivesTheEnvelopeRoundTrip) {
  const std::string msg = "pam_unix(sshd:auth): first line\nsecond line\twith tab";
  Envelope in = journald_event(msg).env;
  auto out = parse_envelope(to_json(in));
  ASSERT_TRUE(out.ok()) << out.error();
  EXPECT_EQ(out->fields, in.fields);
  Event e;
  e.env = *out;
  decoder_.decode(e);
  EXPECT_EQ(e.fields.get("message"), msg);
  EXPECT_EQ(e.fields.get("process.name"), "sshd");
  EXPECT_EQ(e.time, parse_rfc3339("2026-11-23T03:00:01.250Z"));
}

}  // namespace
}  // namespace soc
