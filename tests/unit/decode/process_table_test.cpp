// ProcessTable: pid -> program per host, bounded by least-recent use.
#include "collector/decode/process_table.h"

#include <gtest/gtest.h>

#include <string>

namespace soc {
namespace {

TEST(ProcessTable, RemembersPerHost) {
  ProcessTable t;
  t.remember("web01", "100", "/usr/sbin/nginx", "nginx: worker process");
  t.remember("db01", "100", "/usr/sbin/mysqld", "/usr/sbin/mysqld");
  ASSERT_NE(t.find("web01", "100"), nullptr);
  EXPECT_EQ(t.find("web01", "100")->executable, "/usr/sbin/nginx");
  EXPECT_EQ(t.find("db01", "100")->executable, "/usr/sbin/mysqld");
  EXPECT_EQ(t.find("web01", "101"), nullptr);
  EXPECT_EQ(t.find("mail01", "100"), nullptr);
  EXPECT_EQ(t.find("web01", "x1"), nullptr);
  t.remember("web01", "abc", "/bin/sh", "sh");  // not a pid: ignored
  EXPECT_EQ(t.size(), 2u);
  EXPECT_EQ(t.hosts(), 2u);
}

TEST(ProcessTable, AnExecReplacesTheProgramASyscallKeepsTheArguments) {
  ProcessTable t;
  t.remember("h", "7", "/usr/bin/bash", "bash -i");
  t.remember("h", "7", "/usr/bin/bash", "");  // a later syscall of the same program
  EXPECT_EQ(t.find("h", "7")->command_line, "bash -i");
  t.remember("h", "7", "/usr/bin/python3", "python3 x.py");  // the shell exec'd python
  EXPECT_EQ(t.find("h", "7")->executable, "/usr/bin/python3");
  EXPECT_EQ(t.find("h", "7")->command_line, "python3 x.py");
}

TEST(ProcessTable, EvictsTheLeastRecentlyUsedAndCounts) {
  ProcessTable t({.per_host = 3, .hosts = 2});
  for (int pid = 1; pid <= 3; ++pid) t.remember("h", std::to_string(pid), "/bin/p", "p");
  ASSERT_NE(t.find("h", "1"), nullptr);  // 1 is now the most recently used; 2 the least
  t.remember("h", "4", "/bin/p", "p");
  EXPECT_EQ(t.find("h", "2"), nullptr);
  EXPECT_NE(t.find("h", "1"), nullptr);
  EXPECT_NE(t.find("h", "3"), nullptr);
  EXPECT_NE(t.find("h", "4"), nullptr);
  EXPECT_EQ(t.size(), 3u);
  EXPECT_EQ(t.evicted(), 1u);

  t.remember("g", "1", "/bin/p", "p");
  EXPECT_NE(t.find("h", "1"), nullptr);  // h used last: g is the least recent host
  t.remember("f", "1", "/bin/p", "p");
  EXPECT_EQ(t.find("g", "1"), nullptr);
  EXPECT_EQ(t.hosts(), 2u);
  EXPECT_EQ(t.hosts_evicted(), 1u);
}

TEST(ProcessTable, LongTextsAreCut) {
  ProcessTable t;
  t.remember("h", "1", std::string(5000, 'e'), std::string(5000, 'c'));
  EXPECT_EQ(t.find("h", "1")->executable.size(), ProcessTable::kMaxText);
  EXPECT_EQ(t.find("h", "1")->command_line.size(), ProcessTable::kMaxText);
}

}  // namespace
}  // namespace soc
