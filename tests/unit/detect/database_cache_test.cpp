// Compiled Hyperscan databases on disk: keys, round trip, damaged files, pruning, permissions.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "collector/detect/database_cache.h"
#include "collector/detect/engine.h"
#include "collector/detect/rule.h"

namespace soc {
namespace {

namespace fs = std::filesystem;

class DatabaseCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("soc_hscache_test_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::shared_ptr<DatabaseCache> open_cache(uint64_t max_bytes = DatabaseCache::kDefaultMaxBytes) {
    auto c = DatabaseCache::open(dir_.string(), max_bytes);
    EXPECT_TRUE(c.ok()) << c.error();
    return c.ok() ? std::shared_ptr<DatabaseCache>(std::move(c).value()) : nullptr;
  }

  std::vector<fs::path> files() const {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir_)) out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
  }

  static std::vector<Rule> rules(const std::string& word) {
    auto r = load_rules_text(
        "- id: a\n  title: A\n  severity: low\n  match:\n    message: {contains: " + word +
            "}\n- id: b\n  title: B\n  severity: low\n  match:\n"
            "    process.name: sshd\n    message: {regex: 'Failed \\w+'}\n",
        "mem.yml");
    EXPECT_TRUE(r.ok()) << r.error();
    return r.ok() ? std::move(r).value() : std::vector<Rule>{};
  }

  static Event event(const std::string& message) {
    Event e;
    e.env.msg = message;
    e.fields.set("message", message);
    e.fields.set("process.name", "sshd");
    return e;
  }

  fs::path dir_;
};

TEST_F(DatabaseCacheTest, KeyCoversEveryInput) {
  const std::vector<const char*> a = {"abc", "d+"};
  const std::string k = DatabaseCache::key(a, {1, 2}, {0, 1}, HS_MODE_BLOCK);
  EXPECT_EQ(k.size(), 64u);
  EXPECT_EQ(k, DatabaseCache::key(a, {1, 2}, {0, 1}, HS_MODE_BLOCK));
  EXPECT_NE(k, DatabaseCache::key({"abc", "d*"}, {1, 2}, {0, 1}, HS_MODE_BLOCK));
  EXPECT_NE(k, DatabaseCache::key({"ab", "cd+"}, {1, 2}, {0, 1}, HS_MODE_BLOCK));
  EXPECT_NE(k, DatabaseCache::key(a, {1, 3}, {0, 1}, HS_MODE_BLOCK));
  EXPECT_NE(k, DatabaseCache::key(a, {1, 2}, {1, 0}, HS_MODE_BLOCK));
  EXPECT_NE(k, DatabaseCache::key(a, {1, 2}, {0, 1}, HS_MODE_STREAM));
  EXPECT_NE(k, DatabaseCache::key({"abc"}, {1}, {0}, HS_MODE_BLOCK));
}

TEST_F(DatabaseCacheTest, PrivateDirectoryAndFiles) {
  auto cache = open_cache();
  ASSERT_TRUE(cache);
  auto en = Engine::build(rules("root"), cache);
  ASSERT_TRUE(en.ok()) << en.error();
  struct stat st {};
  ASSERT_EQ(::stat(dir_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_FALSE(files().empty());
  for (const auto& f : files()) {
    EXPECT_EQ(f.extension(), ".hsdb") << f;
    ASSERT_EQ(::stat(f.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << f;
  }
  EXPECT_EQ(cache->stats().stored, files().size());
}

TEST_F(DatabaseCacheTest, LooseDirectoryIsMadePrivate) {
  fs::create_directories(dir_);
  fs::permissions(dir_, fs::perms::all);
  ASSERT_TRUE(open_cache());
  EXPECT_EQ(fs::status(dir_).permissions() & fs::perms::all, fs::perms::owner_all);
}

TEST_F(DatabaseCacheTest, DirectoryOfAnotherUserIsRefused) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give a directory away";
  fs::create_directories(dir_);
  ASSERT_EQ(::chown(dir_.c_str(), 65534, 65534), 0);
  auto c = DatabaseCache::open(dir_.string());
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().find("not by this user"), std::string::npos) << c.error();
}

TEST_F(DatabaseCacheTest, SecondBuildLoadsEverything) {
  auto cache = open_cache();
  auto first = Engine::build(rules("root"), cache);
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_EQ((*first)->build_stats().loaded, 0u);
  const size_t compiled = (*first)->build_stats().compiled;
  EXPECT_GE(compiled, 1u);
  auto second = Engine::build(rules("root"), cache);
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_EQ((*second)->build_stats().compiled, 0u);
  EXPECT_EQ((*second)->build_stats().loaded, compiled);
  EXPECT_EQ((*second)->match(event("Failed password for root")), (std::vector<size_t>{0, 1}));
  EXPECT_TRUE((*second)->match(event("Accepted password")).empty());
}

// A damaged or foreign file is ignored and counted, the database compiled again and the file
// replaced; matching is unchanged.
TEST_F(DatabaseCacheTest, TruncatedGarbledAndForeignFilesAreRecompiled) {
  {
    auto cache = open_cache();
    ASSERT_TRUE(Engine::build(rules("root"), cache).ok());
    ASSERT_TRUE(Engine::build(rules("admin"), cache).ok());
    ASSERT_TRUE(Engine::build(rules("guest"), cache).ok());
  }
  const std::vector<fs::path> all = files();
  ASSERT_EQ(all.size(), 4u);  // one database per word, one shared by all
  // Truncate one, garble a byte in the middle of another, and overwrite a third with a copy of a
  // file stored for a different key.
  fs::resize_file(all[0], fs::file_size(all[0]) / 2);
  {
    std::fstream f(all[1], std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(fs::file_size(all[1]) / 2));
    f.put('\x5a');
  }
  std::string other;
  {
    std::ifstream in(all[2], std::ios::binary);
    other.assign(std::istreambuf_iterator<char>(in), {});
  }
  {
    std::ofstream out(all[3], std::ios::binary | std::ios::trunc);
    out << other;
  }

  auto cache = open_cache();
  auto a = Engine::build(rules("root"), cache);
  ASSERT_TRUE(a.ok()) << a.error();
  auto b = Engine::build(rules("admin"), cache);
  ASSERT_TRUE(b.ok()) << b.error();
  ASSERT_TRUE(Engine::build(rules("guest"), cache).ok());
  EXPECT_EQ(cache->stats().rejected, 3u);
  EXPECT_EQ(cache->stats().stored, 3u);
  EXPECT_EQ(cache->stats().loaded, 3u);  // one intact or rewritten file per build
  EXPECT_EQ((*a)->match(event("Failed password for root")), (std::vector<size_t>{0, 1}));
  EXPECT_EQ((*b)->match(event("Failed password for admin")), (std::vector<size_t>{0, 1}));
  EXPECT_EQ((*b)->match(event("Failed password for root")), (std::vector<size_t>{1}));
  // The damaged files were rewritten: a fresh cache loads every database.
  auto again = open_cache();
  auto c = Engine::build(rules("root"), again);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(again->stats().rejected, 0u);
  EXPECT_EQ((*c)->build_stats().compiled, 0u);
}

// Databases of earlier rule versions go once the directory is over its cap; those the current
// pack uses stay whatever the cap.
TEST_F(DatabaseCacheTest, PruneDropsUnusedFilesBeyondTheCap) {
  {
    auto roomy = open_cache();
    ASSERT_TRUE(Engine::build(rules("root"), roomy).ok());
    ASSERT_TRUE(Engine::build(rules("admin"), roomy).ok());
  }
  const size_t both = files().size();
  auto tight = open_cache(/*max_bytes=*/0);
  auto en = Engine::build(rules("guest"), tight);
  ASSERT_TRUE(en.ok());
  const size_t in_use = (*en)->build_stats().loaded + (*en)->build_stats().compiled;
  EXPECT_EQ(files().size(), in_use);
  EXPECT_EQ(tight->stats().pruned + tight->stats().stored, both);
  auto again = Engine::build(rules("guest"), tight);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->build_stats().compiled, 0u);
}

TEST_F(DatabaseCacheTest, LoadOfUnknownOrMalformedKeyIsAMiss) {
  auto cache = open_cache();
  EXPECT_EQ(cache->load(std::string(64, 'b')), nullptr);
  EXPECT_EQ(cache->load("../etc/passwd"), nullptr);
  EXPECT_EQ(cache->stats().missing, 1u);
  EXPECT_EQ(cache->stats().rejected, 0u);
}

}  // namespace
}  // namespace soc
