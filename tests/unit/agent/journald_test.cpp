// The journald input against real journal files, written by systemd-journal-remote from journal
// export format (no running journald needed).
#include "agent/inputs/journald.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "agent/agent_config.h"
#include "agent/checkpoint.h"

namespace soc {
namespace {

namespace fs = std::filesystem;
using FieldList = std::vector<std::pair<std::string, std::string>>;

std::string journal_remote_binary() {
  for (const char* p :
       {"/lib/systemd/systemd-journal-remote", "/usr/lib/systemd/systemd-journal-remote"}) {
    if (::access(p, X_OK) == 0) return p;
  }
  return {};
}

struct Entry {
  std::string message;
  FieldList fields;  // besides MESSAGE and the timestamps
};

// One emitted line, copied out of the input's buffers.
struct Got {
  std::string text;
  bool truncated = false;
  std::string src;
  FieldList fields;
  std::string field(const std::string& name) const {
    for (const auto& [k, v] : fields) {
      if (k == name) return v;
    }
    return "<absent>";
  }
};

class JournaldTest : public ::testing::Test {
 protected:
  void SetUp() override {
    remote_ = journal_remote_binary();
    if (remote_.empty()) GTEST_SKIP() << "systemd-journal-remote is not installed";
    dir_ = fs::temp_directory_path() /
           ("soc-journald-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "journal");
    fs::create_directories(dir_ / "state");
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  std::string journal_dir() const { return (dir_ / "journal").string(); }

  // Appends entries to DIR/journal/NAME.journal (created when missing). Timestamps grow by one
  // second per entry across all files, so the reader orders them as written.
  void write(const std::vector<Entry>& entries, const std::string& name = "a") {
    std::string text;
    for (const auto& e : entries) {
      ++clock_;
      text += "__REALTIME_TIMESTAMP=" + std::to_string(kBase + clock_ * 1000000) + "\n";
      text += "__MONOTONIC_TIMESTAMP=" + std::to_string(clock_ * 1000000) + "\n";
      text += "_BOOT_ID=0123456789abcdef0123456789abcdef\n";
      for (const auto& [k, v] : e.fields) text += k + "=" + v + "\n";
      if (e.message.find('\n') == std::string::npos) {
        text += "MESSAGE=" + e.message + "\n";
      } else {
        // Export format's binary form: name, newline, little-endian 64-bit size, bytes, newline.
        text += "MESSAGE\n";
        uint64_t n = e.message.size();
        for (int i = 0; i < 8; ++i, n >>= 8) text += static_cast<char>(n & 0xFF);
        text += e.message + "\n";
      }
      text += "\n";
    }
    const std::string out = (dir_ / "journal" / (name + ".journal")).string();
    const std::string cmd = remote_ + " -o '" + out + "' - 2>/dev/null";
    FILE* pipe = ::popen(cmd.c_str(), "w");
    ASSERT_NE(pipe, nullptr);
    ASSERT_EQ(std::fwrite(text.data(), 1, text.size(), pipe), text.size());
    ASSERT_EQ(::pclose(pipe), 0) << cmd;
  }

  static Entry sshd(const std::string& message, const std::string& pid = "812") {
    return Entry{message,
                 {{"_HOSTNAME", "web01"},
                  {"SYSLOG_IDENTIFIER", "sshd"},
                  {"_PID", pid},
                  {"_UID", "0"},
                  {"_COMM", "sshd"},
                  {"_EXE", "/usr/sbin/sshd"},
                  {"_SYSTEMD_UNIT", "ssh.service"},
                  {"PRIORITY", "6"},
                  {"_CMDLINE", "sshd: root [priv]"},  // not a field we keep
                  {"CODE_FILE", "auth.c"}}};
  }
  static Entry tagged(const std::string& message, const std::string& ident, const std::string& unit,
                      int priority) {
    return Entry{message,
                 {{"SYSLOG_IDENTIFIER", ident},
                  {"_SYSTEMD_UNIT", unit},
                  {"PRIORITY", std::to_string(priority)}}};
  }

  JournaldConfig config(JournaldStart start = JournaldStart::kBeginning) const {
    JournaldConfig c;
    c.directory = journal_dir();
    c.start = start;
    return c;
  }

  CheckpointStore checkpoints() const {
    auto cps = CheckpointStore::open((dir_ / "state").string());
    EXPECT_TRUE(cps.ok()) << cps.error();
    return std::move(cps).value();
  }

  static std::vector<Got> poll(JournaldInput& in, size_t max_lines = 100000) {
    std::vector<Got> out;
    in.poll(max_lines, [&](const InputLine& l) {
      out.push_back(Got{std::string(l.text), l.truncated, std::string(l.src),
                        l.fields != nullptr ? *l.fields : FieldList{}});
    });
    return out;
  }
  static std::vector<std::string> texts(const std::vector<Got>& got) {
    std::vector<std::string> out;
    for (const auto& g : got) out.push_back(g.text);
    return out;
  }
  static void ack(JournaldInput& in, size_t n) {
    for (size_t i = 0; i < n; ++i) in.acknowledge_oldest();
  }

  static constexpr uint64_t kBase = 1790000000000000;  // 2026-09-21, in microseconds
  fs::path dir_;
  std::string remote_;
  uint64_t clock_ = 0;
};

TEST_F(JournaldTest, EntriesBecomeLinesWithTheirTrustedFields) {
  write({sshd("Failed password for root from 203.0.113.45 port 40001 ssh2"),
         sshd("Accepted publickey for deploy from 10.0.0.5 port 40002 ssh2", "813")});
  JournaldInput in(config(), 64 * 1024);
  ASSERT_TRUE(in.start(checkpoints()).ok());
  const auto got = poll(in);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].text, "Failed password for root from 203.0.113.45 port 40001 ssh2");
  EXPECT_FALSE(got[0].truncated);
  EXPECT_EQ(got[0].src, "journald:" + journal_dir());
  // Exactly the trusted fields, in a fixed order, the realtime timestamp last.
  const FieldList want = {{"_SYSTEMD_UNIT", "ssh.service"},
                          {"SYSLOG_IDENTIFIER", "sshd"},
                          {"_PID", "812"},
                          {"_UID", "0"},
                          {"_COMM", "sshd"},
                          {"_EXE", "/usr/sbin/sshd"},
                          {"_HOSTNAME", "web01"},
                          {"PRIORITY", "6"},
                          {"__REALTIME_TIMESTAMP", std::to_string(kBase + 1000000)}};
  EXPECT_EQ(got[0].fields, want);
  EXPECT_EQ(got[1].field("_PID"), "813");
  EXPECT_EQ(got[1].field("__REALTIME_TIMESTAMP"), std::to_string(kBase + 2000000));
  EXPECT_TRUE(poll(in).empty());
  const auto s = in.stats();
  EXPECT_EQ(s.name, "journald:" + journal_dir());
  EXPECT_EQ(s.counters.at("entries"), 2u);
  EXPECT_EQ(s.counters.at("bytes"), got[0].text.size() + got[1].text.size());
  EXPECT_EQ(s.counters.at("read_errors"), 0u);
}

TEST_F(JournaldTest, MultiLineAndBinaryMessagesKeepEveryByte) {
  const std::string multi = "Traceback (most recent call last):\n  File \"x.py\"\nValueError\n";
  const std::string binary = std::string("nul\0here\xff\xfe\n", 12);
  write({Entry{multi, {}}, Entry{binary, {}}, Entry{"", {{"SYSLOG_IDENTIFIER", "empty"}}}});
  JournaldInput in(config(), 64 * 1024);
  ASSERT_TRUE(in.start(checkpoints()).ok());
  const auto got = poll(in);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].text, multi);
  EXPECT_EQ(got[1].text, binary);
  EXPECT_EQ(got[1].text.size(), 12u);
  EXPECT_EQ(got[2].text, "");
  EXPECT_EQ(got[2].field("SYSLOG_IDENTIFIER"), "empty");
}

TEST_F(JournaldTest, OverlongMessageIsCutAndFlagged) {
  write({Entry{std::string(300, 'x'), {}}, Entry{std::string(256, 'y'), {}}});
  JournaldInput in(config(), 256);
  ASSERT_TRUE(in.start(checkpoints()).ok());
  const auto got = poll(in);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].text, std::string(256, 'x'));
  EXPECT_TRUE(got[0].truncated);
  EXPECT_EQ(got[1].text, std::string(256, 'y'));
  EXPECT_FALSE(got[1].truncated);
  EXPECT_EQ(in.stats().counters.at("truncated"), 1u);
  EXPECT_EQ(in.stats().counters.at("bytes"), 556u);
}

TEST_F(JournaldTest, RestartResumesAfterTheLastAcknowledgedEntry) {
  write({sshd("one"), sshd("two"), sshd("three"), sshd("four"), sshd("five")});
  auto cps = checkpoints();
  {
    JournaldInput in(config(), 64 * 1024);
    ASSERT_TRUE(in.start(cps).ok());
    EXPECT_EQ(poll(in).size(), 5u);
    ack(in, 3);  // four and five were shipped but never acknowledged
    in.save(cps);
  }
  ASSERT_TRUE(cps.get("journald:" + journal_dir()).has_value());
  ASSERT_TRUE(cps.save().ok());
  write({sshd("six")});

  auto reloaded = checkpoints();
  JournaldInput in(config(JournaldStart::kEnd), 64 * 1024);  // the cursor wins over `start`
  ASSERT_TRUE(in.start(reloaded).ok());
  EXPECT_EQ(texts(poll(in)), (std::vector<std::string>{"four", "five", "six"}));
  EXPECT_EQ(in.stats().counters.at("cursor_lost"), 0u);
}

TEST_F(JournaldTest, SavesOnlyWhatWasAcknowledgedInOrder) {
  write({sshd("one"), sshd("two")});
  auto cps = checkpoints();
  JournaldInput in(config(), 64 * 1024);
  ASSERT_TRUE(in.start(cps).ok());
  ASSERT_EQ(poll(in).size(), 2u);
  in.save(cps);
  EXPECT_FALSE(cps.get(in.key()).has_value()) << "nothing acknowledged yet";
  ack(in, 1);
  in.save(cps);
  const auto after_one = cps.get(in.key());
  ASSERT_TRUE(after_one.has_value());
  ack(in, 1);
  in.save(cps);
  EXPECT_NE(cps.get(in.key()), after_one);
  ack(in, 5);  // more acknowledgements than lines: ignored
  EXPECT_EQ(in.stats().counters.at("entries"), 2u);
}

TEST_F(JournaldTest, StartAtEndSkipsHistoryAndKeepsThatPositionAcrossARestart) {
  write({sshd("old one"), sshd("old two")});
  auto cps = checkpoints();
  {
    JournaldInput in(config(JournaldStart::kEnd), 64 * 1024);
    ASSERT_TRUE(in.start(cps).ok());
    EXPECT_TRUE(poll(in).empty());
    in.save(cps);  // the position at the end is kept though nothing was shipped
  }
  write({sshd("new")});
  JournaldInput in(config(JournaldStart::kEnd), 64 * 1024);
  ASSERT_TRUE(in.start(cps).ok());
  EXPECT_EQ(texts(poll(in)), (std::vector<std::string>{"new"}));
}

TEST_F(JournaldTest, StartAtEndOfAnEmptyJournalReadsWhatComesLater) {
  JournaldInput in(config(JournaldStart::kEnd), 64 * 1024);
  ASSERT_TRUE(in.start(checkpoints()).ok());
  EXPECT_TRUE(poll(in).empty());
  write({sshd("first")});
  EXPECT_EQ(texts(poll(in)), (std::vector<std::string>{"first"}));
  write({sshd("second")});
  EXPECT_EQ(texts(poll(in)), (std::vector<std::string>{"second"}));
}

TEST_F(JournaldTest, PollHonoursMaxLines) {
  write({sshd("1"), sshd("2"), sshd("3")});
  JournaldInput in(config(), 64 * 1024);
  ASSERT_TRUE(in.start(checkpoints()).ok());
  EXPECT_EQ(texts(poll(in, 2)), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(texts(poll(in, 2)), (std::vector<std::string>{"3"}));
}

TEST_F(JournaldTest, VacuumedCursorResumesAtTheOldestEntryAndCountsTheGap) {
  write({sshd("a1"), sshd("a2"), sshd("a3"), sshd("a4")}, "a");
  auto cps = checkpoints();
  {
    JournaldInput in(config(), 64 * 1024);
    ASSERT_TRUE(in.start(cps).ok());
    ASSERT_EQ(poll(in, 2).size(), 2u);
    ack(in, 2);
    in.save(cps);
  }
  // journald archives a.journal, starts b.journal, and later vacuums a.journal: a3 and a4 were
  // never read, and the saved cursor (a2) is gone.
  write({sshd("b1"), sshd("b2")}, "b");
  fs::remove(dir_ / "journal" / "a.journal");

  JournaldInput in(config(), 64 * 1024);
  ASSERT_TRUE(in.start(cps).ok());
  EXPECT_EQ(texts(poll(in)), (std::vector<std::string>{"b1", "b2"}));
  EXPECT_EQ(in.stats().counters.at("cursor_lost"), 1u);
}

TEST_F(JournaldTest, FollowsANewJournalFileWhileRunning) {
  write({sshd("a1")}, "a");
  JournaldInput in(config(), 64 * 1024);
  ASSERT_TRUE(in.start(checkpoints()).ok());
  EXPECT_EQ(texts(poll(in)), (std::vector<std::string>{"a1"}));
  // Rotation: journald archives the active file and starts another. Only sd_journal_process()
  // tells the reader about the new file.
  write({sshd("b1"), sshd("b2")}, "b");
  EXPECT_EQ(texts(poll(in)), (std::vector<std::string>{"b1", "b2"}));
  EXPECT_GE(in.stats().counters.at("rotations"), 1u);
  // The old file disappearing (vacuum) loses nothing that was read, and reading goes on.
  fs::remove(dir_ / "journal" / "a.journal");
  write({sshd("b3")}, "b");
  EXPECT_EQ(texts(poll(in)), (std::vector<std::string>{"b3"}));
}

TEST_F(JournaldTest, FiltersByUnitOrIdentifierAndByPriority) {
  write({tagged("ssh info", "sshd", "ssh.service", 6),
         tagged("ssh debug", "sshd", "ssh.service", 7),
         tagged("sudo notice", "sudo", "session-3.scope", 5),
         tagged("cron info", "CRON", "cron.service", 6),
         tagged("nginx err", "nginx", "nginx.service", 3)});
  auto c = config();
  c.units = {"ssh.service"};
  c.identifiers = {"sudo", "su"};
  c.max_priority = 6;
  JournaldInput in(c, 64 * 1024);
  ASSERT_TRUE(in.start(checkpoints()).ok());
  EXPECT_EQ(texts(poll(in)), (std::vector<std::string>{"ssh info", "sudo notice"}));

  auto only_priority = config();
  only_priority.max_priority = 3;
  JournaldInput severe(only_priority, 64 * 1024);
  ASSERT_TRUE(severe.start(checkpoints()).ok());
  EXPECT_EQ(texts(poll(severe)), (std::vector<std::string>{"nginx err"}));
}

TEST_F(JournaldTest, ResumingWithFiltersStillFindsTheCursor) {
  write({tagged("s1", "sshd", "ssh.service", 6), tagged("c1", "CRON", "cron.service", 6)});
  auto c = config();
  c.identifiers = {"sshd"};
  auto cps = checkpoints();
  {
    JournaldInput in(c, 64 * 1024);
    ASSERT_TRUE(in.start(cps).ok());
    ASSERT_EQ(texts(poll(in)), (std::vector<std::string>{"s1"}));
    ack(in, 1);
    in.save(cps);
  }
  write({tagged("c2", "CRON", "cron.service", 6), tagged("s2", "sshd", "ssh.service", 6)});
  // The filter now excludes the saved entry itself: still a found cursor, not a lost one.
  c.identifiers = {"CRON"};
  JournaldInput in(c, 64 * 1024);
  ASSERT_TRUE(in.start(cps).ok());
  EXPECT_EQ(texts(poll(in)), (std::vector<std::string>{"c1", "c2"}));
  EXPECT_EQ(in.stats().counters.at("cursor_lost"), 0u);
}

TEST_F(JournaldTest, MissingDirectoryAndMalformedCursorAreStartErrors) {
  auto c = config();
  c.directory = (dir_ / "nope").string();
  JournaldInput missing(c, 64 * 1024);
  const auto st = missing.start(checkpoints());
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().find("nope"), std::string::npos) << st.error();

  auto cps = checkpoints();
  cps.set("journald:" + journal_dir(), "not a cursor");
  JournaldInput bad(config(), 64 * 1024);
  const auto st2 = bad.start(cps);
  ASSERT_FALSE(st2.ok());
  EXPECT_NE(st2.error().find("malformed cursor"), std::string::npos) << st2.error();
}

// The `journald:` section of agent.yaml.
class JournaldConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (fs::temp_directory_path() /
             ("soc-journald-cfg-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".yaml"))
                .string();
  }
  void TearDown() override { fs::remove(path_); }

  Result<AgentConfig> load(const std::string& journald_and_more) {
    std::ofstream(path_) << "org: T\nstate_dir: /tmp/x\nkafka:\n  brokers: localhost:9092\n"
                         << journald_and_more;
    return load_agent_config(path_);
  }
  std::string path_;
};

TEST_F(JournaldConfigTest, JournaldAloneIsEnoughAndDefaultsAreSane) {
  auto c = load("journald:\n");
  ASSERT_TRUE(c.ok()) << c.error();
  ASSERT_TRUE(c->journald.has_value());
  EXPECT_TRUE(c->files.empty());
  EXPECT_TRUE(c->journald->directory.empty());
  EXPECT_EQ(c->journald->start, JournaldStart::kEnd);
  EXPECT_FALSE(c->journald->max_priority.has_value());
  EXPECT_FALSE(c->journald->user_journals);

  // No input at all: the security journal default (issue 21; agent_discovery_test.cpp).
  auto nothing = load("");
  ASSERT_TRUE(nothing.ok()) << nothing.error();
  EXPECT_TRUE(nothing->journald_default);
  EXPECT_FALSE(c->journald_default) << "an explicit `journald:` is not the default";
  auto none = load("files: [/var/log/auth.log]\n");
  ASSERT_TRUE(none.ok()) << none.error();
  EXPECT_FALSE(none->journald.has_value());
}

TEST_F(JournaldConfigTest, ParsesEveryKey) {
  auto c = load(
      "journald:\n  directory: /var/log/journal/abc/\n  units: [ssh, cron.service]\n"
      "  identifiers: [sudo]\n  max_priority: info\n  start: beginning\n"
      "files: [/var/log/syslog]\n");
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c->journald->directory, "/var/log/journal/abc");
  EXPECT_EQ(c->journald->units, (std::vector<std::string>{"ssh.service", "cron.service"}));
  EXPECT_EQ(c->journald->identifiers, (std::vector<std::string>{"sudo"}));
  EXPECT_EQ(c->journald->max_priority, 6);
  EXPECT_EQ(c->journald->start, JournaldStart::kBeginning);
  EXPECT_EQ(c->files.size(), 1u);
  auto numeric = load("journald: {max_priority: 3, user_journals: true}\n");
  ASSERT_TRUE(numeric.ok()) << numeric.error();
  EXPECT_EQ(numeric->journald->max_priority, 3);
  EXPECT_TRUE(numeric->journald->user_journals);
}

TEST_F(JournaldConfigTest, BadValuesNameFileAndLine) {
  const auto error_of = [&](const std::string& yaml) {
    auto c = load(yaml);
    EXPECT_FALSE(c.ok()) << yaml;
    return c.ok() ? std::string() : c.error();
  };
  EXPECT_NE(error_of("journald:\n  start: middle\n").find(path_ + ":6:"), std::string::npos);
  EXPECT_NE(error_of("journald:\n  max_priority: 8\n").find("'max_priority'"), std::string::npos);
  EXPECT_NE(error_of("journald:\n  directory: relative/dir\n").find("absolute"), std::string::npos);
  EXPECT_NE(error_of("journald:\n  units: ssh\n").find("list"), std::string::npos);
  EXPECT_NE(error_of("journald:\n  identifiers: ['a=b']\n").find("'='"), std::string::npos);
  EXPECT_NE(error_of("journald:\n  unit: [ssh]\n").find(path_ + ":6:"), std::string::npos);
  EXPECT_NE(error_of("journald:\n  directory: /j\n  user_journals: true\n").find("local journal"),
            std::string::npos);
  EXPECT_NE(error_of("journald: [a]\n").find("mapping"), std::string::npos);
}

}  // namespace
}  // namespace soc
