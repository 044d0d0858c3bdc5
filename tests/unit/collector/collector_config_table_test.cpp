// collector.yaml read through its table of keys: ranges, duplicate and misspelt keys, the example
// file, defaults, and docs/configuration.md in step with the table.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "collector/collector_config.h"

namespace soc {
namespace {

namespace fs = std::filesystem;

class CollectorConfigTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("soc-ctable-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    path_ = (dir_ / "collector.yaml").string();
  }
  void TearDown() override { fs::remove_all(dir_); }
  Result<CollectorConfig> load(const std::string& extra) {
    std::ofstream(path_) << "kafka:\n  brokers: localhost:9092\nstore:\n  path: store\n"
                            "rules:\n  dir: rules\n"
                         << extra;
    return load_collector_config(path_);
  }
  std::string error(const std::string& extra) {
    auto c = load(extra);
    return c ? std::string("accepted") : c.error();
  }
  fs::path dir_;
  std::string path_;
};

TEST_F(CollectorConfigTableTest, DefaultsAndRelativePaths) {
  auto c = load("");
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->store_dir, (dir_ / "store").string());
  EXPECT_EQ(c->rules_dir, (dir_ / "rules").string());
  EXPECT_EQ(c->rules_cache_dir, (dir_ / "rules-cache").string());
  EXPECT_EQ(c->topic, "soc.events");
  EXPECT_EQ(c->group, "soc-detect");
  EXPECT_EQ(c->batch_max, 2000u);
  EXPECT_EQ(c->embedded_partitions, 12);
  EXPECT_EQ(c->future_tolerance, std::chrono::seconds(300));
  EXPECT_EQ(c->timezone, "Asia/Ho_Chi_Minh");
  EXPECT_EQ(c->decoder_limits.match_limit, 100000u);
  EXPECT_EQ(c->instance_id.rfind("soc-collector-", 0), 0u) << c->instance_id;
}

TEST_F(CollectorConfigTableTest, OutOfRangeDuplicateAndUnknownKeysAreRefused) {
  EXPECT_EQ(error("detect:\n  batch_max: 0\n"),
            path_ + ":8:14: 'detect.batch_max' must be 1 .. 100000, got 0");
  EXPECT_EQ(error("detect:\n  future_tolerance: 8d\n"),
            path_ + ":8:21: 'detect.future_tolerance' must be 0s .. 7d, got 8d");
  EXPECT_EQ(error("detect:\n  batch_max: 10\n  batch_max: 20\n"),
            path_ + ":9:3: duplicate key 'detect.batch_max' (first at line 8)");
  EXPECT_EQ(error("rules:\n  dir: other\n"),
            path_ + ":7:1: duplicate key 'rules' (first at line 5)");
  EXPECT_EQ(error("detect:\n  batch_maximum: 10\n"),
            path_ +
                ":8:3: unknown key 'batch_maximum' in 'detect' (expected one of: batch_max, "
                "future_tolerance, audit_processes_per_host, audit_hosts)");
  EXPECT_NE(error("decoders:\n  timezon: UTC\n").find("did you mean 'timezone'?"),
            std::string::npos);
  const std::string both = error("log_level: loud\nembedded_broker:\n  partitions: 300\n");
  EXPECT_NE(both.find(":7:12: 'log_level' must be"), std::string::npos) << both;
  EXPECT_NE(both.find(":9:15: 'embedded_broker.partitions' must be 1 .. 256"), std::string::npos)
      << both;
}

TEST_F(CollectorConfigTableTest, TheExampleFileLoads) {
  auto c = load_collector_config(std::string(SOC_SOURCE_DIR) + "/config/collector.yaml");
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->kafka.brokers, "embedded");
  EXPECT_EQ(c->bootstrap_file, "/run/soc/kafka-bootstrap");
  EXPECT_EQ(c->rules_cache_dir, "/var/cache/soc-collector");
  EXPECT_EQ(c->instance_id, "");
}

// docs/configuration.md holds `soc-collector --config-reference` as it is (see
// scripts/config-reference.sh).
TEST(CollectorConfigReference, DocsListExactlyTheTablesKeys) {
  std::ifstream in(std::string(SOC_SOURCE_DIR) + "/docs/configuration.md");
  std::stringstream docs;
  docs << in.rdbuf();
  EXPECT_NE(docs.str().find(collector_config_reference()), std::string::npos)
      << "docs/configuration.md is out of date: run scripts/config-reference.sh";
  EXPECT_NE(
      collector_config_reference().find("| `detect.batch_max` | int | `2000` | 1 .. 100000 |"),
      std::string::npos);
}

}  // namespace
}  // namespace soc
