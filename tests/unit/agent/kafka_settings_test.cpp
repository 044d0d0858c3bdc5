#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "agent/agent_config.h"
#include "common/kafka.h"
#include "common/yaml_file.h"

namespace soc {
namespace {

namespace fs = std::filesystem;

// A temporary directory holding a config file (and secret files next to it).
class KafkaSettingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/soc-kafka-settings.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    config_ = dir_ + "/agent.yaml";
  }
  void TearDown() override {
    fs::remove_all(dir_);
    ::unsetenv("SOC_TEST_KAFKA_SECRET");
  }

  // Owner-only by default, as a secret file must be; exactly `mode`, whatever the umask.
  void write(const std::string& path, const std::string& text, mode_t mode = 0600) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    ASSERT_GE(fd, 0) << path;
    ASSERT_EQ(::fchmod(fd, mode), 0);
    ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
    ::close(fd);
  }

  // Parses `yaml` (the `kafka:` mapping) as if it were read from config_.
  KafkaSettings parse(const std::string& yaml) {
    return parse_kafka_settings(config_, YAML::Load(yaml));
  }

  // The YamlError message parsing `yaml` gives (fails the test when it parses).
  std::string error_of(const std::string& yaml) {
    try {
      parse(yaml);
    } catch (const YamlError& e) {
      return e.what();
    }
    ADD_FAILURE() << "parsed without error: " << yaml;
    return "";
  }

  std::string dir_;
  std::string config_;
};

TEST_F(KafkaSettingsTest, PlainValuesPassThrough) {
  const auto s = parse(
      "brokers: [k1:9093, k2:9093]\n"
      "properties:\n"
      "  security.protocol: sasl_ssl\n"
      "  sasl.mechanisms: SCRAM-SHA-512\n"
      "  sasl.username: agent-web01\n");
  EXPECT_EQ(s.brokers, "k1:9093,k2:9093");
  EXPECT_EQ(s.properties.at("security.protocol"), "sasl_ssl");
  EXPECT_EQ(s.properties.at("sasl.mechanisms"), "SCRAM-SHA-512");
  EXPECT_EQ(s.properties.at("sasl.username"), "agent-web01");
}

TEST_F(KafkaSettingsTest, ReadsSecretFileWithoutTrailingNewline) {
  write(dir_ + "/kafka.secret", "s3cr3t with spaces\n");
  write(dir_ + "/crlf.secret", "other\r\n");
  const auto s = parse("brokers: k1:9093\nproperties:\n  sasl.password: {file: " + dir_ +
                       "/kafka.secret}\n  ssl.key.password: {file: " + dir_ + "/crlf.secret}\n");
  EXPECT_EQ(s.properties.at("sasl.password"), "s3cr3t with spaces");
  EXPECT_EQ(s.properties.at("ssl.key.password"), "other");
}

TEST_F(KafkaSettingsTest, KeepsInnerNewlinesOfPemSecrets) {
  const std::string pem = "-----BEGIN PRIVATE KEY-----\nAAAA\nBBBB\n-----END PRIVATE KEY-----";
  write(dir_ + "/agent.key", pem + "\n");
  const auto s =
      parse("brokers: k1:9093\nproperties:\n  ssl.key.pem: {file: " + dir_ + "/agent.key}\n");
  EXPECT_EQ(s.properties.at("ssl.key.pem"), pem);
}

TEST_F(KafkaSettingsTest, RelativeSecretFileIsTakenFromTheConfigDirectory) {
  fs::create_directories(dir_ + "/secrets");
  write(dir_ + "/secrets/kafka", "relpass\n");
  const auto s = parse("brokers: k1:9093\nproperties:\n  sasl.password: {file: secrets/kafka}\n");
  EXPECT_EQ(s.properties.at("sasl.password"), "relpass");
}

TEST_F(KafkaSettingsTest, MissingSecretFileNamesFileAndLine) {
  const std::string err = error_of(
      "brokers: k1:9093\n"
      "properties:\n"
      "  sasl.username: u\n"
      "  sasl.password: {file: /nonexistent/kafka.secret}\n");
  EXPECT_NE(err.find(config_ + ":4:"), std::string::npos) << err;
  EXPECT_NE(err.find("kafka property 'sasl.password'"), std::string::npos) << err;
  EXPECT_NE(err.find("/nonexistent/kafka.secret: cannot open: No such file"), std::string::npos)
      << err;
}

TEST_F(KafkaSettingsTest, EmptySecretFileIsAnError) {
  write(dir_ + "/empty.secret", "\n");
  const std::string err =
      error_of("brokers: k1:9093\nproperties:\n  sasl.password: {file: empty.secret}\n");
  EXPECT_NE(err.find(config_ + ":3:"), std::string::npos) << err;
  EXPECT_NE(err.find(dir_ + "/empty.secret is empty"), std::string::npos) << err;
}

TEST_F(KafkaSettingsTest, SecretFileThatIsADirectoryIsAnError) {
  const std::string err =
      error_of("brokers: k1:9093\nproperties:\n  sasl.password: {file: " + dir_ + "}\n");
  EXPECT_NE(err.find(dir_ + ": is a directory"), std::string::npos) << err;
}

TEST_F(KafkaSettingsTest, ReadsSecretFromEnvironment) {
  ::setenv("SOC_TEST_KAFKA_SECRET", "from-env", 1);
  const auto s =
      parse("brokers: k1:9093\nproperties:\n  sasl.password: {env: SOC_TEST_KAFKA_SECRET}\n");
  EXPECT_EQ(s.properties.at("sasl.password"), "from-env");
}

TEST_F(KafkaSettingsTest, UnsetOrEmptyVariableNamesVariableAndLine) {
  ::unsetenv("SOC_TEST_KAFKA_SECRET");
  const std::string yaml =
      "brokers: k1:9093\nproperties:\n  sasl.password: {env: SOC_TEST_KAFKA_SECRET}\n";
  std::string err = error_of(yaml);
  EXPECT_NE(err.find(config_ + ":3:"), std::string::npos) << err;
  EXPECT_NE(err.find("environment variable SOC_TEST_KAFKA_SECRET is not set"), std::string::npos)
      << err;
  ::setenv("SOC_TEST_KAFKA_SECRET", "", 1);
  err = error_of(yaml);
  EXPECT_NE(err.find("environment variable SOC_TEST_KAFKA_SECRET is empty"), std::string::npos)
      << err;
}

TEST_F(KafkaSettingsTest, RejectsMalformedSecretMappings) {
  EXPECT_NE(error_of("brokers: k\nproperties:\n  sasl.password: {path: /x}\n")
                .find("unknown key 'path' (expected one of: file, env)"),
            std::string::npos);
  EXPECT_NE(error_of("brokers: k\nproperties:\n  sasl.password: {file: /x, env: Y}\n")
                .find("must be a string, {file: PATH} or {env: VARIABLE}"),
            std::string::npos);
  EXPECT_NE(error_of("brokers: k\nproperties:\n  sasl.password: [a, b]\n")
                .find("must be a string, {file: PATH} or {env: VARIABLE}"),
            std::string::npos);
}

TEST_F(KafkaSettingsTest, UnknownPropertyFailsAtParseTimeWithLine) {
  const std::string err =
      error_of("brokers: k1:9093\nproperties:\n  compression.type: lz4\n  sasl.pasword: x\n");
  EXPECT_NE(err.find(config_ + ":4:"), std::string::npos) << err;
  EXPECT_NE(err.find("kafka property 'sasl.pasword'"), std::string::npos) << err;
}

TEST_F(KafkaSettingsTest, InvalidValueErrorNeverShowsTheSecret) {
  // A secret put under the wrong property: librdkafka quotes the value in its error.
  write(dir_ + "/wrong.secret", "Hunter2-very-secret\n");
  std::string err =
      error_of("brokers: k1:9093\nproperties:\n  security.protocol: {file: wrong.secret}\n");
  EXPECT_NE(err.find(config_ + ":3:"), std::string::npos) << err;
  EXPECT_NE(err.find("kafka property 'security.protocol'"), std::string::npos) << err;
  EXPECT_EQ(err.find("Hunter2"), std::string::npos) << err;
  EXPECT_NE(err.find("***"), std::string::npos) << err;
  // Short values too, where librdkafka quotes them.
  err = error_of("brokers: k1:9093\nproperties:\n  security.protocol: abc\n");
  EXPECT_EQ(err.find("\"abc\""), std::string::npos) << err;
}

TEST_F(KafkaSettingsTest, MakeKafkaConfMasksValues) {
  auto conf = make_kafka_conf({{"security.protocol", "Hunter2-very-secret"}});
  ASSERT_FALSE(conf);
  EXPECT_NE(conf.error().find("security.protocol"), std::string::npos) << conf.error();
  EXPECT_EQ(conf.error().find("Hunter2"), std::string::npos) << conf.error();
  EXPECT_TRUE(make_kafka_conf({{"sasl.password", "Hunter2-very-secret"}}));
}

// A secret file that other users may read, or the group may change, is refused with a message
// naming the file and its mode, never the content. Group read is fine (root:soc-agent 0640).
TEST_F(KafkaSettingsTest, SecretFileOpenToOthersIsRefused) {
  const std::string yaml = "brokers: k1:9093\nproperties:\n  sasl.password: {file: kafka.secret}\n";
  for (const mode_t bad : {0644, 0604, 0602, 0620, 0666}) {
    write(dir_ + "/kafka.secret", "Hunter2-very-secret\n", bad);
    const std::string err = error_of(yaml);
    EXPECT_NE(err.find(dir_ + "/kafka.secret: mode 0" + std::to_string(bad / 64) +
                       std::to_string(bad / 8 % 8) + std::to_string(bad % 8) +
                       " lets other users read or change it"),
              std::string::npos)
        << err;
    EXPECT_EQ(err.find("Hunter2"), std::string::npos) << err;
  }
  write(dir_ + "/kafka.secret", "Hunter2-very-secret\n", 0640);
  EXPECT_EQ(parse(yaml).properties.at("sasl.password"), "Hunter2-very-secret");
}

// The whole agent configuration goes through the same parser.
TEST_F(KafkaSettingsTest, AgentConfigResolvesSecrets) {
  write(dir_ + "/kafka.secret", "agent-pass\n");
  write(config_, "org: X\nstate_dir: " + dir_ +
                     "/state\n"
                     "kafka:\n"
                     "  brokers: k1:9093\n"
                     "  properties:\n"
                     "    sasl.password: {file: kafka.secret}\n"
                     "files: [/var/log/auth.log]\n");
  auto cfg = load_agent_config(config_);
  ASSERT_TRUE(cfg) << cfg.error();
  EXPECT_EQ(cfg->kafka.properties.at("sasl.password"), "agent-pass");

  write(config_,
        "org: X\nstate_dir: /tmp\n"
        "kafka:\n"
        "  brokers: k1:9093\n"
        "  properties:\n"
        "    sasl.password: {file: missing.secret}\n"
        "files: [/var/log/auth.log]\n");
  cfg = load_agent_config(config_);
  ASSERT_FALSE(cfg);
  EXPECT_NE(cfg.error().find(config_ + ":6:"), std::string::npos) << cfg.error();
  EXPECT_NE(cfg.error().find(dir_ + "/missing.secret"), std::string::npos) << cfg.error();
}

}  // namespace
}  // namespace soc
