#include "agent/checkpoint.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

namespace soc {
namespace {

namespace fs = std::filesystem;

class CheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() /
            ("soc-cp-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_;
};

TEST_F(CheckpointTest, SavedPositionsSurviveReopenIncludingPathsWithSpaces) {
  {
    auto cs = CheckpointStore::open(dir_);
    ASSERT_TRUE(cs) << cs.error();
    cs->set("/var/log/auth.log", {2049, 131, 4096});
    cs->set("/var/log/my app/x.log", {2049, 132, 10});
    ASSERT_TRUE(cs->save());
  }
  auto cs = CheckpointStore::open(dir_);
  ASSERT_TRUE(cs) << cs.error();
  auto a = cs->get("/var/log/auth.log");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->ino, 131u);
  EXPECT_EQ(a->offset, 4096u);
  auto b = cs->get("/var/log/my app/x.log");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->offset, 10u);
  EXPECT_FALSE(cs->get("/nope"));
}

TEST_F(CheckpointTest, SequenceNumbersAreNeverReusedAfterACrash) {
  std::set<uint64_t> seen;
  for (int run = 0; run < 3; ++run) {
    auto cs = CheckpointStore::open(dir_);  // no save(): as if killed
    ASSERT_TRUE(cs) << cs.error();
    for (int i = 0; i < 10; ++i) {
      auto s = cs->next_seq();
      ASSERT_TRUE(s) << s.error();
      EXPECT_TRUE(seen.insert(*s).second) << "seq " << *s << " reused in run " << run;
    }
  }
}

TEST_F(CheckpointTest, ACorruptCheckpointIsAnErrorNamingTheFile) {
  std::ofstream(dir_ + "/checkpoint") << "soc-agent checkpoint v1\nfile x y z\n";
  auto cs = CheckpointStore::open(dir_);
  ASSERT_FALSE(cs);
  EXPECT_NE(cs.error().find(dir_ + "/checkpoint:2"), std::string::npos) << cs.error();
}

}  // namespace
}  // namespace soc
