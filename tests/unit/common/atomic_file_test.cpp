// Durable small files and the directories they live in: their modes are explicit, not the umask's.
#include "common/atomic_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "tests/unit/umask_guard.h"

namespace soc {
namespace {

namespace fs = std::filesystem;

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() /
            ("soc-atomic-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return dir_ + "/" + name; }
  mode_t mode(const std::string& name) const { return mode_of(path(name).c_str()); }
  std::string dir_;
};

TEST_F(AtomicFileTest, FilesAreOwnerOnlyWhateverTheUmask) {
  const UmaskGuard loose(000);
  ASSERT_TRUE(make_dirs(dir_));
  ASSERT_TRUE(write_file_atomic(path("state"), "x\n"));
  EXPECT_EQ(mode("state"), 0600u);
  // A file that was more open before is replaced by one with the asked mode.
  ASSERT_EQ(::chmod(path("state").c_str(), 0666), 0);
  ASSERT_TRUE(write_file_atomic(path("state"), "y\n"));
  EXPECT_EQ(mode("state"), 0600u);
  // An explicit mode is kept exactly, even where the umask would take bits from it.
  const UmaskGuard strict(077);
  ASSERT_TRUE(write_file_atomic(path("public"), "addr\n", 0644));
  EXPECT_EQ(mode("public"), 0644u);
}

TEST_F(AtomicFileTest, DirectoriesAreCreatedWithTheirModeAndNarrowedWhenTooOpen) {
  const UmaskGuard loose(022);
  ASSERT_TRUE(make_dirs(path("a/b/c")));
  EXPECT_EQ(mode(""), 0700u);
  EXPECT_EQ(mode("a"), 0700u);
  EXPECT_EQ(mode("a/b/c"), 0700u);
  ASSERT_TRUE(make_dirs(path("a/b/c")));  // exists: fine
  // An existing directory left 0755 (an older version, or by hand) is narrowed; its parents,
  // which may be shared, are not touched.
  ASSERT_EQ(::mkdir(path("open").c_str(), 0755), 0);
  ASSERT_EQ(::chmod(path("open").c_str(), 0755), 0);
  ASSERT_EQ(::chmod(dir_.c_str(), 0755), 0);
  ASSERT_TRUE(make_dirs(path("open")));
  EXPECT_EQ(mode("open"), 0700u);
  EXPECT_EQ(mode(""), 0755u);
  // Group-readable where asked.
  ASSERT_TRUE(make_dirs(path("shared"), 0750));
  EXPECT_EQ(mode("shared"), 0750u);
  // A file in the way, and a shared sticky directory such as /tmp, are errors, not chmod targets.
  ASSERT_TRUE(write_file_atomic(path("file"), "x"));
  EXPECT_FALSE(make_dirs(path("file")));
  ASSERT_EQ(::mkdir(path("tmp").c_str(), 0700), 0);
  ASSERT_EQ(::chmod(path("tmp").c_str(), 01777), 0);
  const auto st = make_dirs(path("tmp"));
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().find("a shared directory (mode 1777)"), std::string::npos) << st.error();
  EXPECT_EQ(mode("tmp"), 01777u);
}

TEST_F(AtomicFileTest, RestrictModeOnlyTakesBitsAway) {
  ASSERT_TRUE(make_dirs(dir_));
  ASSERT_TRUE(restrict_mode(path("missing"), 0600));  // nothing to do
  ASSERT_TRUE(write_file_atomic(path("f"), "x", 0644));
  ASSERT_TRUE(restrict_mode(path("f"), 0600));
  EXPECT_EQ(mode("f"), 0600u);
  ASSERT_TRUE(write_file_atomic(path("g"), "x", 0400));
  ASSERT_TRUE(restrict_mode(path("g"), 0600));
  EXPECT_EQ(mode("g"), 0400u);  // never widened
}

}  // namespace
}  // namespace soc
