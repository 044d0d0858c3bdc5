#include "collector/offset_tracker.h"

#include <gtest/gtest.h>

namespace soc {
namespace {

using std::chrono::seconds;
const OffsetTracker::Clock::time_point t0{};

TEST(OffsetTracker, ConsecutiveOffsetsAreNoGap) {
  OffsetTracker t;
  EXPECT_FALSE(t.assign(0, 5, t0));
  for (int64_t o = 5; o < 10; ++o) EXPECT_FALSE(t.consumed(0, o, t0)) << o;
  EXPECT_EQ(t.next_offset(0), 10);
}

TEST(OffsetTracker, JumpPastTheCommittedOffsetIsAGap) {
  // Committed 1, the broker trimmed the log to start at 1700: 1..1699 were never read.
  OffsetTracker t;
  EXPECT_FALSE(t.assign(3, 1, t0));
  const auto gap = t.consumed(3, 1700, t0);
  ASSERT_TRUE(gap);
  EXPECT_EQ(gap->partition, 3);
  EXPECT_EQ(gap->first, 1);
  EXPECT_EQ(gap->last, 1699);
  EXPECT_EQ(gap->events(), 1699u);
  EXPECT_FALSE(t.consumed(3, 1701, t0));
}

TEST(OffsetTracker, JumpWhileConsumingIsAGap) {
  OffsetTracker t;
  t.assign(0, -1, t0);  // no commit yet: the first message sets the position
  EXPECT_FALSE(t.consumed(0, 40, t0));
  const auto gap = t.consumed(0, 45, t0);
  ASSERT_TRUE(gap);
  EXPECT_EQ(gap->first, 41);
  EXPECT_EQ(gap->last, 44);
}

TEST(OffsetTracker, ReplayIsNotALoss) {
  OffsetTracker t;
  t.assign(0, 10, t0);
  EXPECT_FALSE(t.consumed(0, 10, t0));
  EXPECT_FALSE(t.consumed(0, 11, t0));
  EXPECT_FALSE(t.consumed(0, 10, t0));  // commit failed, the batch comes again
  EXPECT_FALSE(t.consumed(0, 11, t0));
}

TEST(OffsetTracker, LowWatermarkAboveOurPositionIsAGap) {
  // The newest batch was trimmed too: no message will show the jump, the watermarks do.
  OffsetTracker t;
  t.assign(0, 100, t0);
  const auto gap = t.watermarks(0, 250, 250, t0);
  ASSERT_TRUE(gap);
  EXPECT_EQ(gap->first, 100);
  EXPECT_EQ(gap->last, 249);
  EXPECT_FALSE(t.watermarks(0, 250, 250, t0));  // counted once
  EXPECT_FALSE(t.consumed(0, 250, t0));
}

TEST(OffsetTracker, OffsetsCommittedByAForeignMemberAreAGap) {
  OffsetTracker t;
  t.assign(2, 0, t0);
  t.consumed(2, 0, t0);
  t.consumed(2, 1, t0);
  t.revoke(2);
  t.mark_foreign(2);  // kcat -G soc-detect took it and committed 9
  const auto gap = t.assign(2, 9, t0);
  ASSERT_TRUE(gap);
  EXPECT_EQ(gap->first, 2);
  EXPECT_EQ(gap->last, 8);
  EXPECT_EQ(t.next_offset(2), 9);
}

TEST(OffsetTracker, OffsetsCommittedByAnotherCollectorAreNoGap) {
  OffsetTracker t;
  t.assign(2, 0, t0);
  t.consumed(2, 0, t0);
  t.revoke(2);
  EXPECT_FALSE(t.assign(2, 50, t0));  // a second collector of the group processed 1..49
  EXPECT_FALSE(t.consumed(2, 50, t0));
}

TEST(OffsetTracker, ForeignMarkOnAPartitionWeHoldIsIgnored) {
  OffsetTracker t;
  t.assign(1, 0, t0);
  t.mark_foreign(1);
  t.revoke(1);
  EXPECT_FALSE(t.assign(1, 7, t0));
}

TEST(OffsetTracker, StallReportedOnceWhenUnreadEventsWaitTooLong) {
  OffsetTracker t(seconds(30));
  t.assign(0, 10, t0);
  t.watermarks(0, 0, 20, t0 + seconds(10));
  EXPECT_FALSE(t.stalled(0, t0 + seconds(20)));
  int64_t unread = 0;
  EXPECT_TRUE(t.stalled(0, t0 + seconds(31), &unread));
  EXPECT_EQ(unread, 10);
  EXPECT_FALSE(t.stalled(0, t0 + seconds(40)));  // once per stall
  t.consumed(0, 10, t0 + seconds(41));           // moving again
  t.watermarks(0, 0, 30, t0 + seconds(42));
  EXPECT_FALSE(t.stalled(0, t0 + seconds(60)));
  EXPECT_TRUE(t.stalled(0, t0 + seconds(72)));
}

TEST(OffsetTracker, IdleTopicIsNotAStall) {
  OffsetTracker t(seconds(30));
  t.assign(0, 10, t0);
  t.watermarks(0, 0, 10, t0 + seconds(100));
  EXPECT_FALSE(t.stalled(0, t0 + seconds(200)));
}

}  // namespace
}  // namespace soc
