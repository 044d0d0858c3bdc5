#include "agent/spool.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/unit/umask_guard.h"

namespace soc {
namespace {

namespace fs = std::filesystem;

class SpoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() /
            ("soc-spool-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  Spool open(uint64_t max = 1 << 20, uint64_t seg = 64 << 10,
             SpoolFullPolicy p = SpoolFullPolicy::kBlock) {
    auto s = Spool::open(SpoolConfig{dir_, max, seg, p});
    EXPECT_TRUE(s) << s.error();
    return std::move(*s);
  }
  static std::string rec(int i) {
    return "{\"record\":" + std::to_string(i) + std::string(100, 'x') + "}";
  }

  // Reads everything unread, acknowledging each record; returns the payloads.
  static std::vector<std::string> drain(Spool& s, bool ack = true) {
    std::vector<std::string> out;
    while (auto r = s.read_next()) {
      out.emplace_back(r->payload);
      if (ack) s.acknowledge(r->index);
    }
    return out;
  }
  std::string last_segment() const {
    std::string last;
    for (const auto& e : fs::directory_iterator(dir_)) {
      if (e.path().extension() == ".seg" && e.path().string() > last) last = e.path().string();
    }
    return last;
  }

  std::string dir_;
};

// Spooled lines may carry personal data: directory 0700, segments and cursor 0600 under any
// umask, and an older, more open spool is narrowed when it opens.
TEST_F(SpoolTest, DirectoryAndFilesAreOwnerOnlyUnderALooseUmask) {
  const UmaskGuard loose(022);
  {
    auto s = open();
    ASSERT_EQ(s.append(rec(1)), Spool::Append::kOk);
    ASSERT_EQ(s.append(rec(2)), Spool::Append::kOk);
    ASSERT_TRUE(s.sync());
    auto r = s.read_next();
    ASSERT_TRUE(r);
    s.acknowledge(r->index);  // the first only: the segment stays, the cursor moves
    ASSERT_TRUE(s.save_cursor());
  }
  EXPECT_EQ(mode_of(dir_.c_str()), 0700u);
  const std::string seg = last_segment();
  ASSERT_FALSE(seg.empty());
  EXPECT_EQ(mode_of(seg.c_str()), 0600u);
  EXPECT_EQ(mode_of((dir_ + "/cursor").c_str()), 0600u);
  ASSERT_EQ(::chmod(dir_.c_str(), 0755), 0);
  ASSERT_EQ(::chmod(seg.c_str(), 0644), 0);
  ASSERT_EQ(::chmod((dir_ + "/cursor").c_str(), 0644), 0);
  auto again = open();
  EXPECT_EQ(mode_of(dir_.c_str()), 0700u);
  EXPECT_EQ(mode_of(seg.c_str()), 0600u);
  EXPECT_EQ(mode_of((dir_ + "/cursor").c_str()), 0600u);
}

TEST(Crc32cTest, MatchesTheStandardCheckValue) {
  EXPECT_EQ(crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(crc32c(""), 0u);
}

TEST_F(SpoolTest, RecordsComeBackInOrderOnlyOnceSynced) {
  auto s = open();
  EXPECT_TRUE(s.empty());
  for (int i = 0; i < 100; ++i) ASSERT_EQ(s.append(rec(i)), Spool::Append::kOk);
  EXPECT_FALSE(s.read_next()) << "unsynced records must not be handed out";
  EXPECT_EQ(s.unsynced(), 100u);
  ASSERT_TRUE(s.sync());
  const auto got = drain(s);
  ASSERT_EQ(got.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(got[i], rec(i));
  EXPECT_TRUE(s.empty());
}

TEST_F(SpoolTest, OnlyAcknowledgedRecordsAreForgottenAcrossARestart) {
  {
    auto s = open();
    for (int i = 0; i < 10; ++i) s.append(rec(i));
    ASSERT_TRUE(s.sync());
    std::vector<uint64_t> idx;
    while (auto r = s.read_next()) idx.push_back(r->index);
    // Kafka acknowledged 0, 1, 2 and 5: the cursor may pass only 0..2.
    for (const int i : {0, 1, 2, 5}) s.acknowledge(idx[i]);
    ASSERT_TRUE(s.save_cursor());
  }  // a crash: nothing else saved
  auto s = open();
  const auto got = drain(s);
  ASSERT_EQ(got.size(), 7u);
  EXPECT_EQ(got.front(), rec(3));
  EXPECT_EQ(got.back(), rec(9));
}

TEST_F(SpoolTest, RewindHandsOutPurgedRecordsAgainInOrder) {
  auto s = open();
  for (int i = 0; i < 6; ++i) s.append(rec(i));
  ASSERT_TRUE(s.sync());
  std::vector<uint64_t> idx;
  while (auto r = s.read_next()) idx.push_back(r->index);
  s.acknowledge(idx[0]);
  s.rewind(idx[2]);  // librdkafka gave 2..5 back unsent
  const auto got = drain(s, false);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0], rec(2));
  EXPECT_EQ(got[3], rec(5));
}

TEST_F(SpoolTest, ATornTailIsCutReportedAndAppendsContinue) {
  {
    auto s = open();
    for (int i = 0; i < 5; ++i) s.append(rec(i));
    ASSERT_TRUE(s.sync());
  }
  // A crash in the middle of writing the sixth record: its header and half its payload.
  {
    std::ofstream f(last_segment(), std::ios::app | std::ios::binary);
    const std::string r = rec(5);
    const uint32_t len = static_cast<uint32_t>(r.size());
    f.write(reinterpret_cast<const char*>(&len), 4);
    f.write("\x01\x02\x03\x04", 4);
    f.write(r.data(), 20);
  }
  auto s = open();
  EXPECT_EQ(s.counters().torn_tails, 1u);
  s.append(rec(6));
  ASSERT_TRUE(s.sync());
  const auto got = drain(s);
  ASSERT_EQ(got.size(), 6u);
  EXPECT_EQ(got[4], rec(4));
  EXPECT_EQ(got[5], rec(6));
}

TEST_F(SpoolTest, ADamagedRecordSkipsTheRestOfItsSegmentOnly) {
  {
    auto s = open(1 << 20, 16 << 10);
    for (int i = 0; i < 400; ++i) {  // several segments of about 16 KiB
      s.append(rec(i));
      if (i % 50 == 49) {
        ASSERT_TRUE(s.sync());
      }
    }
    ASSERT_TRUE(s.sync());
    ASSERT_GT(s.segments(), 2u);
  }
  std::vector<std::string> segs;
  for (const auto& e : fs::directory_iterator(dir_)) {
    if (e.path().extension() == ".seg") segs.push_back(e.path().string());
  }
  std::sort(segs.begin(), segs.end());
  {  // flip one payload byte in the middle of the first segment
    std::fstream f(segs[0], std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(fs::file_size(segs[0]) / 2));
    f.put('#');
  }
  auto s = open(1 << 20, 16 << 10);
  const auto got = drain(s);
  EXPECT_EQ(s.counters().corrupt_skips, 1u);
  EXPECT_GT(got.size(), 300u);
  EXPECT_LT(got.size(), 400u);
  EXPECT_EQ(got.back(), rec(399));
}

TEST_F(SpoolTest, StartUpSurvivesAnEmptySegmentAndAGarbageCursor) {
  fs::create_directories(dir_);
  std::ofstream(dir_ + "/00000000000000000007.seg");  // created, crashed before its header
  std::ofstream(dir_ + "/cursor") << "garbage";
  auto s = open();
  EXPECT_TRUE(s.empty());
  s.append(rec(1));
  ASSERT_TRUE(s.sync());
  EXPECT_EQ(drain(s).size(), 1u);
}

TEST_F(SpoolTest, BlockRefusesWhenFull) {
  auto s = open(64 << 10, 16 << 10, SpoolFullPolicy::kBlock);
  int ok = 0;
  for (int i = 0; i < 2000; ++i) {
    const auto r = s.append(rec(i));
    if (r == Spool::Append::kFull) break;
    ASSERT_EQ(r, Spool::Append::kOk);
    ++ok;
  }
  ASSERT_TRUE(s.sync());
  EXPECT_LT(ok, 2000);
  EXPECT_LE(s.bytes(), 64u << 10);
  EXPECT_EQ(s.counters().dropped_full, 0u);
  EXPECT_EQ(drain(s).size(), static_cast<size_t>(ok));
}

TEST_F(SpoolTest, DropOldestKeepsTheBoundAndCountsEveryDroppedRecord) {
  auto s = open(64 << 10, 16 << 10, SpoolFullPolicy::kDropOldest);
  const int n = 2000;
  for (int i = 0; i < n; ++i) {
    ASSERT_EQ(s.append(rec(i)), Spool::Append::kOk);
    if (i % 10 == 9) {
      ASSERT_TRUE(s.sync());
    }
  }
  ASSERT_TRUE(s.sync());
  EXPECT_LE(s.bytes(), (64u << 10) + 200);
  const auto got = drain(s);
  EXPECT_EQ(got.size() + s.counters().dropped_full, static_cast<size_t>(n));
  EXPECT_EQ(got.back(), rec(n - 1));  // the newest are kept
}

TEST_F(SpoolTest, AcknowledgedSegmentsAreDeleted) {
  auto s = open(1 << 20, 16 << 10);
  for (int i = 0; i < 600; ++i) {
    s.append(rec(i));
    if (i % 20 == 19) {
      ASSERT_TRUE(s.sync());
    }
  }
  ASSERT_TRUE(s.sync());
  EXPECT_GT(s.segments(), 3u);
  drain(s);
  EXPECT_EQ(s.segments(), 1u);
  EXPECT_LT(s.bytes(), 100u) << "the last segment starts over once all is acknowledged";
}

TEST_F(SpoolTest, UnsyncedRecordsCanBeTakenBack) {
  auto s = open();
  s.append(rec(1));
  s.append(rec(2));
  const auto back = s.take_unsynced();
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[1], rec(2));
  EXPECT_EQ(s.unsynced(), 0u);
  ASSERT_TRUE(s.sync());
  EXPECT_FALSE(s.read_next());
}

}  // namespace
}  // namespace soc
