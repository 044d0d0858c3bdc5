// What JSON lines decode to is in tests/decoders/json.yml; here, what a table cannot hold: the
// limits on depth and field count, the shape test, and bytes that are not UTF-8.
#include "collector/decode/json.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "tests/unit/decode/test_support.h"

namespace soc {
namespace {

using test::Decoded;
using test::Opt;

Decoded decode(std::string_view line) {
  return test::decoded_by(decode_json, line);
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

TEST(DecodeJson, LooksLikeJson) {
  EXPECT_TRUE(looks_like_json("@cee:{}"));
  EXPECT_TRUE(looks_like_json("{"));
  EXPECT_FALSE(looks_like_json("[1]"));
  EXPECT_FALSE(looks_like_json(""));
}

TEST(DecodeJson, InvalidUtf8IsNotDecoded) {
  Fields f;
  std::optional<SysTime> t;
  EXPECT_FALSE(decode_json("{\"a\":\"\xff\xfe\"}", f, t));
  EXPECT_TRUE(f.all().empty());
}

}  // namespace
}  // namespace soc
