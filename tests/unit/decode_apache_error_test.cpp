#include "collector/decode/apache_error.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace soc {
namespace {

using Opt = std::optional<std::string_view>;

SysTime at(std::string_view rfc3339) {
  return parse_rfc3339(rfc3339).value_or(SysTime{});
}

const ReadTime kHanoi{at("2026-10-11T15:00:00+07:00"), 7 * 3600};

struct Decoded {
  Fields f;
  std::optional<SysTime> time;
};

Decoded decode(std::string_view line) {
  Decoded d;
  EXPECT_TRUE(decode_apache_error(line, kHanoi, d.f, d.time)) << line;
  return d;
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
