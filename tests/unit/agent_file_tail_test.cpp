#include "agent/inputs/file_tail.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace soc {
namespace {

namespace fs = std::filesystem;

class FileTailTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("soc-tail-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "app.log").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  void append(const std::string& text) {
    std::ofstream(path_, std::ios::app | std::ios::binary) << text;
  }

  FileTail make(StartAt start = StartAt::kBeginning, size_t max_line = 64 * 1024,
                int flush_ms = 60000) {
    return FileTail(FileInputConfig{path_, start}, max_line, std::chrono::milliseconds(flush_ms));
  }

  // Polls until nothing more comes; returns every line's text.
  std::vector<std::string> drain(FileTail& tail) {
    std::vector<std::string> out;
    for (int i = 0; i < 5; ++i) {
      tail.read(100000, [&](const FileTail::Line& l) {
        out.emplace_back(l.text);
        last_ = l;
      });
    }
    return out;
  }

  fs::path dir_;
  std::string path_;
  FileTail::Line last_{};  // its text points into the tail's buffer: only `end` is kept valid
};

TEST_F(FileTailTest, ReadsCompleteLinesOnlyAndReportsTheirEndOffset) {
  append("one\ntwo\nthr");
  auto tail = make();
  EXPECT_EQ(drain(tail), (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(last_.end.offset, 8u);
  append("ee\n");
  EXPECT_EQ(drain(tail), (std::vector<std::string>{"three"}));
  EXPECT_EQ(last_.end.offset, 14u);
}

TEST_F(FileTailTest, StartAtEndSkipsExistingContentOfAFileSeenFirstTime) {
  append("old\n");
  auto tail = make(StartAt::kEnd);
  EXPECT_TRUE(drain(tail).empty());
  append("new\n");
  EXPECT_EQ(drain(tail), (std::vector<std::string>{"new"}));
}

TEST_F(FileTailTest, FileCreatedLaterIsReadFromItsStartEvenWithStartAtEnd) {
  auto tail = make(StartAt::kEnd);
  EXPECT_TRUE(drain(tail).empty());
  append("first\n");
  EXPECT_EQ(drain(tail), (std::vector<std::string>{"first"}));
}

TEST_F(FileTailTest, ResumesAtARestoredPositionOfTheSameFile) {
  append("a\nb\nc\n");
  auto tail = make(StartAt::kEnd);
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  tail.restore(FilePosition{st.st_dev, st.st_ino, 2});
  EXPECT_EQ(drain(tail), (std::vector<std::string>{"b", "c"}));
}

TEST_F(FileTailTest, RestoredPositionOfAReplacedFileIsIgnored) {
  append("x\ny\n");
  auto tail = make();
  tail.restore(FilePosition{1, 1, 2});  // another file's identity
  EXPECT_EQ(drain(tail), (std::vector<std::string>{"x", "y"}));
}

TEST_F(FileTailTest, FollowsRenameAndCreateRotationReadingTheOldFileToItsEnd) {
  append("before\n");
  auto tail = make();
  EXPECT_EQ(drain(tail), (std::vector<std::string>{"before"}));
  append("late write to old file\n");
  fs::rename(path_, path_ + ".1");
  append("in the new file\n");
  EXPECT_EQ(drain(tail), (std::vector<std::string>{"late write to old file", "in the new file"}));
  EXPECT_EQ(tail.counters().rotations, 1u);
}

TEST_F(FileTailTest, RestartsAtZeroAfterCopyTruncate) {
  append("aaaa\nbbbb\n");
  auto tail = make();
  drain(tail);
  fs::resize_file(path_, 0);
  append("c\n");
  EXPECT_EQ(drain(tail), (std::vector<std::string>{"c"}));
  EXPECT_EQ(tail.counters().truncations, 1u);
}

TEST_F(FileTailTest, CutsOverlongLinesAndFlagsThem) {
  append(std::string(1000, 'x') + "\nshort\n");
  auto tail = make(StartAt::kBeginning, 256);
  std::vector<std::pair<std::string, bool>> got;
  for (int i = 0; i < 3; ++i) {
    tail.read(100, [&](const FileTail::Line& l) { got.emplace_back(l.text, l.truncated); });
  }
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].first, std::string(256, 'x'));
  EXPECT_TRUE(got[0].second);
  EXPECT_EQ(got[1].first, "short");
  EXPECT_FALSE(got[1].second);
  EXPECT_EQ(tail.counters().truncated_lines, 1u);
}

TEST_F(FileTailTest, FlushesAnUnterminatedLastLineAfterTheQuietTime) {
  append("no newline yet");
  auto tail = make(StartAt::kBeginning, 1024, 0);
  EXPECT_EQ(drain(tail), (std::vector<std::string>{"no newline yet"}));
  EXPECT_EQ(last_.end.offset, 14u);
  EXPECT_EQ(tail.counters().partial_flushes, 1u);
}

TEST_F(FileTailTest, KeepsBinaryBytesAndNulsInsideLines) {
  append(std::string("a\0b\xff\n", 5));
  auto tail = make();
  EXPECT_EQ(drain(tail), (std::vector<std::string>{std::string("a\0b\xff", 4)}));
}

TEST_F(FileTailTest, CheckpointsOnlyAcknowledgedLinesAndResumesThere) {
  append("a\nb\nc\n");
  auto dir = dir_.string() + "/state";
  fs::create_directories(dir);
  auto cps = CheckpointStore::open(dir);
  ASSERT_TRUE(cps) << cps.error();
  {
    auto tail = make();
    ASSERT_TRUE(tail.start(*cps));
    std::vector<std::string> got;
    tail.poll(10, [&](const InputLine& l) {
      got.emplace_back(l.text);
      EXPECT_EQ(l.src, "file:" + path_);
    });
    EXPECT_EQ(got.size(), 3u);
    tail.save(*cps);
    EXPECT_FALSE(cps->get("file:" + path_));  // nothing acknowledged yet
    tail.acknowledge_oldest();                // "a" is safe in Kafka
    tail.save(*cps);
  }
  auto tail = make(StartAt::kEnd);
  ASSERT_TRUE(tail.start(*cps));
  EXPECT_EQ(drain(tail), (std::vector<std::string>{"b", "c"}));
}

TEST_F(FileTailTest, ReportsAnUnreadableFileAtStartUp) {
  fs::create_directories(path_);
  EXPECT_FALSE(make().check_readable());
  fs::remove(path_);
  EXPECT_TRUE(make().check_readable());  // missing: followed once it appears
}

}  // namespace
}  // namespace soc
