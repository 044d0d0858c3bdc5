#include "agent/inputs/file_glob.h"
#include "agent/checkpoint.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace soc {
namespace {

namespace fs = std::filesystem;

class FileGlobTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("soc-glob-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "state");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void append(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::app) << text;
  }
  FileGlobInput make(StartAt start = StartAt::kBeginning) {
    return FileGlobInput(FileInputConfig{(dir_ / "*.log").string(), start}, 1024,
                         std::chrono::milliseconds(60000), std::chrono::milliseconds(0));
  }
  std::vector<std::string> poll(FileGlobInput& g) {
    std::vector<std::string> out;
    g.poll(1000, [&](const InputLine& l) {
      out.push_back(std::string(l.text) + "@" + std::string(l.src));
    });
    return out;
  }
  fs::path dir_;
};

TEST_F(FileGlobTest, FollowsEveryMatchIncludingFilesCreatedLater) {
  append("a.log", "a1\n");
  append("skip.txt", "not matched\n");
  auto g = make(StartAt::kEnd);
  auto cps = CheckpointStore::open((dir_ / "state").string());
  ASSERT_TRUE(cps);
  ASSERT_TRUE(g.start(*cps));
  EXPECT_TRUE(poll(g).empty()) << "start: end skips what a.log held";
  append("a.log", "a2\n");
  append("b.log", "b1\n");  // appears later: read from its start
  auto got = poll(g);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::string>{"a2@file:" + (dir_ / "a.log").string(),
                                           "b1@file:" + (dir_ / "b.log").string()}));
  EXPECT_EQ(g.files(), 2u);
  EXPECT_EQ(g.detailed_stats().size(), 2u);
}

TEST_F(FileGlobTest, AcknowledgementsReachTheFileEachLineCameFrom) {
  append("a.log", "a1\na2\n");
  append("b.log", "b1\n");
  auto cps = CheckpointStore::open((dir_ / "state").string());
  ASSERT_TRUE(cps);
  {
    auto g = make();
    ASSERT_TRUE(g.start(*cps));
    ASSERT_EQ(poll(g).size(), 3u);  // a1 a2 b1 (map order: a before b)
    g.acknowledge_oldest();         // a1
    g.acknowledge_oldest();         // a2
    g.save(*cps);                   // b1 not acknowledged
  }
  auto g = make();
  ASSERT_TRUE(g.start(*cps));
  EXPECT_EQ(poll(g), (std::vector<std::string>{"b1@file:" + (dir_ / "b.log").string()}));
}

TEST_F(FileGlobTest, ForgetsFilesThatAreGoneAndDone) {
  append("a.log", "a1\n");
  auto cps = CheckpointStore::open((dir_ / "state").string());
  ASSERT_TRUE(cps);
  auto g = make();
  ASSERT_TRUE(g.start(*cps));
  ASSERT_EQ(poll(g).size(), 1u);
  g.acknowledge_oldest();
  fs::remove(dir_ / "a.log");
  poll(g);  // reads to the end, lets the file go
  poll(g);  // the rescan forgets it
  EXPECT_EQ(g.files(), 0u);
  EXPECT_EQ(g.stats().counters.at("lines"), 1u) << "counters of forgotten files are kept";
}

}  // namespace
}  // namespace soc
