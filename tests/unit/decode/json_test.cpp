#include "collector/decode/json.h"

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
  return test::decoded_by(decode_json, line);
}

TEST(DecodeJson, FlattensNestedObjects) {
  const auto d = decode(
      R"x({"a":{"b":1,"c":{"d":"x"}},"n":-2.5,"big":18446744073709551615,"t":true,"f":false,"z":null})x");
  EXPECT_EQ(d.f.get("a.b"), "1");
  EXPECT_EQ(d.f.get("a.c.d"), "x");
  EXPECT_EQ(d.f.get("n"), "-2.5");
  EXPECT_EQ(d.f.get("big"), "18446744073709551615");
  EXPECT_EQ(d.f.get("t"), "true");
  EXPECT_EQ(d.f.get("f"), "false");
  EXPECT_EQ(d.f.get("z"), "");
  EXPECT_EQ(d.f.get("event.json_truncated"), Opt());
}

TEST(DecodeJson, StringsAreUnescaped) {
  const auto d = decode(R"x({"msg":"line1\nline2 \"q\" \u00e1 \\ /"})x");
  EXPECT_EQ(d.f.get("msg"), "line1\nline2 \"q\" \xC3\xA1 \\ /");
}

TEST(DecodeJson, ArraysJoinScalarsAndIndexObjects) {
  const auto d = decode(R"x({"tags":["a","b",3],"empty":[],"x":[{"y":1},{"y":2}],"m":[[1,2]]})x");
  EXPECT_EQ(d.f.get("tags"), "a,b,3");
  EXPECT_EQ(d.f.get("empty"), "");
  EXPECT_EQ(d.f.get("x.0.y"), "1");
  EXPECT_EQ(d.f.get("x.1.y"), "2");
  EXPECT_EQ(d.f.get("m.0"), "1,2");
}

TEST(DecodeJson, EcsKeysAndDottedKeys) {
  const auto d = decode(
      R"x({"source":{"ip":"203.0.113.5"},"url.original":"/x","event":{"action":"login","original":"forged"},"agent":{"id":"evil"},"organization.id":"other","host":{"name":"spoof"},"log":{"file":{"path":"/x"}},"message":"hello"})x");
  EXPECT_EQ(d.f.get("source.ip"), "203.0.113.5");
  EXPECT_EQ(d.f.get("url.original"), "/x");
  EXPECT_EQ(d.f.get("event.action"), "login");
  EXPECT_EQ(d.f.get("message"), "hello");
  // The collector's own fields are not set from JSON; the values are kept under json.
  EXPECT_EQ(d.f.get("event.original"), Opt());
  EXPECT_EQ(d.f.get("agent.id"), Opt());
  EXPECT_EQ(d.f.get("organization.id"), Opt());
  EXPECT_EQ(d.f.get("host.name"), Opt());
  EXPECT_EQ(d.f.get("log.file.path"), Opt());
  EXPECT_EQ(d.f.get("json.event.original"), "forged");
  EXPECT_EQ(d.f.get("json.agent.id"), "evil");
  EXPECT_EQ(d.f.get("json.organization.id"), "other");
  EXPECT_EQ(d.f.get("json.host.name"), "spoof");
}

TEST(DecodeJson, TimestampSetsTheEventTime) {
  const auto d =
      decode(R"x({"time":"2026-01-01T00:00:00Z","@timestamp":"2026-11-23T10:00:01.5+07:00"})x");
  EXPECT_EQ(d.time, parse_rfc3339("2026-11-23T10:00:01.5+07:00"));
  const auto bad = decode(R"x({"@timestamp":"yesterday","timestamp":1700000000})x");
  EXPECT_FALSE(bad.time.has_value());
  const auto nested = decode(R"x({"a":{"@timestamp":"2026-11-23T10:00:01Z"}})x");
  EXPECT_FALSE(nested.time.has_value());
}

TEST(DecodeJson, DepthAndCountAreBounded) {
  std::string deep;
  for (int i = 0; i < 20; ++i) deep += "{\"k\":";
  deep += "1";
  for (int i = 0; i < 20; ++i) deep += "}";
  const auto d = decode(deep);
  EXPECT_EQ(d.f.get("event.json_truncated"), "1");
  EXPECT_EQ(d.f.all().size(), 1u);

  std::string wide = "{";
  for (int i = 0; i < 300; ++i) wide += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":" + "1";
  wide += "}";
  const auto w = decode(wide);
  EXPECT_EQ(w.f.get("event.json_truncated"), "172");
  EXPECT_EQ(w.f.all().size(), kJsonMaxFields + 1);
  EXPECT_EQ(w.f.get("k127"), "1");
  EXPECT_EQ(w.f.get("k128"), Opt());
}

TEST(DecodeJson, CeeCookie) {
  const auto d = decode(R"x(@cee: {"msg":"x"})x");
  EXPECT_EQ(d.f.get("msg"), "x");
  EXPECT_TRUE(looks_like_json("@cee:{}"));
  EXPECT_TRUE(looks_like_json("{"));
  EXPECT_FALSE(looks_like_json("[1]"));
  EXPECT_FALSE(looks_like_json(""));
}

TEST(DecodeJson, NonObjectsAndBrokenJsonAreNotDecoded) {
  for (std::string_view m : {
           "[1,2]",
           "\"s\"",
           "{",
           "{\"a\":}",
           "{\"a\":1} trailing",
           "{\"a\":\"\xff\xfe\"}",
           "{'a':1}",
           "@cee:",
           "@cee: [1]",
           "",
       }) {
    Fields f;
    std::optional<SysTime> t;
    EXPECT_FALSE(decode_json(m, f, t)) << m;
    EXPECT_TRUE(f.all().empty()) << m;
  }
}

}  // namespace
}  // namespace soc
