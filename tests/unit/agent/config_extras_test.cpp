// The agent configuration keys added for the spool, heartbeat, /metrics, redaction and the files
// Kafka's TLS properties name: defaults, values, and errors at the right line.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "agent/agent_config.h"

namespace soc {
namespace {

namespace fs = std::filesystem;

class AgentConfigExtrasTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("soc-cfg-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  Result<AgentConfig> load(const std::string& extra) {
    const std::string p = (dir_ / "agent.yaml").string();
    std::ofstream(p) << "org: X\nstate_dir: /var/lib/soc-agent\nkafka:\n  brokers: k:9092\n"
                        "files:\n  - /var/log/auth.log\n"
                     << extra;
    return load_agent_config(p);
  }
  // A secret file in dir_ with exactly `mode`, whatever the umask.
  void write_secret(const std::string& name, const std::string& text, mode_t mode) {
    const std::string p = (dir_ / name).string();
    const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    ASSERT_GE(fd, 0) << p;
    ASSERT_EQ(::fchmod(fd, mode), 0);
    ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
    ::close(fd);
  }
  fs::path dir_;
};

TEST_F(AgentConfigExtrasTest, DefaultsSuitASmallHost) {
  auto c = load("");
  ASSERT_TRUE(c) << c.error();
  EXPECT_TRUE(c->spool.enabled);
  EXPECT_EQ(c->spool.spool.max_bytes, 256u << 20);
  EXPECT_EQ(c->spool.spool.when_full, SpoolFullPolicy::kBlock);
  EXPECT_EQ(c->heartbeat_interval_ms, 30000);
  EXPECT_EQ(c->heartbeat_topic, "soc.agents");
  EXPECT_TRUE(c->metrics_listen.empty()) << "/metrics is off by default";
  EXPECT_FALSE(c->redaction);
  EXPECT_EQ(c->max_in_flight_bytes, 1u << 20);
  EXPECT_EQ(c->max_in_flight, 5000u);
}

TEST_F(AgentConfigExtrasTest, ReadsEveryNewKey) {
  write_secret("salt", "a-long-enough-salt-value\n", 0600);
  auto c = load(
      "limits:\n  max_in_flight_bytes: 2MiB\nspool:\n  dir: /srv/spool\n  max_bytes: 1GiB\n"
      "  segment_bytes: 16MiB\n  when_full: drop_oldest\n  after: 30s\n"
      "heartbeat:\n  interval: 1m\n  topic: hb\nmetrics:\n  listen: 127.0.0.1:9108\n"
      "redaction:\n  salt: {file: salt}\n  builtin: [cccd]\n  patterns:\n"
      "    - {name: TOKEN, regex: 'tok=\\w+'}\n");
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->max_in_flight_bytes, 2u << 20);
  EXPECT_EQ(c->spool.spool.dir, "/srv/spool");
  EXPECT_EQ(c->spool.spool.max_bytes, 1u << 30);
  EXPECT_EQ(c->spool.spool.segment_bytes, 16u << 20);
  EXPECT_EQ(c->spool.spool.when_full, SpoolFullPolicy::kDropOldest);
  EXPECT_EQ(c->spool.after_ms, 30000);
  EXPECT_EQ(c->heartbeat_interval_ms, 60000);
  EXPECT_EQ(c->heartbeat_topic, "hb");
  EXPECT_EQ(c->metrics_listen, "127.0.0.1:9108");
  ASSERT_TRUE(c->redaction);
  EXPECT_EQ(c->redaction->salt, "a-long-enough-salt-value");
  EXPECT_TRUE(c->redaction->cccd);
  EXPECT_FALSE(c->redaction->phone);
  ASSERT_EQ(c->redaction->patterns.size(), 1u);
  EXPECT_EQ(c->redaction->patterns[0].name, "TOKEN");
}

TEST_F(AgentConfigExtrasTest, ErrorsNameTheLine) {
  const auto err = [&](const std::string& extra) {
    auto c = load(extra);
    return c ? std::string("accepted") : c.error();
  };
  EXPECT_NE(err("spool:\n  segment_bytes: 200MiB\n")
                .find(":8:18: 'spool.segment_bytes' must be "
                      "at most half"),
            std::string::npos);
  EXPECT_NE(err("spool:\n  after: 0s\n").find(":8:10:"), std::string::npos);
  EXPECT_NE(err("spool:\n  colour: red\n").find(":8:3: unknown key 'colour'"), std::string::npos);
  EXPECT_NE(err("redaction:\n  builtin: [passport]\n").find("'redaction.salt' is required"),
            std::string::npos);
  EXPECT_NE(err("redaction:\n  salt: short\n  insecure_inline_salt_for_tests: true\n")
                .find(":8:9: 'redaction.salt' must be at least 16"),
            std::string::npos);
  EXPECT_NE(err("metrics:\n  listen: somewhere\n").find(":8:11: 'metrics.listen'"),
            std::string::npos);
  EXPECT_NE(err("limits:\n  max_in_flight_bytes: 100KiB\n").find("must hold at least 4 lines"),
            std::string::npos);
}

// The salt keys the hashes that stand for personal data: it stays out of the configuration
// (unless a test says it is one) and out of files other users can read or change.
TEST_F(AgentConfigExtrasTest, RedactionSaltMustBeAProtectedSecret) {
  const auto err = [&](const std::string& extra) {
    auto c = load(extra);
    return c ? std::string("accepted") : c.error();
  };
  const std::string inline_salt = "redaction:\n  salt: an-inline-salt-of-some-length\n";
  EXPECT_NE(
      err(inline_salt).find(":8:9: 'redaction.salt' must not be written in the configuration"),
      std::string::npos)
      << err(inline_salt);
  auto tests_only = load(inline_salt + "  insecure_inline_salt_for_tests: true\n");
  ASSERT_TRUE(tests_only) << tests_only.error();
  EXPECT_EQ(tests_only->redaction->salt, "an-inline-salt-of-some-length");

  const std::string from_file = "redaction:\n  salt: {file: salt}\n";
  const std::string path = (dir_ / "salt").string();
  for (const mode_t bad : {0644, 0604, 0660, 0620, 0666}) {
    write_secret("salt", "the-secret-salt-value-0123\n", bad);
    const std::string e = err(from_file);
    EXPECT_NE(e.find(path + ": mode 0" + fmt::format("{:o}", bad) + " lets other users"),
              std::string::npos)
        << e;
    EXPECT_EQ(e.find("the-secret-salt-value"), std::string::npos) << "the content leaked: " << e;
  }
  // Owner-only, or readable by the service's group (root:soc-agent 0640): accepted.
  for (const mode_t good : {0600, 0640, 0400, 0440}) {
    write_secret("salt", "the-secret-salt-value-0123\n", good);
    auto c = load(from_file);
    ASSERT_TRUE(c) << c.error();
    EXPECT_EQ(c->redaction->salt, "the-secret-salt-value-0123");
  }
}

TEST_F(AgentConfigExtrasTest, KafkaFilesMustExistAndSaslNeedsCredentials) {
  const auto err = [&](const std::string& props) {
    const std::string p = (dir_ / "k.yaml").string();
    std::ofstream(p) << "org: X\nstate_dir: /tmp/x\nkafka:\n  brokers: k:9093\n  properties:\n"
                     << props << "files:\n  - /var/log/auth.log\n";
    auto c = load_agent_config(p);
    return c ? std::string("accepted") : c.error();
  };
  EXPECT_NE(err("    ssl.key.location: /nonexistent/agent.key\n")
                .find(":6:23: kafka property "
                      "'ssl.key.location': file "
                      "/nonexistent/agent.key "
                      "does not exist"),
            std::string::npos);
  std::ofstream(dir_ / "c.pem") << "x";
  // A private key other users can read is refused like any secret file; 0640 is fine.
  write_secret("k.key", "key", 0644);
  const std::string key = "    ssl.key.location: " + (dir_ / "k.key").string() + "\n";
  EXPECT_NE(err(key).find(":6:23: kafka property 'ssl.key.location': " + (dir_ / "k.key").string() +
                          ": mode 0644 lets other users read or change it"),
            std::string::npos)
      << err(key);
  ASSERT_EQ(::chmod((dir_ / "k.key").c_str(), 0640), 0);
  EXPECT_EQ(err(key), "accepted");
  EXPECT_NE(err("    security.protocol: ssl\n    ssl.certificate.location: " +
                (dir_ / "c.pem").string() + "\n")
                .find("needs both ssl.certificate.location and ssl.key.location"),
            std::string::npos);
  EXPECT_NE(err("    security.protocol: sasl_ssl\n").find("needs sasl.mechanisms"),
            std::string::npos);
  EXPECT_EQ(err("    security.protocol: sasl_ssl\n    sasl.mechanisms: SCRAM-SHA-256\n"
                "    sasl.username: u\n    sasl.password: p\n    compression.type: zstd\n"),
            "accepted");
}

}  // namespace
}  // namespace soc
