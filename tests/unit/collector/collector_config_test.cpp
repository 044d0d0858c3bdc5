// soc-collector's configuration file: the keys added here (rules.cache_dir, rules.intel_dir).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "collector/collector_config.h"

namespace soc {
namespace {

namespace fs = std::filesystem;

Result<CollectorConfig> load(const std::string& rules_extra) {
  const fs::path dir = fs::temp_directory_path() / ("soc_cconfig_" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / "collector.yaml";
  std::ofstream(file) << "kafka:\n  brokers: localhost:9092\nstore:\n  path: /var/lib/x/store\n"
                         "rules:\n  dir: rules\n"
                      << rules_extra;
  return load_collector_config(file.string());
}

TEST(CollectorConfig, RuleCacheBesideTheStoreByDefault) {
  auto c = load("");
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c->rules_cache_dir, "/var/lib/x/rules-cache");
}

// Threat-intelligence lists: rules.dir/intel unless rules.intel_dir names a directory (relative
// to the configuration file, like every path in it).
TEST(CollectorConfig, IntelDirDefaultsToTheRulesAndIsResolved) {
  auto c = load("");
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c->intel_dir, "");  // load_rules() then reads rules_dir/intel
  auto abs = load("  intel_dir: /etc/soc/intel\n");
  ASSERT_TRUE(abs.ok()) << abs.error();
  EXPECT_EQ(abs->intel_dir, "/etc/soc/intel");
  auto rel = load("  intel_dir: feeds\n");
  ASSERT_TRUE(rel.ok()) << rel.error();
  EXPECT_EQ(fs::path(rel->intel_dir).filename(), "feeds");
  EXPECT_TRUE(fs::path(rel->intel_dir).is_absolute());
  auto empty = load("  intel_dir: ''\n");
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().find("'rules.intel_dir' must be a directory"), std::string::npos)
      << empty.error();
}

TEST(CollectorConfig, RuleCacheDirAndNone) {
  auto c = load("  cache_dir: /var/cache/soc-collector\n");
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c->rules_cache_dir, "/var/cache/soc-collector");
  auto off = load("  cache_dir: none\n");
  ASSERT_TRUE(off.ok()) << off.error();
  EXPECT_EQ(off->rules_cache_dir, "");
  auto empty = load("  cache_dir: ''\n");
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().find("'rules.cache_dir' must be a directory or none"), std::string::npos)
      << empty.error();
}

TEST(CollectorConfig, AuditProcessTableLimits) {
  auto d = load("");
  ASSERT_TRUE(d.ok()) << d.error();
  EXPECT_EQ(d->audit_processes.per_host, 4096u);
  EXPECT_EQ(d->audit_processes.hosts, 64u);
  auto c = load("detect:\n  audit_processes_per_host: 100\n  audit_hosts: 3\n");
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c->audit_processes.per_host, 100u);
  EXPECT_EQ(c->audit_processes.hosts, 3u);
  auto bad = load("detect:\n  audit_hosts: 0\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("'detect.audit_hosts' must be 1 .. 100000"), std::string::npos)
      << bad.error();
}

}  // namespace
}  // namespace soc
