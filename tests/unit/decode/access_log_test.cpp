#include "collector/decode/access_log.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "tests/unit/decode/test_support.h"

namespace soc {
namespace {

using test::at;
using test::Decoded;
using test::Opt;

Decoded decode(std::string_view line) {
  return test::decoded_by(decode_access_log, line);
}

TEST(DecodeAccessLog, Combined) {
  const auto d = decode(
      R"x(203.0.113.5 - hung [10/Oct/2026:13:55:36 +0700] "GET /search.php?q=ban+do%20Ha+Noi&p=1 HTTP/1.1" 200 2326 "https://sotttt.gov.vn/" "Mozilla/5.0 (X11; Linux x86_64)")x");
  const Fields& f = d.f;
  EXPECT_EQ(f.get("source.ip"), "203.0.113.5");
  EXPECT_EQ(f.get("user.name"), "hung");
  EXPECT_EQ(f.get("http.request.method"), "GET");
  EXPECT_EQ(f.get("url.original"), "/search.php?q=ban+do%20Ha+Noi&p=1");
  EXPECT_EQ(f.get("url.path"), "/search.php");
  EXPECT_EQ(f.get("url.query"), "q=ban do Ha Noi&p=1");
  EXPECT_EQ(f.get("http.version"), "1.1");
  EXPECT_EQ(f.get("http.response.status_code"), "200");
  EXPECT_EQ(f.get("http.response.body.bytes"), "2326");
  EXPECT_EQ(f.get("http.request.referrer"), "https://sotttt.gov.vn/");
  EXPECT_EQ(f.get("user_agent.original"), "Mozilla/5.0 (X11; Linux x86_64)");
  EXPECT_EQ(d.time, at("2026-10-10T13:55:36+07:00"));
}

TEST(DecodeAccessLog, CommonWithDashes) {
  const auto d = decode(R"x(192.0.2.10 - - [01/Jan/2027:00:00:03 -0530] "HEAD / HTTP/1.0" 304 -)x");
  EXPECT_EQ(d.f.get("user.name"), Opt());
  EXPECT_EQ(d.f.get("http.response.body.bytes"), Opt());
  EXPECT_EQ(d.f.get("http.request.referrer"), Opt());
  EXPECT_EQ(d.f.get("user_agent.original"), Opt());
  EXPECT_EQ(d.f.get("url.path"), "/");
  EXPECT_EQ(d.f.get("url.query"), Opt());
  EXPECT_EQ(d.time, at("2027-01-01T00:00:03-05:30"));
}

TEST(DecodeAccessLog, AttackPathsAreDecodedOnce) {
  const auto t = decode(
      R"x(198.51.100.7 - - [10/Oct/2026:13:55:36 +0700] "GET /cgi-bin/.%2e/.%2e/.%2e/etc/passwd HTTP/1.1" 400 226 "-" "curl/8.5.0")x");
  EXPECT_EQ(t.f.get("url.original"), "/cgi-bin/.%2e/.%2e/.%2e/etc/passwd");
  EXPECT_EQ(t.f.get("url.path"), "/cgi-bin/../../../etc/passwd");

  const auto dbl = decode(
      R"x(198.51.100.7 - - [10/Oct/2026:13:55:36 +0700] "GET /x/%252e%252e/etc/passwd HTTP/1.1" 404 0)x");
  EXPECT_EQ(dbl.f.get("url.path"), "/x/%2e%2e/etc/passwd");  // once, never twice

  const auto sqli = decode(
      R"x(198.51.100.7 - - [10/Oct/2026:13:55:36 +0700] "GET /news.php?id=1%27%20UNION%20SELECT%201,2--+&x=%zz%4 HTTP/1.1" 200 512)x");
  EXPECT_EQ(sqli.f.get("url.query"), "id=1' UNION SELECT 1,2-- &x=%zz%4");

  const auto plus_path =
      decode(R"x(198.51.100.7 - - [10/Oct/2026:13:55:36 +0700] "GET /a+b%2Bc HTTP/1.1" 200 1)x");
  EXPECT_EQ(plus_path.f.get("url.path"), "/a+b+c");  // '+' is a space only in the query
}

TEST(DecodeAccessLog, LogEscapesAreUndoneBeforeUrlDecoding) {
  // nginx writes a raw '"' and bytes >= 0x80 as \xHH; Apache writes \".
  const auto n = decode(
      R"x(203.0.113.9 - - [10/Oct/2026:13:55:36 +0700] "GET /a\x22b/\xC3\xA1?q=\x22 HTTP/1.1" 404 0 "-" "Mozilla/5.0 \x22x\x22")x");
  EXPECT_EQ(n.f.get("url.original"), R"x(/a\x22b/\xC3\xA1?q=\x22)x");
  EXPECT_EQ(n.f.get("url.path"), "/a\"b/\xC3\xA1");
  EXPECT_EQ(n.f.get("url.query"), "q=\"");
  EXPECT_EQ(n.f.get("user_agent.original"), R"x(Mozilla/5.0 \x22x\x22)x");
  const auto a = decode(
      R"x(203.0.113.9 - - [10/Oct/2026:13:55:36 +0700] "GET /q?s=\"x\" HTTP/1.1" 200 5 "-" "ua \"quoted\"")x");
  EXPECT_EQ(a.f.get("url.query"), "s=\"x\"");
  EXPECT_EQ(a.f.get("user_agent.original"), R"x(ua \"quoted\")x");
}

TEST(DecodeAccessLog, MalformedRequestsKeepTheRest) {
  for (
      std::string_view line : {
          R"x(203.0.113.4 - - [10/Oct/2026:13:55:36 +0700] "-" 400 0 "-" "-")x",
          R"x(203.0.113.4 - - [10/Oct/2026:13:55:36 +0700] "\x16\x03\x01\x00\xCA\x01\x00\x00\xC6\x03\x03" 400 157 "-" "-")x",
          R"x(203.0.113.4 - - [10/Oct/2026:13:55:36 +0700] "" 408 0 "-" "-")x",
          R"x(203.0.113.4 - - [10/Oct/2026:13:55:36 +0700] "GET" 400 0)x",
          R"x(203.0.113.4 - - [10/Oct/2026:13:55:36 +0700] "G\xE9T / HTTP/1.1" 400 0)x",
      }) {
    const auto d = decode(line);
    EXPECT_EQ(d.f.get("source.ip"), "203.0.113.4") << line;
    EXPECT_TRUE(d.f.get("http.response.status_code").has_value()) << line;
    EXPECT_EQ(d.f.get("http.request.method"), Opt()) << line;
    EXPECT_EQ(d.f.get("url.original"), Opt()) << line;
  }
}

TEST(DecodeAccessLog, OddButValidRequests) {
  // HTTP/0.9 style, a target with a space (Apache logs what it got), a proxy probe, CONNECT.
  const auto v09 = decode(R"x(203.0.113.4 - - [10/Oct/2026:13:55:36 +0700] "GET /" 200 10)x");
  EXPECT_EQ(v09.f.get("url.path"), "/");
  EXPECT_EQ(v09.f.get("http.version"), Opt());
  const auto space =
      decode(R"x(203.0.113.4 - - [10/Oct/2026:13:55:36 +0700] "GET /a b HTTP/1.1" 400 10)x");
  EXPECT_EQ(space.f.get("url.original"), "/a b");
  const auto proxy = decode(
      R"x(203.0.113.4 - - [10/Oct/2026:13:55:36 +0700] "GET http://user@example.com:8080/p?x=1#frag HTTP/1.1" 404 10)x");
  EXPECT_EQ(proxy.f.get("url.scheme"), "http");
  EXPECT_EQ(proxy.f.get("url.domain"), "example.com");
  EXPECT_EQ(proxy.f.get("url.port"), "8080");
  EXPECT_EQ(proxy.f.get("url.path"), "/p");
  EXPECT_EQ(proxy.f.get("url.query"), "x=1");
  EXPECT_EQ(proxy.f.get("url.fragment"), "frag");
  const auto connect = decode(
      R"x(203.0.113.4 - - [10/Oct/2026:13:55:36 +0700] "CONNECT www.example.com:443 HTTP/1.1" 400 0)x");
  EXPECT_EQ(connect.f.get("http.request.method"), "CONNECT");
  EXPECT_EQ(connect.f.get("url.path"), "www.example.com:443");
}

TEST(DecodeAccessLog, Ipv6HostnamesVhostsAndUsersWithSpaces) {
  const auto v6 = decode(
      R"x(2001:db8::7 - - [10/Oct/2026:13:55:36 +0700] "POST /xmlrpc.php HTTP/2.0" 200 370)x");
  EXPECT_EQ(v6.f.get("source.ip"), "2001:db8::7");
  EXPECT_EQ(v6.f.get("http.version"), "2.0");
  const auto name = decode(
      R"x(crawler.example.net - - [10/Oct/2026:13:55:36 +0700] "GET /robots.txt HTTP/1.1" 200 68)x");
  EXPECT_EQ(name.f.get("source.ip"), Opt());
  EXPECT_EQ(name.f.get("source.domain"), "crawler.example.net");
  const auto vhost = decode(
      R"x(portal.sotttt.gov.vn:443 203.0.113.5 - - [10/Oct/2026:13:55:36 +0700] "GET / HTTP/1.1" 200 5 "-" "x")x");
  EXPECT_EQ(vhost.f.get("url.domain"), "portal.sotttt.gov.vn");
  EXPECT_EQ(vhost.f.get("url.port"), "443");
  EXPECT_EQ(vhost.f.get("source.ip"), "203.0.113.5");
  const auto user =
      decode(R"x(203.0.113.5 - Nguyen Van A [10/Oct/2026:13:55:36 +0700] "GET / HTTP/1.1" 401 5)x");
  EXPECT_EQ(user.f.get("user.name"), "Nguyen Van A");
}

TEST(DecodeAccessLog, ForwardedForListTakesTheLastAddress) {
  // %{X-Forwarded-For}i: the client claimed 198.51.100.1, the load balancer saw 203.0.113.7.
  const auto x = decode(
      R"x(198.51.100.1, 203.0.113.7 - - [10/Oct/2026:13:55:36 +0700] "GET /?id=1 HTTP/1.1" 200 5)x");
  EXPECT_EQ(x.f.get("source.ip"), "203.0.113.7");
  EXPECT_EQ(x.f.get("url.domain"), Opt());
  EXPECT_EQ(x.f.get("url.query"), "id=1");
  const auto three = decode(
      R"x(10.1.1.1, 2001:db8::1, 203.0.113.8 - bob [10/Oct/2026:13:55:36 +0700] "GET / HTTP/1.1" 200 5)x");
  EXPECT_EQ(three.f.get("source.ip"), "203.0.113.8");
  EXPECT_EQ(three.f.get("user.name"), "bob");
  // vhost_combined is unaffected: only "ADDRESS," tokens start a list.
  const auto odd = decode(
      R"x(portal.example:443 203.0.113.5 - - [10/Oct/2026:13:55:36 +0700] "GET / HTTP/1.1" 200 5)x");
  EXPECT_EQ(odd.f.get("source.ip"), "203.0.113.5");
}

TEST(DecodeAccessLog, PercentDecode) {
  EXPECT_EQ(percent_decode("%41%42+%2b", false), "AB++");
  EXPECT_EQ(percent_decode("%41%42+%2b", true), "AB +");
  EXPECT_EQ(percent_decode("%", true), "%");
  EXPECT_EQ(percent_decode("%4", true), "%4");
  EXPECT_EQ(percent_decode("%G1%1G", true), "%G1%1G");
  EXPECT_EQ(percent_decode("a%00b", false), std::string("a\0b", 3));
  EXPECT_EQ(percent_decode("", false), "");
}

TEST(DecodeAccessLog, OtherLinesAreNotDecoded) {
  for (std::string_view m : {
           "203.0.113.5 - - [10/Oct/2026:13:55:36 +0700]",
           R"x(203.0.113.5 - - [10/Oct/2026:13:55:36 +0700] "GET / HTTP/1.1")x",
           R"x(203.0.113.5 - - [10/Oct/2026:13:55:36 +0700] "GET / HTTP/1.1" 20 5)x",
           R"x(203.0.113.5 - - [10/Oct/2026:13:55:36 +0700] "GET / HTTP/1.1" 200 five)x",
           R"x(203.0.113.5 - - [10/Oct/2026:13:55:36 +0700] "GET / HTTP/1.1 200 5)x",
           R"x(203.0.113.5 - - [10/Foo/2026:13:55:36 +0700] "GET / HTTP/1.1" 200 5)x",
           R"x(203.0.113.5 - - [31/Feb/2026:13:55:36 +0700] "GET / HTTP/1.1" 200 5)x",
           R"x(203.0.113.5 - - [10/Oct/2026:25:55:36 +0700] "GET / HTTP/1.1" 200 5)x",
           R"x(203.0.113.5 - - [10/Oct/2026:13:55:36] "GET / HTTP/1.1" 200 5)x",
           R"x(203.0.113.5 [10/Oct/2026:13:55:36 +0700] "GET / HTTP/1.1" 200 5)x",
           R"x( [10/Oct/2026:13:55:36 +0700] "GET / HTTP/1.1" 200 5)x",
           "2026/10/11 14:32:52 [error] 1234#0: *1 open() failed",
           "",
       }) {
    Fields f;
    std::optional<SysTime> t;
    EXPECT_FALSE(decode_access_log(m, f, t)) << m;
    EXPECT_TRUE(f.all().empty()) << m;
  }
}

}  // namespace
}  // namespace soc
