#include "collector/decode/nginx_error.h"

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
