#include "common/clock.h"

#include <gtest/gtest.h>

namespace soc {
namespace {

TEST(Clock, ParsesRfc3339WithZoneAndFraction) {
  auto t = parse_rfc3339("2026-11-23T19:47:00.250+07:00");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_rfc3339_utc(*t), "2026-11-23T12:47:00.250Z");
  EXPECT_EQ(rfc3339_offset_seconds("2026-11-23T19:47:00.250+07:00"), 7 * 3600);
  EXPECT_EQ(rfc3339_offset_seconds("2026-11-23T12:47:00Z"), 0);
}

TEST(Clock, RejectsMalformedAndOutOfRangeTimes) {
  for (const char* bad :
       {"", "2026-11-23", "2026-13-01T00:00:00Z", "2026-11-23T25:00:00Z", "2026-11-23T12:00:00",
        "2026-11-23T12:00:00+0700", "9999-01-01T00:00:00Z", "2026-11-23T12:00:00.Z"}) {
    EXPECT_FALSE(parse_rfc3339(bad)) << bad;
  }
}

TEST(Clock, FormatsLocalTimeWithItsOffset) {
  const auto now = std::chrono::system_clock::now();
  const std::string s = format_rfc3339_local(now);
  auto back = parse_rfc3339(s);
  ASSERT_TRUE(back) << s;
  EXPECT_LT(std::chrono::abs(*back - now), std::chrono::milliseconds(1));
}

}  // namespace
}  // namespace soc
