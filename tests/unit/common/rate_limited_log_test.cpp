#include "common/rate_limited_log.h"

#include <gtest/gtest.h>

namespace soc {
namespace {

using std::chrono::seconds;
const RateLimitedLog::Clock::time_point t0{};

TEST(RateLimitedLog, LogsTheFirstFewThenCountsTheRest) {
  RateLimitedLog log(3, seconds(60));
  int logged = 0;
  for (int i = 0; i < 100; ++i) {
    const auto a = log.admit(t0 + seconds(1));
    logged += a.log ? 1 : 0;
    EXPECT_EQ(a.suppressed, 0u);
  }
  EXPECT_EQ(logged, 3);
  EXPECT_EQ(log.suppressed_total(), 97u);
}

TEST(RateLimitedLog, NextIntervalReportsWhatWasSuppressed) {
  RateLimitedLog log(1, seconds(60));
  log.admit(t0);
  log.admit(t0 + seconds(1));
  log.admit(t0 + seconds(2));
  const auto a = log.admit(t0 + seconds(61));
  EXPECT_TRUE(a.log);
  EXPECT_EQ(a.suppressed, 2u);
  EXPECT_EQ(log.admit(t0 + seconds(62)).suppressed, 0u);  // reported once
}

TEST(RateLimitedLog, PeriodicTakeReportsABurstThatStopped) {
  RateLimitedLog log(2, seconds(60));
  for (int i = 0; i < 10; ++i) log.admit(t0);
  EXPECT_EQ(log.take_suppressed(t0 + seconds(30)), 0u);  // interval not over
  EXPECT_EQ(log.take_suppressed(t0 + seconds(60)), 8u);
  EXPECT_EQ(log.take_suppressed(t0 + seconds(200)), 0u);
  EXPECT_TRUE(log.admit(t0 + seconds(201)).log);  // a fresh interval
}

}  // namespace
}  // namespace soc
