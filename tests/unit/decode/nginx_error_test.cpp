#include "collector/decode/nginx_error.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "tests/unit/decode/test_support.h"

namespace soc {
namespace {

using test::at;
using test::Opt;

const ReadTime kHanoi{at("2026-10-11T15:00:00+07:00"), 7 * 3600};

TEST(DecodeNginxError, FileNotFoundWithContext) {
  Fields f;
  std::optional<SysTime> t;
  ASSERT_TRUE(decode_nginx_error(
      "2026/10/11 14:32:52 [error] 1234#1234: *99 open() \"/var/www/html/.env\" failed (2: No "
      "such file or directory), client: 203.0.113.50, server: portal.example, request: \"GET "
      "/.env HTTP/1.1\", host: \"portal.example\", referrer: \"http://x/\"",
      kHanoi, f, t));
  EXPECT_EQ(f.get("log.level"), "error");
  EXPECT_EQ(f.get("process.pid"), "1234");
  EXPECT_EQ(f.get("process.thread.id"), "1234");
  EXPECT_EQ(f.get("message"),
            "open() \"/var/www/html/.env\" failed (2: No such file or directory)");
  EXPECT_EQ(f.get("source.ip"), "203.0.113.50");
  EXPECT_EQ(f.get("url.domain"), "portal.example");
  EXPECT_EQ(f.get("http.request.method"), "GET");
  EXPECT_EQ(f.get("url.path"), "/.env");
  EXPECT_EQ(f.get("http.request.referrer"), "http://x/");
  EXPECT_EQ(t, at("2026-10-11T14:32:52+07:00"));
}

TEST(DecodeNginxError, NoContextAndSyslogForm) {
  Fields f;
  std::optional<SysTime> t;
  ASSERT_TRUE(decode_nginx_error(
      "2026/10/11 14:32:52 [emerg] 77#77: bind() to 0.0.0.0:80 failed (98: Address in use)", kHanoi,
      f, t));
  EXPECT_EQ(f.get("log.level"), "emerg");
  EXPECT_EQ(f.get("source.ip"), Opt());
  Fields g;
  std::optional<SysTime> u;
  ASSERT_TRUE(
      decode_nginx_error("[warn] 5#5: *3 a client request body is buffered, client: "
                         "2001:db8::1, server: _, request: \"-\"",
                         kHanoi, g, u));
  EXPECT_EQ(g.get("source.ip"), "2001:db8::1");
  EXPECT_EQ(g.get("http.request.method"), Opt());
  EXPECT_FALSE(u.has_value());
}

TEST(DecodeNginxError, ModSecurityAndBasicAuth) {
  Fields f;
  std::optional<SysTime> t;
  ASSERT_TRUE(decode_nginx_error(
      "2026/11/23 12:00:00 [error] 2035#2035: *4711 [client 203.0.113.7] ModSecurity: Access "
      "denied with code 403 (phase 2). Matched \"Operator `Ge' with parameter `5' against variable "
      "`TX:ANOMALY_SCORE' (Value: `5' ) [file \"/etc/nginx/modsec/REQUEST-949.conf\"] [line "
      "\"81\"] "
      "[id \"949110\"] [rev \"\"] [msg \"Inbound Anomaly Score Exceeded (Total Score: 5)\"] [data "
      "\"\"] [severity \"2\"] [ver \"OWASP_CRS/3.3.5\"] [hostname \"10.0.0.5\"] [uri "
      "\"/index.php\"] "
      "[unique_id \"173234400012.345678\"] [ref \"\"], client: 203.0.113.7, server: "
      "portal.example, "
      "request: \"GET /index.php?id=1%27 HTTP/1.1\", host: \"portal.example\"",
      kHanoi, f, t));
  EXPECT_EQ(f.get("event.action"), "modsecurity_denied");
  EXPECT_EQ(f.get("rule.id"), "949110");
  EXPECT_EQ(f.get("rule.name"), "Inbound Anomaly Score Exceeded (Total Score: 5)");
  EXPECT_EQ(f.get("http.request.id"), "173234400012.345678");
  // The request line and Host win over ModSecurity's [uri] and [hostname] (the server address).
  EXPECT_EQ(f.get("url.path"), "/index.php");
  EXPECT_EQ(f.get("url.query"), "id=1'");
  EXPECT_EQ(f.get("url.domain"), "portal.example");
  EXPECT_EQ(f.get("source.ip"), "203.0.113.7");

  Fields g;
  ASSERT_TRUE(decode_nginx_error(
      "2026/11/23 12:00:20 [error] 1123#1123: *51 user \"admin\": password mismatch, client: "
      "203.0.113.7, server: portal.example, request: \"GET /admin/ HTTP/1.1\", host: \"x\"",
      kHanoi, g, t));
  EXPECT_EQ(g.get("user.name"), "admin");
  EXPECT_EQ(g.get("event.action"), "http_auth");  // web_error.h: one action for every server
  EXPECT_EQ(g.get("event.outcome"), "failure");
  Fields h;
  ASSERT_TRUE(decode_nginx_error(
      "2026/11/23 12:00:20 [error] 1123#1123: *52 user \"bob\" was not found in "
      "\"/etc/nginx/.htpasswd\", client: 203.0.113.7, server: x, request: \"GET / HTTP/1.1\"",
      kHanoi, h, t));
  EXPECT_EQ(h.get("user.name"), "bob");
  Fields i;
  ASSERT_TRUE(
      decode_nginx_error("2026/11/23 12:00:20 [info] 1#1: *1 user \"x\" logged", kHanoi, i, t));
  EXPECT_EQ(i.get("user.name"), Opt());
}

TEST(DecodeNginxError, OtherLinesAreNotDecoded) {
  for (std::string_view m : {
           "2026/10/11 14:32:52 [error]",
           "2026/10/11 14:32:52 [error] x: y",
           "2026/10/11 14:32:52 [oops] 1#1: y",
           "2026/13/11 14:32:52 [error] 1#1: y",
           "2026/10/11 14:32 [error] 1#1: y",
           "2026/10/11",
           "[error] 1#: y",
           "[error] #1: y",
           "203.0.113.5 - - [10/Oct/2026:13:55:36 +0700] \"GET / HTTP/1.1\" 200 5",
           "",
       }) {
    Fields f;
    std::optional<SysTime> t;
    EXPECT_FALSE(decode_nginx_error(m, kHanoi, f, t)) << m;
    EXPECT_TRUE(f.all().empty()) << m;
  }
}

}  // namespace
}  // namespace soc
