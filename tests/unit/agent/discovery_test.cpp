// soc-agent --discover on prepared trees (a fresh Debian 12 host, an rsyslog host, a host without
// journal), and the journal default of a configuration that names no input.
#include "agent/discovery.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "agent/agent_config.h"

namespace soc {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string journal_remote_binary() {
  for (const char* p :
       {"/lib/systemd/systemd-journal-remote", "/usr/lib/systemd/systemd-journal-remote"}) {
    if (::access(p, X_OK) == 0) return p;
  }
  return {};
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

class DiscoveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("soc-discovery-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
    options_.root = root_.string();
  }
  void TearDown() override { fs::remove_all(root_); }

  // A log file under the tree, last written AGE ago.
  void log(const std::string& host_path, const std::string& text = "a line\n",
           std::chrono::hours age = 1h) {
    const fs::path p = root_ / fs::path(host_path).relative_path();
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    fs::last_write_time(p, fs::file_time_type::clock::now() - age);
  }

  // A real journal file, as journald leaves it: /var/log/journal/MACHINE-ID/system.journal.
  void journal() {
    const std::string remote = journal_remote_binary();
    if (remote.empty()) GTEST_SKIP() << "systemd-journal-remote is not installed";
    const fs::path dir = root_ / "var/log/journal/0123456789abcdef0123456789abcdef";
    fs::create_directories(dir);
    const std::string cmd =
        remote + " -o '" + (dir / "system.journal").string() + "' - 2>/dev/null";
    FILE* pipe = ::popen(cmd.c_str(), "w");
    ASSERT_NE(pipe, nullptr);
    const std::string entry =
        "__REALTIME_TIMESTAMP=1700000000000000\n__MONOTONIC_TIMESTAMP=1000000\n"
        "_BOOT_ID=0123456789abcdef0123456789abcdef\nSYSLOG_IDENTIFIER=sshd\n"
        "MESSAGE=Server listening on 0.0.0.0 port 22.\n\n";
    std::fwrite(entry.data(), 1, entry.size(), pipe);
    ASSERT_EQ(::pclose(pipe), 0) << cmd;
  }

  // The discovered files as "PATH" (shipped) or "PATH: REASON" (commented out).
  static std::vector<std::string> files(const Discovery& d) {
    std::vector<std::string> out;
    for (const auto& f : d.files) out.push_back(f.skip.empty() ? f.path : f.path + ": " + f.skip);
    return out;
  }

  // The proposal written with write_checked_config, loaded back by the agent's loader.
  AgentConfig written(const Discovery& d) {
    const std::string path = (root_ / "agent.yaml").string();
    fs::remove(path);
    const auto st = write_checked_config(path, render_discovered_config(d, options_));
    EXPECT_TRUE(st) << st.error();
    struct stat sb {};
    EXPECT_EQ(::stat(path.c_str(), &sb), 0);
    EXPECT_EQ(sb.st_mode & 0077 & ~0040, 0u) << "the config may hold secrets: no access for others";
    auto cfg = load_agent_config(path);
    EXPECT_TRUE(cfg) << cfg.error();
    return cfg ? *cfg : AgentConfig{};
  }

  fs::path root_;
  DiscoveryOptions options_;
};

// Debian 12 as installed: the journal, no rsyslog; nginx and auditd installed.
TEST_F(DiscoveryTest, FreshDebianReadsTheJournalAndTheLiveFiles) {
  journal();
  log("/var/log/nginx/access.log");
  log("/var/log/nginx/access.log.1");  // rotated: followed through access.log
  log("/var/log/nginx/shop_access.log", "old\n", 24h * 30);
  log("/var/log/nginx/error.log", "");
  log("/var/log/audit/audit.log", "type=DAEMON_START msg=audit(1700000000.000:1): op=start\n");
  log("/var/log/dpkg.log");  // not a candidate
  const Discovery d = discover_inputs(options_);

  EXPECT_EQ(d.journal_dir, "/var/log/journal");
  EXPECT_EQ(files(d),
            (std::vector<std::string>{"/var/log/audit/audit.log", "/var/log/nginx/access.log",
                                      "/var/log/nginx/shop_access.log: not written for "
                                      "30 days",
                                      "/var/log/nginx/error.log: empty"}));
  ASSERT_TRUE(d.journald);
  EXPECT_TRUE(contains(d.journald->units, "ssh.service"));
  EXPECT_TRUE(contains(d.journald->identifiers, "sshd"));
  EXPECT_TRUE(contains(d.journald->identifiers, "sudo"));
  EXPECT_TRUE(contains(d.journald->identifiers, "su"));
  EXPECT_TRUE(contains(d.journald->identifiers, "CRON"));
  // audit.log is shipped: the journal's audit entries would be the same records again.
  EXPECT_FALSE(contains(d.journald->identifiers, "audit"));
  EXPECT_FALSE(contains(d.journald->units, "auditd.service"));

  const AgentConfig cfg = written(d);
  ASSERT_EQ(cfg.files.size(), 2u);
  EXPECT_EQ(cfg.files[0].path, "/var/log/audit/audit.log");
  EXPECT_EQ(cfg.files[1].path, "/var/log/nginx/access.log");
  ASSERT_TRUE(cfg.journald);
  EXPECT_FALSE(cfg.journald_default);
  EXPECT_EQ(cfg.journald->units, d.journald->units);
  EXPECT_EQ(cfg.journald->identifiers, d.journald->identifiers);
  EXPECT_EQ(cfg.journald->directory, "");  // the host's own journal, not the tree's
}

// rsyslog installed: auth.log holds sshd, sudo and su; the journal gives only what no file has.
TEST_F(DiscoveryTest, AuthLogAndJournalShipEachLineOnce) {
  journal();
  log("/var/log/auth.log");
  log("/var/log/syslog");
  log("/var/log/kern.log");
  log("/var/log/apache2/access.log");
  log("/var/log/apache2/error.log");
  log("/var/log/mysql/error.log");
  const Discovery d = discover_inputs(options_);

  const std::string dup =
      ": the journal holds the same messages; the security-relevant ones are shipped by the "
      "inputs of this file";
  EXPECT_EQ(files(d),
            (std::vector<std::string>{"/var/log/auth.log", "/var/log/apache2/access.log",
                                      "/var/log/apache2/error.log", "/var/log/mysql/error.log",
                                      "/var/log/syslog" + dup, "/var/log/kern.log" + dup}));
  ASSERT_TRUE(d.journald);
  EXPECT_FALSE(contains(d.journald->identifiers, "sshd"));
  EXPECT_FALSE(contains(d.journald->identifiers, "sudo"));
  EXPECT_FALSE(contains(d.journald->units, "ssh.service"));
  EXPECT_TRUE(contains(d.journald->identifiers, "CRON"));
  EXPECT_TRUE(contains(d.journald->identifiers, "auditd"));
  ASSERT_FALSE(d.notes.empty());
  EXPECT_NE(d.notes.back().find("not from the journal, so that each line is shipped once"),
            std::string::npos)
      << d.notes.back();
  const AgentConfig cfg = written(d);
  EXPECT_EQ(cfg.files.size(), 4u);
  ASSERT_TRUE(cfg.journald);
}

// An older host without a journal: the syslog files are the only source.
TEST_F(DiscoveryTest, WithoutJournalTheSyslogFilesAreShipped) {
  log("/var/log/secure");
  log("/var/log/messages");
  log("/var/log/cron");
  log("/var/log/httpd/access_log");
  log("/var/log/httpd/ssl_error_log");
  log("/var/log/maillog");
  log("/var/log/vsftpd.log");
  log("/var/log/named/queries.log");
  log("/var/log/postgresql/postgresql-15-main.log");
  log("/var/log/ufw.log");
  log("/var/log/fail2ban.log");
  const Discovery d = discover_inputs(options_);
  EXPECT_EQ(d.journal_dir, "");
  EXPECT_FALSE(d.journald);
  EXPECT_EQ(files(d),
            (std::vector<std::string>{
                "/var/log/secure", "/var/log/cron", "/var/log/httpd/access_log",
                "/var/log/httpd/ssl_error_log", "/var/log/ufw.log", "/var/log/fail2ban.log",
                "/var/log/maillog", "/var/log/vsftpd.log", "/var/log/named/queries.log",
                "/var/log/postgresql/postgresql-15-main.log", "/var/log/messages"}));
  EXPECT_EQ(written(d).files.size(), 11u);
}

// Nothing at all: the proposal has no input, and the agent's default (the journal) applies.
TEST_F(DiscoveryTest, EmptyHostFallsBackToTheJournalDefault) {
  log("/var/log/auth.log", "old\n", 24h * 10);  // only a stale file: commented out, no `files:`
  const Discovery d = discover_inputs(options_);
  EXPECT_EQ(files(d), std::vector<std::string>{"/var/log/auth.log: not written for 10 days"});
  const std::string text = render_discovered_config(d, options_);
  EXPECT_NE(text.find("# files:"), std::string::npos) << text;
  EXPECT_NE(text.find("No journal and no auth log found"), std::string::npos) << text;
  const AgentConfig cfg = written(d);
  EXPECT_TRUE(cfg.files.empty());
  EXPECT_TRUE(cfg.journald_default);
}

// File names are whatever is on disk: quoted, never breaking the YAML or a comment line.
TEST_F(DiscoveryTest, OddFileNamesAreQuoted) {
  log("/var/log/nginx/a \"b\" #c: d\\access.log");
  log("/var/log/nginx/x\nerror.log", "", 1h);
  options_.org = "STTTT";
  options_.brokers = "k1.example:9093,k2.example:9093";
  const Discovery d = discover_inputs(options_);
  const AgentConfig cfg = written(d);
  ASSERT_EQ(cfg.files.size(), 1u);
  EXPECT_EQ(cfg.files[0].path, "/var/log/nginx/a \"b\" #c: d\\access.log");
  EXPECT_EQ(cfg.org, "STTTT");
  EXPECT_EQ(cfg.kafka.brokers, "k1.example:9093,k2.example:9093");
}

TEST_F(DiscoveryTest, WriteRefusesAnExistingFile) {
  const std::string path = (root_ / "agent.yaml").string();
  std::ofstream(path) << "org: MINE\n";
  const Discovery d = discover_inputs(options_);
  const auto st = write_checked_config(path, render_discovered_config(d, options_));
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().find("exists"), std::string::npos);
  std::ifstream in(path);
  std::string first;
  std::getline(in, first);
  EXPECT_EQ(first, "org: MINE");
}

TEST_F(DiscoveryTest, WriteRefusesAProposalThatFailsTheCheck) {
  const std::string path = (root_ / "agent.yaml").string();
  const auto st = write_checked_config(path, "org: X\n");  // no state_dir, no kafka
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().find("does not pass the check"), std::string::npos) << st.error();
  EXPECT_FALSE(fs::exists(path));
  EXPECT_EQ(std::distance(fs::directory_iterator(root_), fs::directory_iterator()), 0);
}

// The journal default of load_agent_config.
class JournalDefaultTest : public DiscoveryTest {
 protected:
  Result<AgentConfig> load(const std::string& inputs) {
    const std::string path = (root_ / "agent.yaml").string();
    std::ofstream(path) << "org: T\nstate_dir: /tmp/x\nkafka: {brokers: [k:9092]}\n" << inputs;
    return load_agent_config(path);
  }
};

TEST_F(JournalDefaultTest, NoInputReadsTheSecurityJournal) {
  ::unsetenv("SOC_AGENT_JOURNAL_DIRECTORY");
  auto cfg = load("");
  ASSERT_TRUE(cfg) << cfg.error();
  EXPECT_TRUE(cfg->journald_default);
  ASSERT_TRUE(cfg->journald);
  EXPECT_EQ(cfg->journald->directory, "");
  EXPECT_EQ(cfg->journald->start, JournaldStart::kEnd);
  for (const char* u : {"ssh.service", "sshd.service", "cron.service", "crond.service",
                        "systemd-logind.service", "auditd.service"}) {
    EXPECT_TRUE(contains(cfg->journald->units, u)) << u;
  }
  for (const char* i : {"sshd", "sudo", "su", "systemd-logind", "CRON", "cron", "useradd",
                        "userdel", "usermod", "groupadd", "groupdel", "groupmod", "passwd",
                        "chpasswd", "chage", "gpasswd", "auditd", "login"}) {
    EXPECT_TRUE(contains(cfg->journald->identifiers, i)) << i;
  }
}

TEST_F(JournalDefaultTest, AnyConfiguredInputTurnsTheDefaultOff) {
  for (const char* inputs :
       {"files: [/var/log/auth.log]\n", "journald: {identifiers: [app]}\n",
        // A syslog relay stays a relay: it does not start reading the host's journal.
        "syslog: [{protocol: udp, listen: \"127.0.0.1:5514\"}]\n"}) {
    auto cfg = load(inputs);
    ASSERT_TRUE(cfg) << inputs << cfg.error();
    EXPECT_FALSE(cfg->journald_default) << inputs;
    if (cfg->journald) {
      EXPECT_EQ(cfg->journald->identifiers, std::vector<std::string>{"app"});
    }
  }
  EXPECT_FALSE(load("files: []\n")) << "an explicitly empty list stays an error";
}

TEST_F(JournalDefaultTest, EnvironmentNamesTheDefaultJournalDirectory) {
  ::setenv("SOC_AGENT_JOURNAL_DIRECTORY", "/srv/journal", 1);
  auto cfg = load("");
  auto with_files = load("files: [/var/log/auth.log]\n");
  ::setenv("SOC_AGENT_JOURNAL_DIRECTORY", "relative", 1);
  auto relative = load("");
  ::unsetenv("SOC_AGENT_JOURNAL_DIRECTORY");
  ASSERT_TRUE(cfg) << cfg.error();
  EXPECT_EQ(cfg->journald->directory, "/srv/journal");
  ASSERT_TRUE(with_files);
  EXPECT_FALSE(with_files->journald);
  ASSERT_FALSE(relative);
  EXPECT_NE(relative.error().find("must be an absolute path"), std::string::npos);
}

}  // namespace
}  // namespace soc
