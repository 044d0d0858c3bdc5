#include "collector/decode/apache_error.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "tests/unit/decode/test_support.h"

namespace soc {
namespace {

using test::at;
using test::Decoded;
using test::Opt;

const ReadTime kHanoi{at("2026-10-11T15:00:00+07:00"), 7 * 3600};

Decoded decode(std::string_view line) {
  return test::decoded_by(
      [](std::string_view l, Fields& f, std::optional<SysTime>& t) {
        return decode_apache_error(l, kHanoi, f, t);
      },
      line);
}

TEST(DecodeApacheError, Apache22) {
  const auto d = decode(
      "[Sun Dec 04 04:47:44 2005] [error] [client 192.0.2.44] Directory index forbidden by "
      "rule: /var/www/html/");
  EXPECT_EQ(d.f.get("log.level"), "error");
  EXPECT_EQ(d.f.get("source.ip"), "192.0.2.44");
  EXPECT_EQ(d.f.get("source.port"), Opt());
  EXPECT_EQ(d.f.get("message"), "Directory index forbidden by rule: /var/www/html/");
  EXPECT_EQ(d.f.get("error.code"), Opt());
  EXPECT_EQ(d.time, at("2005-12-04T04:47:44+07:00"));
}

TEST(DecodeApacheError, Apache24) {
  const auto d = decode(
      "[Wed Oct 11 14:32:52.123456 2026] [core:error] [pid 1234:tid 140212345] "
      "[client 203.0.113.8:51234] AH00126: Invalid URI in request GET /..%2f..%2fetc/passwd "
      "HTTP/1.1");
  EXPECT_EQ(d.f.get("log.level"), "error");
  EXPECT_EQ(d.f.get("apache.error.module"), "core");
  EXPECT_EQ(d.f.get("process.pid"), "1234");
  EXPECT_EQ(d.f.get("process.thread.id"), "140212345");
  EXPECT_EQ(d.f.get("source.ip"), "203.0.113.8");
  EXPECT_EQ(d.f.get("source.port"), "51234");
  EXPECT_EQ(d.f.get("error.code"), "AH00126");
  EXPECT_EQ(d.f.get("message"), "Invalid URI in request GET /..%2f..%2fetc/passwd HTTP/1.1");
  EXPECT_EQ(d.time, at("2026-10-11T14:32:52.123456+07:00"));
}

TEST(DecodeApacheError, RefererIpv6AndPhp) {
  const auto d = decode(
      "[Wed Oct 11 14:32:52.000001 2026] [php7:warn] [pid 99] [client 2001:db8::9:40000] PHP "
      "Warning:  include(/etc/passwd): failed to open stream in /var/www/index.php on line 3, "
      "referer: http://portal.example/?page=../../etc/passwd");
  EXPECT_EQ(d.f.get("log.level"), "warn");
  EXPECT_EQ(d.f.get("apache.error.module"), "php7");
  EXPECT_EQ(d.f.get("source.ip"), "2001:db8::9");
  EXPECT_EQ(d.f.get("source.port"), "40000");
  EXPECT_EQ(d.f.get("process.thread.id"), Opt());
  EXPECT_EQ(d.f.get("http.request.referrer"), "http://portal.example/?page=../../etc/passwd");
  EXPECT_EQ(d.f.get("message"),
            "PHP Warning:  include(/etc/passwd): failed to open stream in /var/www/index.php on "
            "line 3");
}

TEST(DecodeApacheError, RemoteWithoutClientAndSyslogForm) {
  const auto r = decode(
      "[Wed Oct 11 14:32:52 2026] [authz_core:error] [pid 7] [remote 198.51.100.2:443] AH01630: "
      "client denied by server configuration: /srv/www/.git");
  EXPECT_EQ(r.f.get("source.ip"), "198.51.100.2");
  EXPECT_EQ(r.f.get("error.code"), "AH01630");
  // ErrorLog syslog: no date group.
  const auto s = decode("[mpm_event:notice] [pid 880:tid 880] AH00489: Apache/2.4.62 configured");
  EXPECT_EQ(s.f.get("log.level"), "notice");
  EXPECT_FALSE(s.time.has_value());
  const auto t = decode("[:error] [pid 5] [client 192.0.2.1:80] [mod x] text");
  EXPECT_EQ(t.f.get("apache.error.module"), Opt());
  EXPECT_EQ(t.f.get("message"), "[mod x] text");
  const auto trace = decode("[Wed Oct 11 14:32:52 2026] [ssl:trace3] [pid 1] handshake");
  EXPECT_EQ(trace.f.get("log.level"), "trace3");
}

TEST(DecodeApacheError, ModSecurityVerdict) {
  const auto d = decode(
      "[Mon Nov 23 12:00:00.412553 2026] [security2:error] [pid 2231:tid 140123] [client "
      "203.0.113.7:51234] [client 203.0.113.7] ModSecurity: Access denied with code 403 (phase 2). "
      "Matched \"Operator `Ge' with parameter `5' against variable `TX:ANOMALY_SCORE' (Value: `10' "
      ")\" [file \"/usr/share/modsecurity-crs/rules/REQUEST-949-BLOCKING-EVALUATION.conf\"] [line "
      "\"81\"] [id \"949110\"] [msg \"Inbound Anomaly Score Exceeded (Total Score: 10)\"] "
      "[severity "
      "\"CRITICAL\"] [ver \"OWASP_CRS/3.3.5\"] [hostname \"portal.example.gov.vn\"] [uri "
      "\"/index.php\"] [unique_id \"ZzF2qn8AAQEAAB1uFZ4AAAAB\"], referer: https://portal.example/");
  EXPECT_EQ(d.f.get("source.ip"), "203.0.113.7");
  EXPECT_EQ(d.f.get("event.action"), "modsecurity_denied");
  EXPECT_EQ(d.f.get("rule.id"), "949110");
  EXPECT_EQ(d.f.get("rule.name"), "Inbound Anomaly Score Exceeded (Total Score: 10)");
  EXPECT_EQ(d.f.get("rule.ruleset"), "OWASP_CRS/3.3.5");
  EXPECT_EQ(d.f.get("http.request.id"), "ZzF2qn8AAQEAAB1uFZ4AAAAB");
  EXPECT_EQ(d.f.get("url.path"), "/index.php");
  EXPECT_EQ(d.f.get("url.domain"), "portal.example.gov.vn");
  EXPECT_EQ(d.f.get("http.request.referrer"), "https://portal.example/");
  // Detection-only mode logs a warning; tags may be missing.
  const auto w = decode(
      "[Mon Nov 23 12:00:00 2026] [:error] [pid 5] [client 192.0.2.1] ModSecurity: Warning. "
      "Pattern match \"x\" at ARGS:q. [id \"942100\"] [uri \"/s\"]");
  EXPECT_EQ(w.f.get("event.action"), "modsecurity_warning");
  EXPECT_EQ(w.f.get("rule.id"), "942100");
  EXPECT_EQ(w.f.get("rule.name"), Opt());
  // Other messages set no ModSecurity field, even with bracketed text.
  const auto o = decode("[Mon Nov 23 12:00:00 2026] [error] [client 192.0.2.1] [id \"1\"] x");
  EXPECT_EQ(o.f.get("event.action"), Opt());
  EXPECT_EQ(o.f.get("rule.id"), Opt());
}

TEST(DecodeApacheError, AuthUserAndFilePath) {
  const auto a = decode(
      "[Mon Nov 23 12:00:20.1 2026] [auth_basic:error] [pid 7:tid 8] [client 203.0.113.7:4000] "
      "AH01617: user admin: authentication failure for \"/phpmyadmin/\": Password Mismatch");
  EXPECT_EQ(a.f.get("user.name"), "admin");
  EXPECT_EQ(a.f.get("file.path"), Opt());
  const auto b = decode(
      "[Mon Nov 23 12:00:20.1 2026] [auth_basic:error] [pid 7:tid 8] [client 203.0.113.7:4000] "
      "AH01618: user bob not found: /admin/");
  EXPECT_EQ(b.f.get("user.name"), "bob");
  const auto c = decode(
      "[Mon Nov 23 12:00:20.1 2026] [authz_core:error] [pid 7:tid 8] [client 203.0.113.7:4000] "
      "AH01630: client denied by server configuration: /var/www/html/.git/config");
  EXPECT_EQ(c.f.get("file.path"), "/var/www/html/.git/config");
  EXPECT_EQ(c.f.get("user.name"), Opt());
  const auto d =
      decode("[Sun Dec 04 04:47:44 2005] [error] [client 1.2.3.4] File does not exist: /x/~");
  EXPECT_EQ(d.f.get("file.path"), "/x/~");
  const auto e = decode("[Sun Dec 04 04:47:44 2005] [error] [client 1.2.3.4] user list updated");
  EXPECT_EQ(e.f.get("user.name"), Opt());
  // 2.2 without a path, the empty name, digest forms, authorization failures.
  EXPECT_EQ(decode("[error] [client 192.0.2.2] user root not found").f.get("user.name"), "root");
  EXPECT_EQ(decode("[error] [client 192.0.2.2] user  not found: /").f.get("user.name"), Opt());
  EXPECT_EQ(
      decode("[auth_digest:error] [pid 1] [client 127.0.0.1:1] AH01790: user `alice' in realm "
             "`digest private area' not found: /digest/")
          .f.get("user.name"),
      "alice");
  EXPECT_EQ(decode("[error] [client 127.0.0.1] Digest: user bob: password mismatch: /digest/x")
                .f.get("user.name"),
            "bob");
  EXPECT_EQ(decode("[authz_core:error] [pid 1] [client 127.0.0.1:1] AH01631: user carol: "
                   "authorization failure for \"/basic/authz/\": ")
                .f.get("user.name"),
            "carol");
  EXPECT_EQ(decode("[error] [client 192.0.2.2] user agent string not found").f.get("user.name"),
            Opt());
}

TEST(DecodeApacheError, OtherLinesAreNotDecoded) {
  for (std::string_view m : {
           "[Wed Oct 11 14:32:52 2026]",
           "[Wed Oct 11 14:32:52 2026] hello",
           "[Wed Oct 11 14:32:52 2026] [verbose] x",
           "[Wed Foo 11 14:32:52 2026] [error] x",
           "[Wed Oct 32 14:32:52 2026] [error] x",
           "[Wed Oct 11 14:32 2026] [error] x",
           "[Wed Oct 11 14:32:52.x 2026] [error] x",
           "[UFW BLOCK] IN=eth0 OUT=",
           "[error",
           "[]",
           "error] x",
           "",
       }) {
    Fields f;
    std::optional<SysTime> t;
    EXPECT_FALSE(decode_apache_error(m, kHanoi, f, t)) << m;
    EXPECT_TRUE(f.all().empty()) << m;
  }
}

}  // namespace
}  // namespace soc
