#include "agent/checkpoint.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "tests/unit/umask_guard.h"

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

// Positions name the log files of the host: owner-only whatever the umask, and files an older
// version left readable are narrowed when the store opens.
TEST_F(CheckpointTest, FilesAreOwnerOnlyUnderALooseUmask) {
  const UmaskGuard loose(022);
  const std::string checkpoint = dir_ + "/checkpoint";
  const std::string seq = dir_ + "/seq";
  {
    auto cs = CheckpointStore::open(dir_);
    ASSERT_TRUE(cs) << cs.error();
    ASSERT_TRUE(cs->next_seq());
    cs->set("file:/var/log/auth.log", "2049 131 4096");
    ASSERT_TRUE(cs->save());
  }
  EXPECT_EQ(mode_of(checkpoint.c_str()), 0600u);
  EXPECT_EQ(mode_of(seq.c_str()), 0600u);
  ASSERT_EQ(::chmod(checkpoint.c_str(), 0644), 0);
  ASSERT_EQ(::chmod(seq.c_str(), 0640), 0);
  auto cs = CheckpointStore::open(dir_);
  ASSERT_TRUE(cs) << cs.error();
  EXPECT_EQ(mode_of(checkpoint.c_str()), 0600u);
  EXPECT_EQ(mode_of(seq.c_str()), 0600u);
  EXPECT_EQ(cs->get("file:/var/log/auth.log"), "2049 131 4096");
}

TEST_F(CheckpointTest, SavedPositionsSurviveReopenIncludingPathsWithSpaces) {
  {
    auto cs = CheckpointStore::open(dir_);
    ASSERT_TRUE(cs) << cs.error();
    cs->set("file:/var/log/auth.log", "2049 131 4096");
    cs->set("file:/var/log/my app/100%\tx\n.log", "2049 132 10");
    cs->set("journald", "s=739ad463348b4ceca5a9e69c95a3c93f;i=4ece7;b=6c7c6013a8");
    ASSERT_TRUE(cs->save());
  }
  auto cs = CheckpointStore::open(dir_);
  ASSERT_TRUE(cs) << cs.error();
  EXPECT_EQ(cs->get("file:/var/log/auth.log"), "2049 131 4096");
  EXPECT_EQ(cs->get("file:/var/log/my app/100%\tx\n.log"), "2049 132 10");
  EXPECT_EQ(cs->get("journald"), "s=739ad463348b4ceca5a9e69c95a3c93f;i=4ece7;b=6c7c6013a8");
  EXPECT_FALSE(cs->get("file:/nope"));
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
  std::ofstream(dir_ + "/checkpoint") << "soc-agent checkpoint v2\nno tab here\n";
  auto cs = CheckpointStore::open(dir_);
  ASSERT_FALSE(cs);
  EXPECT_NE(cs.error().find(dir_ + "/checkpoint:2"), std::string::npos) << cs.error();
}

}  // namespace
}  // namespace soc
