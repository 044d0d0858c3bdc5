// agent.yaml read through its table of keys: values out of range, duplicate and misspelt keys are
// refused at their line; the example file loads; docs/configuration.md is the table's reference.
#include "agent/agent_config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace soc {
namespace {

namespace fs = std::filesystem;

class AgentConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (fs::temp_directory_path() /
             ("soc-agent-config-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".yaml"))
                .string();
  }
  void TearDown() override { fs::remove(path_); }
  Result<AgentConfig> load(const std::string& extra) {
    std::ofstream(path_) << "org: X\nstate_dir: /var/lib/soc-agent\nkafka:\n  brokers: k:9092\n"
                            "files:\n  - /var/log/auth.log\n"
                         << extra;
    return load_agent_config(path_);
  }
  std::string error(const std::string& extra) {
    auto c = load(extra);
    return c ? std::string("accepted") : c.error();
  }
  std::string path_;
};

// A negative poll interval made the main loop wait forever for Kafka (rd_kafka_poll(-1)).
TEST_F(AgentConfigTest, PollIntervalOutOfRangeIsRefusedWithTheRange) {
  EXPECT_EQ(error("limits:\n  poll_interval_ms: -1\n"),
            path_ + ":8:21: 'limits.poll_interval_ms' must be 1 .. 10000, got -1");
  EXPECT_NE(error("limits:\n  poll_interval_ms: 0\n").find("must be 1 .. 10000"),
            std::string::npos);
  EXPECT_NE(error("limits:\n  checkpoint_interval_ms: -5\n").find("must be 10 .. 3600000"),
            std::string::npos);
  auto ok = load("limits:\n  poll_interval_ms: 50\n  checkpoint_interval_ms: 200\n");
  ASSERT_TRUE(ok) << ok.error();
  EXPECT_EQ(ok->poll_interval_ms, 50);
  EXPECT_EQ(ok->checkpoint_interval_ms, 200);
}

// yaml-cpp keeps both pairs of a repeated key and reads the first: the value added at the end of
// the file by a sysadmin did nothing.
TEST_F(AgentConfigTest, DuplicateKeysAreRefused) {
  EXPECT_EQ(error("topic: first\ntopic: second\n"),
            path_ + ":8:1: duplicate key 'topic' (first at line 7)");
  EXPECT_EQ(error("limits:\n  max_in_flight: 10\n  max_in_flight: 20\n"),
            path_ + ":9:3: duplicate key 'limits.max_in_flight' (first at line 8)");
  EXPECT_NE(error("syslog:\n  - protocol: udp\n    listen: 0.0.0.0:514\n    protocol: tcp\n")
                .find(":10:5: duplicate key 'protocol'"),
            std::string::npos);
}

TEST_F(AgentConfigTest, MisspeltKeysSuggestTheRightOne) {
  EXPECT_EQ(error("limits:\n  poll_intervl_ms: 100\n"),
            path_ +
                ":8:3: unknown key 'poll_intervl_ms' in 'limits': did you mean "
                "'poll_interval_ms'?");
  EXPECT_NE(error("heartbeats:\n  interval: 1m\n").find("did you mean 'heartbeat'?"),
            std::string::npos);
}

TEST_F(AgentConfigTest, EveryErrorIsReportedAtOnce) {
  const std::string e = error("log_level: loud\nlimits:\n  max_in_flight: 0\nspool:\n  after: x\n");
  EXPECT_NE(e.find(":7:12: 'log_level' must be trace, debug"), std::string::npos) << e;
  EXPECT_NE(e.find("\n" + path_ + ":9:18: 'limits.max_in_flight' must be 1 .. 1000000"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("\n" + path_ + ":11:10: 'spool.after' must be a duration"), std::string::npos)
      << e;
}

TEST_F(AgentConfigTest, DefaultsAreThoseOfTheStruct) {
  auto c = load("");
  ASSERT_TRUE(c) << c.error();
  const AgentConfig d;
  EXPECT_EQ(c->poll_interval_ms, d.poll_interval_ms);
  EXPECT_EQ(c->checkpoint_interval_ms, d.checkpoint_interval_ms);
  EXPECT_EQ(c->partial_line_flush_ms, d.partial_line_flush_ms);
  EXPECT_EQ(c->max_line_bytes, d.max_line_bytes);
  EXPECT_EQ(c->log_level, "info");
  EXPECT_EQ(c->topic, "soc.events");
  ASSERT_EQ(c->files.size(), 1u);
  EXPECT_EQ(c->files[0].start, StartAt::kEnd);
}

TEST_F(AgentConfigTest, TheExampleFileLoads) {
  auto c = load_agent_config(std::string(SOC_SOURCE_DIR) + "/config/agent.yaml");
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->org, "STTTT");
  EXPECT_EQ(c->kafka.brokers, "kafka1.soc.example.gov.vn:9093,kafka2.soc.example.gov.vn:9093");
  EXPECT_TRUE(c->journald_default);
}

// docs/configuration.md holds `soc-agent --config-reference` as it is: a key added to the table
// without regenerating the docs fails here (scripts/config-reference.sh rewrites the file).
TEST(AgentConfigReference, DocsListExactlyTheTablesKeys) {
  std::ifstream in(std::string(SOC_SOURCE_DIR) + "/docs/configuration.md");
  std::stringstream docs;
  docs << in.rdbuf();
  EXPECT_NE(docs.str().find(agent_config_reference()), std::string::npos)
      << "docs/configuration.md is out of date: run scripts/config-reference.sh";
  for (const char* key : {"| `limits.poll_interval_ms` | int | `200` | 1 .. 10000 |",
                          "| `syslog[].protocol` | enum: udp, tcp or tls |",
                          "| `redaction.salt` | secret |", "| `journald.max_priority` |"}) {
    EXPECT_NE(agent_config_reference().find(key), std::string::npos) << key;
  }
}

}  // namespace
}  // namespace soc
