#include "collector/decode/syslog.h"

#include <gtest/gtest.h>

#include <string>

#include "common/clock.h"

namespace soc {
namespace {

SysTime at(std::string_view rfc3339) {
  const auto t = parse_rfc3339(rfc3339);
  EXPECT_TRUE(t.has_value()) << rfc3339;
  return t.value_or(SysTime{});
}

// The agent's read time, as the envelope's ts carries it.
ReadTime read_at(std::string_view ts) {
  return {at(ts), rfc3339_offset_seconds(ts).value()};
}

const ReadTime kHanoi = read_at("2026-11-23T10:05:00.000+07:00");

TEST(DecodeSyslog, Rfc3164WithoutPriority) {
  const auto line = parse_syslog(
      "Nov 23 10:00:01 web01 sshd[1234]: Server listening on 0.0.0.0 port 22.", kHanoi);
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(line->time, at("2026-11-23T10:00:01+07:00"));
  EXPECT_FALSE(line->priority.has_value());
  EXPECT_EQ(line->host, "web01");
  EXPECT_EQ(line->tag, "sshd");
  EXPECT_EQ(line->program, "sshd");
  EXPECT_EQ(line->pid, "1234");
  EXPECT_EQ(line->message, "Server listening on 0.0.0.0 port 22.");
}

TEST(DecodeSyslog, Rfc3164WithPriority) {
  const auto line = parse_syslog(
      "<86>Nov 23 10:00:01 web01 CRON[5512]: pam_unix(cron:session): "
      "session opened for user root(uid=0) by (uid=0)",
      kHanoi);
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(line->priority, 86);
  EXPECT_EQ(line->time, at("2026-11-23T10:00:01+07:00"));
  EXPECT_EQ(line->host, "web01");
  EXPECT_EQ(line->program, "CRON");
  EXPECT_EQ(line->pid, "5512");
}

TEST(DecodeSyslog, SingleDigitDayIsSpacePadded) {
  const auto line = parse_syslog("Nov  3 07:08:09 db02 kernel: [ 12.345678] eth0: link up", kHanoi);
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(line->time, at("2026-11-03T07:08:09+07:00"));
  EXPECT_EQ(line->host, "db02");
  EXPECT_EQ(line->program, "kernel");
  EXPECT_EQ(line->pid, "");
  EXPECT_EQ(line->message, "[ 12.345678] eth0: link up");
}

TEST(DecodeSyslog, AcceptsZeroPaddedDayAndFractionalSeconds) {
  const auto line = parse_syslog("Nov 03 07:08:09.250 db02 app[7]: x", kHanoi);
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(line->time, at("2026-11-03T07:08:09.250+07:00"));
}

TEST(DecodeSyslog, DecemberLineReadOnNewYearsDayIsLastYear) {
  const auto line =
      parse_syslog("Dec 31 23:59:58 web01 sshd[9]: x", read_at("2027-01-01T00:00:03.000+07:00"));
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(line->time, at("2026-12-31T23:59:58+07:00"));
}

// A sender whose clock runs a few seconds ahead stamps New Year's first line before the agent's
// clock has turned: that is next year's January, not last January (a year in the past would
// fall out of every threshold window).
TEST(DecodeSyslog, JanuaryLineReadOnNewYearsEveIsNextYear) {
  const auto line =
      parse_syslog("Jan  1 00:00:02 web01 sshd[9]: x", read_at("2026-12-31T23:59:58.000+07:00"));
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(line->time, at("2027-01-01T00:00:02+07:00"));
}

TEST(DecodeSyslog, YearComesFromTheReadTimeInItsOwnZone) {
  // 2027-01-01 00:30 in Hanoi is still 2026 in UTC; the line is from 2027.
  const auto line =
      parse_syslog("Jan  1 00:29:00 web01 sshd[9]: x", read_at("2027-01-01T00:30:00.000+07:00"));
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(line->time, at("2027-01-01T00:29:00+07:00"));
}

TEST(DecodeSyslog, SmallClockSkewAheadOfTheReadTimeKeepsTheYear) {
  const auto line = parse_syslog("Nov 23 10:06:30 web01 sshd[9]: x", kHanoi);
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(line->time, at("2026-11-23T10:06:30+07:00"));
}

TEST(DecodeSyslog, ZoneComesFromTheReadTime) {
  const std::string text = "Nov 23 10:00:01 web01 sshd[9]: x";
  const auto utc = parse_syslog(text, read_at("2026-11-23T10:05:00Z"));
  const auto hcm = parse_syslog(text, read_at("2026-11-23T10:05:00+07:00"));
  const auto ny = parse_syslog(text, read_at("2026-11-23T10:05:00-05:00"));
  ASSERT_TRUE(utc && hcm && ny);
  EXPECT_EQ(utc->time, at("2026-11-23T10:00:01Z"));
  EXPECT_EQ(hcm->time, at("2026-11-23T03:00:01Z"));
  EXPECT_EQ(ny->time, at("2026-11-23T15:00:01Z"));
}

TEST(DecodeSyslog, LeapDayResolvesToALeapYear) {
  const auto line =
      parse_syslog("Feb 29 12:00:00 web01 app: x", read_at("2029-01-10T08:00:00+07:00"));
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(line->time, at("2028-02-29T12:00:00+07:00"));
}

TEST(DecodeSyslog, ImpossibleDateKeepsTheHeaderButNoTime) {
  const auto line = parse_syslog("Feb 30 12:00:00 web01 app: x", kHanoi);
  ASSERT_TRUE(line.has_value());
  EXPECT_FALSE(line->time.has_value());
  EXPECT_EQ(line->host, "web01");
  EXPECT_EQ(line->message, "x");
}

TEST(DecodeSyslog, Rfc3339TimestampUsesItsOwnZone) {
  const auto line = parse_syslog(
      "2026-11-23T10:00:01.123456+07:00 web01 sshd[1]: Connection closed by 192.0.2.1 port 22",
      read_at("2026-11-23T03:05:00Z"));
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(line->time, at("2026-11-23T03:00:01.123456Z"));
  EXPECT_EQ(line->host, "web01");
  EXPECT_EQ(line->program, "sshd");
  EXPECT_EQ(line->pid, "1");
  EXPECT_EQ(line->message, "Connection closed by 192.0.2.1 port 22");
}

TEST(DecodeSyslog, Rfc3339TimestampWithPriorityAndUtc) {
  const auto line = parse_syslog("<38>2026-11-23T03:00:01Z web01 sshd[1]: x", kHanoi);
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(line->priority, 38);
  EXPECT_EQ(line->time, at("2026-11-23T10:00:01+07:00"));
}

TEST(DecodeSyslog, Rfc5424) {
  const auto line = parse_syslog(
      "<38>1 2026-11-23T10:00:01.5+07:00 web01.sotttt.gov.vn sshd 4242 - "
      R"([origin ip="192.0.2.9"][meta note="a \"quoted\" \] bracket"] )"
      "\xEF\xBB\xBF"
      "Failed password for root from 198.51.100.4 port 5022 ssh2",
      kHanoi);
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(line->priority, 38);
  EXPECT_EQ(line->time, at("2026-11-23T10:00:01.5+07:00"));
  EXPECT_EQ(line->host, "web01.sotttt.gov.vn");
  EXPECT_EQ(line->program, "sshd");
  EXPECT_EQ(line->pid, "4242");
  EXPECT_EQ(line->message, "Failed password for root from 198.51.100.4 port 5022 ssh2");
}

TEST(DecodeSyslog, Rfc5424WithNilFields) {
  const auto line = parse_syslog("<14>1 - - - - - - hello", kHanoi);
  ASSERT_TRUE(line.has_value());
  EXPECT_FALSE(line->time.has_value());
  EXPECT_EQ(line->host, "");
  EXPECT_EQ(line->program, "");
  EXPECT_EQ(line->message, "hello");
}

TEST(DecodeSyslog, LineWithoutHost) {
  const auto line = parse_syslog(
      "Nov 23 09:50:19 sshd[8148]: Disconnecting: Too many "
      "authentication failures for root [preauth]",
      kHanoi);
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(line->host, "");
  EXPECT_EQ(line->program, "sshd");
  EXPECT_EQ(line->pid, "8148");
}

TEST(DecodeSyslog, Ipv6HostIsNotATag) {
  const auto line = parse_syslog("Nov 23 09:50:19 2001:db8:: sudo: x", kHanoi);
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(line->host, "2001:db8::");
  EXPECT_EQ(line->program, "sudo");
}

TEST(DecodeSyslog, TagsOfRealPrograms) {
  struct Case {
    std::string_view text, tag, program, pid, message;
  };
  const Case cases[] = {
      {"Nov 23 10:00:01 h sshd-session[77]: m", "sshd-session", "sshd-session", "77", "m"},
      {"Nov 23 10:00:01 h sudo:     alice : TTY=pts/0", "sudo", "sudo", "",
       "    alice : TTY=pts/0"},
      {"Nov 23 10:00:01 h CRON[1]: (root) CMD (run-parts /etc/cron.hourly)", "CRON", "CRON", "1",
       "(root) CMD (run-parts /etc/cron.hourly)"},
      {"Nov 23 10:00:01 h sshd(pam_unix)[19939]: authentication failure;", "sshd(pam_unix)", "sshd",
       "19939", "authentication failure;"},
      {"Nov 23 10:00:01 h postfix/smtpd[3]: connect", "postfix/smtpd", "postfix/smtpd", "3",
       "connect"},
      {"Nov 23 10:00:01 h systemd-logind[1]:", "systemd-logind", "systemd-logind", "1", ""},
  };
  for (const auto& c : cases) {
    const auto line = parse_syslog(c.text, kHanoi);
    ASSERT_TRUE(line.has_value()) << c.text;
    EXPECT_EQ(line->host, "h") << c.text;
    EXPECT_EQ(line->tag, c.tag) << c.text;
    EXPECT_EQ(line->program, c.program) << c.text;
    EXPECT_EQ(line->pid, c.pid) << c.text;
    EXPECT_EQ(line->message, c.message) << c.text;
  }
}

TEST(DecodeSyslog, HostWithoutTag) {
  const auto line = parse_syslog("Nov 23 10:00:01 fw01 free text without a tag", kHanoi);
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(line->host, "fw01");
  EXPECT_EQ(line->tag, "");
  EXPECT_EQ(line->message, "free text without a tag");
}

TEST(DecodeSyslog, RejectsLinesWithoutASyslogHeader) {
  for (std::string_view text : {
           R"(203.0.113.5 - - [23/Nov/2026:10:00:01 +0700] "GET / HTTP/1.1" 200 612 "-" "curl")",
           R"({"level":"info","msg":"started"})",
           "",
           "Nov",
           "Nov 23",
           "Nov 23 10:00",
           "Nox 23 10:00:01 h app: x",
           "Nov 32 10:00:01 h app: x",
           "Nov 23 24:00:01 h app: x",
           "Nov 23 2026 10:00:01 h app: x",
           "<999>Nov 23 10:00:01 h app: x",
           "<html>Nov 23 10:00:01 h app: x",
           "2026-11-23 10:00:01 h app: x",
           "<38>1 not-a-time h app - - - x",
       }) {
    EXPECT_FALSE(parse_syslog(text, kHanoi).has_value()) << text;
  }
}

TEST(DecodeSyslog, LogTimesOutsideSaneYearsAreRefused) {
  EXPECT_EQ(parse_log_time("2026-11-23T10:00:01.5+07:00"), at("2026-11-23T03:00:01.5Z"));
  EXPECT_FALSE(parse_log_time("9999-12-31T23:59:59Z").has_value());  // past SysTime's range
  EXPECT_FALSE(parse_log_time("0001-01-01T00:00:00Z").has_value());
  EXPECT_FALSE(parse_log_time("2026").has_value());
  EXPECT_FALSE(parse_syslog("9999-12-31T23:59:59Z h app: x", kHanoi).has_value());
  EXPECT_FALSE(parse_syslog("<1>1 9999-12-31T23:59:59Z h app - - - x", kHanoi).has_value());
}

TEST(DecodeSyslog, SetsTheSyslogFields) {
  const auto line = parse_syslog("<38>Nov 23 10:00:01 h sshd(pam_unix)[5]: hello", kHanoi);
  ASSERT_TRUE(line.has_value());
  Fields f;
  set_syslog_fields(*line, f);
  EXPECT_EQ(f.get("host.name"), "h");
  EXPECT_EQ(f.get("process.name"), "sshd");
  EXPECT_EQ(f.get("log.syslog.appname"), "sshd(pam_unix)");
  EXPECT_EQ(f.get("process.pid"), "5");
  EXPECT_EQ(f.get("log.syslog.priority"), "38");
  EXPECT_EQ(f.get("message"), "hello");
}

}  // namespace

// Issue 12: rsyslog's RSYSLOG_FileFormat and journalctl's short-iso formats: fractions of any
// length, "+hh:mm", "+hhmm", "Z", and no zone at all (the read time's zone applies).
TEST(DecodeSyslog, IsoTimestampsWithFractionsOffsetsAndZ) {
  struct Case {
    std::string_view text, utc;
  };
  const Case cases[] = {
      {"2026-11-23T12:00:00.123456+07:00 web01 sshd[1]: x", "2026-11-23T05:00:00.123456Z"},
      {"2026-11-23T12:00:00.5-03:30 web01 sshd[1]: x", "2026-11-23T15:30:00.5Z"},
      {"2026-11-23T05:00:00Z web01 sshd[1]: x", "2026-11-23T05:00:00Z"},
      {"2026-11-23T05:00:00.123456789Z web01 sshd[1]: x", "2026-11-23T05:00:00.123456789Z"},
      {"2026-11-23T12:00:00+0700 web01 sshd[1]: x", "2026-11-23T05:00:00Z"},
      {"2026-11-23T12:00:00.250+0700 web01 sshd[1]: x", "2026-11-23T05:00:00.250Z"},
      {"2026-11-23T12:00:00 web01 sshd[1]: x", "2026-11-23T05:00:00Z"},  // kHanoi's zone
      {"<38>2026-11-23T12:00:00.000001+07:00 web01 sshd[1]: x", "2026-11-23T05:00:00.000001Z"},
      {"1795410000.250000 web01 sshd[1]: x", "2026-11-23T05:00:00.25Z"},  // short-unix
  };
  for (const auto& c : cases) {
    const auto line = parse_syslog(c.text, kHanoi);
    ASSERT_TRUE(line.has_value()) << c.text;
    EXPECT_EQ(line->time, at(c.utc)) << c.text;
    EXPECT_EQ(line->host, "web01") << c.text;
    EXPECT_EQ(line->program, "sshd") << c.text;
    EXPECT_EQ(line->message, "x") << c.text;
  }
  for (std::string_view bad :
       {"2026-11-23T12:00:00+07 web01 sshd[1]: x", "2026-11-23T12:00:00+070000 web01 sshd[1]: x",
        "2026-11-23T12:00:00.+07:00 web01 sshd[1]: x"}) {
    EXPECT_FALSE(parse_syslog(bad, kHanoi).has_value()) << bad;
  }
}

// journalctl's short output with its time cut (fail2ban's journal test files): `host tag[pid]:`
// or `tag[pid]:`. The pid is required, so free text with a colon is not taken for a header.
TEST(DecodeSyslog, HeaderWithoutTimestamp) {
  const auto line = parse_syslog("srv sshd[13709]: error: PAM: Authentication failure", kHanoi);
  ASSERT_TRUE(line.has_value());
  EXPECT_FALSE(line->time.has_value());
  EXPECT_EQ(line->host, "srv");
  EXPECT_EQ(line->program, "sshd");
  EXPECT_EQ(line->pid, "13709");
  EXPECT_EQ(line->message, "error: PAM: Authentication failure");
  const auto hostless = parse_syslog("sshd-session[7]: Connection closed", kHanoi);
  ASSERT_TRUE(hostless.has_value());
  EXPECT_EQ(hostless->host, "");
  EXPECT_EQ(hostless->program, "sshd-session");
  for (std::string_view text : {"error: something failed", "srv sshd: no pid", "Note: x y",
                                "GET /index.php HTTP/1.1", "srv sshd[abc]: x"}) {
    EXPECT_FALSE(parse_syslog(text, kHanoi).has_value()) << text;
  }
}

// Relays that write the tag in brackets: "Mar  3 00:17:22 [sshd]: msg", "... [sshd] msg".
TEST(DecodeSyslog, BracketedTag) {
  for (std::string_view text : {"Nov 23 10:00:01 [sshd]: User root from 1.2.3.4 not allowed",
                                "Nov 23 10:00:01 [sshd] User root from 1.2.3.4 not allowed"}) {
    const auto line = parse_syslog(text, kHanoi);
    ASSERT_TRUE(line.has_value()) << text;
    EXPECT_EQ(line->program, "sshd") << text;
    EXPECT_EQ(line->message, "User root from 1.2.3.4 not allowed") << text;
  }
}

}  // namespace soc
