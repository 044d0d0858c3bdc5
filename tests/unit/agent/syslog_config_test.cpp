#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "agent/agent_config.h"

namespace soc {
namespace {

class SyslogConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("soc-syslog-config-" + std::to_string(::getpid()) + ".yaml"))
                .string();
  }
  void TearDown() override { std::filesystem::remove(path_); }

  Result<AgentConfig> load(const std::string& syslog_yaml) {
    std::ofstream(path_) << "org: T\nstate_dir: /tmp/x\nkafka:\n  brokers: [k1:9092]\n"
                         << syslog_yaml;
    return load_agent_config(path_);
  }

  // The error of loading `yaml`, which must fail.
  std::string error(const std::string& yaml) {
    auto c = load(yaml);
    EXPECT_FALSE(c) << yaml;
    return c ? std::string() : c.error();
  }

  std::string path_;
};

TEST_F(SyslogConfigTest, ListenersWithoutFiles) {
  auto c = load(
      "syslog:\n"
      "  - protocol: udp\n"
      "    listen: 0.0.0.0:514\n"
      "  - protocol: tcp\n"
      "    listen: \"[::]:1514\"\n"
      "    framing: octet-counting\n"
      "    max_connections: 10\n"
      "    max_connections_per_source: 3\n"
      "    idle_timeout: 5m\n"
      "    max_message_bytes: 8192\n"
      "  - protocol: tls\n"
      "    listen: 127.0.0.1:6514\n"
      "    tls: {cert: /etc/c.pem, key: /etc/k.pem, ca: /etc/ca.pem}\n"
      "    queue_bytes: 1048576\n");
  ASSERT_TRUE(c) << c.error();
  EXPECT_TRUE(c->files.empty());
  ASSERT_EQ(c->syslog.size(), 3u);
  EXPECT_EQ(c->syslog[0].protocol, SyslogProtocol::kUdp);
  EXPECT_EQ(c->syslog[0].address, "0.0.0.0");
  EXPECT_EQ(c->syslog[0].port, 514);
  EXPECT_EQ(c->syslog[0].max_message_bytes, 0u);  // the agent's max_line_bytes
  EXPECT_EQ(c->syslog[1].address, "::");
  EXPECT_EQ(c->syslog[1].port, 1514);
  EXPECT_EQ(c->syslog[1].framing, SyslogFraming::kOctetCounting);
  EXPECT_EQ(c->syslog[1].max_connections, 10u);
  EXPECT_EQ(c->syslog[1].max_connections_per_source, 3u);
  EXPECT_EQ(c->syslog[1].idle_timeout, std::chrono::minutes(5));
  EXPECT_EQ(c->syslog[2].max_connections_per_source, 8u);  // defaults
  EXPECT_EQ(c->syslog[2].idle_timeout, std::chrono::seconds(60));
  EXPECT_EQ(c->syslog[2].handshake_timeout, std::chrono::seconds(10));
  EXPECT_EQ(c->syslog[1].max_message_bytes, 8192u);
  EXPECT_EQ(listen_text(c->syslog[1].address, c->syslog[1].port), "[::]:1514");
  EXPECT_EQ(c->syslog[2].protocol, SyslogProtocol::kTls);
  EXPECT_EQ(c->syslog[2].tls.cert, "/etc/c.pem");
  EXPECT_EQ(c->syslog[2].tls.key, "/etc/k.pem");
  EXPECT_EQ(c->syslog[2].tls.ca, "/etc/ca.pem");
  EXPECT_EQ(c->syslog[2].queue_bytes, 1048576u);
}

TEST_F(SyslogConfigTest, ErrorsNameTheLine) {
  const std::string head = "syslog:\n  - protocol: tcp\n";
  // 4 header lines, then `syslog:` on line 5: the first listener's lines are 6, 7, 8.
  EXPECT_NE(error("syslog:\n  - protocol: smtp\n    listen: 1.2.3.4:5\n")
                .find(path_ + ":6:15: 'protocol' must be udp, tcp or tls"),
            std::string::npos);
  EXPECT_NE(error(head + "    listen: 0.0.0.0\n").find(":7:13: 'listen' must be"),
            std::string::npos);
  EXPECT_NE(error(head + "    listen: 0.0.0.0:99999\n").find("1 .. 65535"), std::string::npos);
  EXPECT_NE(error(head + "    listen: \"::1:514\"\n").find("put IPv6 in []"), std::string::npos);
  EXPECT_NE(error(head + "    listen: \"[::1]514\"\n").find("no ']:'"), std::string::npos);
  EXPECT_NE(error(head + "    listen: host.example:514\n").find("not an IPv4 address"),
            std::string::npos);
  EXPECT_NE(error(head + "    listen: 0.0.0.0:514\n    framing: lines\n").find(":8:14: 'framing'"),
            std::string::npos);
  EXPECT_NE(error("syslog:\n  - protocol: udp\n    listen: 0.0.0.0:514\n    framing: auto\n")
                .find("tcp and tls only"),
            std::string::npos);
  EXPECT_NE(error("syslog:\n  - protocol: tls\n    listen: 0.0.0.0:6514\n").find("needs 'tls:"),
            std::string::npos);
  EXPECT_NE(error("syslog:\n  - protocol: tls\n    listen: 0.0.0.0:6514\n    tls: {cert: /c}\n")
                .find("needs 'key'"),
            std::string::npos);
  EXPECT_NE(error(head + "    listen: 0.0.0.0:514\n    tls: {cert: /c, key: /k}\n")
                .find("protocol tls only"),
            std::string::npos);
  EXPECT_NE(error(head + "    listen: 0.0.0.0:514\n    max_message_bytes: 10\n").find("256 .."),
            std::string::npos);
  EXPECT_NE(error(head + "    listen: 0.0.0.0:514\n    colour: blue\n").find("colour"),
            std::string::npos);
  EXPECT_NE(error(head + "    listen: 0.0.0.0:514\n    idle_timeout: 0s\n").find("1s .. 1d"),
            std::string::npos);
  EXPECT_NE(error("syslog:\n  - protocol: udp\n    listen: 0.0.0.0:514\n    idle_timeout: 9s\n")
                .find("tcp and tls only"),
            std::string::npos);
  EXPECT_NE(error("syslog: []\n").find("non-empty list"), std::string::npos);
  // An explicitly empty list is still an error (no input at all reads the journal: issue 21).
  EXPECT_NE(error("files: []\n").find("'files'"), std::string::npos);
}

}  // namespace
}  // namespace soc
