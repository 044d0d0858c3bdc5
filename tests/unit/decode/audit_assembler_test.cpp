// AuditAssembler: the records of one audit event, decoded by the real Decoder, become one event.
#include "collector/decode/audit_assembler.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "collector/decode/decoder.h"

namespace soc {
namespace {

Event decoded(const std::string& line, const std::string& agent = "agent-1") {
  static const Decoder decoder;
  static uint64_t seq = 0;
  Event e;
  e.env.agent = agent;
  e.env.host = "web01";
  e.env.org = "STTTT";
  e.env.src = "file:/var/log/audit/audit.log";
  e.env.ts = "2026-11-23T12:00:00+07:00";
  e.env.seq = ++seq;
  e.env.msg = line;
  decoder.decode(e);
  return e;
}

std::string field(const Event& e, std::string_view name) {
  return std::string(e.fields.get(name).value_or("<unset>"));
}

// `touch /etc/cron.d/evil` as root, logged by auditd with a watch on /etc/cron.d.
const std::vector<std::string> kTouch = {
    R"(type=SYSCALL msg=audit(1795410000.120:901): arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c a1=7ffd0 a2=941 a3=1b6 items=2 ppid=4000 pid=4001 auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 comm="touch" exe="/usr/bin/touch" key="cron")",
    R"(type=EXECVE msg=audit(1795410000.120:901): argc=2 a0="touch" a1="/etc/cron.d/evil")",
    R"(type=CWD msg=audit(1795410000.120:901): cwd="/root")",
    R"(type=PATH msg=audit(1795410000.120:901): item=0 name="/etc/cron.d/" inode=10 dev=08:01 mode=040755 ouid=0 ogid=0 rdev=00:00 nametype=PARENT cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0)",
    R"(type=PATH msg=audit(1795410000.120:901): item=1 name="/etc/cron.d/evil" inode=11 dev=08:01 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=CREATE cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0)",
    R"(type=PROCTITLE msg=audit(1795410000.120:901): proctitle=746F756368002F6574632F63726F6E2E642F6576696C)",
    R"(type=EOE msg=audit(1795410000.120:901): )",
};

TEST(AuditAssembler, JoinsTheRecordsOfOneEventAtEoe) {
  AuditAssembler a;
  for (size_t i = 0; i < kTouch.size(); ++i) {
    Event e = decoded(kTouch[i]);
    ASSERT_TRUE(a.take(e));
    EXPECT_EQ(a.ready().size(), i + 1 == kTouch.size() ? 1u : 0u) << "after record " << i;
  }
  ASSERT_EQ(a.ready().size(), 1u);
  const Event& e = a.ready()[0];
  EXPECT_EQ(field(e, "auditd.type"), "SYSCALL");
  EXPECT_EQ(field(e, "auditd.records"), "SYSCALL EXECVE CWD PATH PATH PROCTITLE EOE");
  EXPECT_EQ(field(e, "process.executable"), "/usr/bin/touch");
  EXPECT_EQ(field(e, "process.name"), "touch");
  EXPECT_EQ(field(e, "user.id"), "0");
  EXPECT_EQ(field(e, "user.audit.id"), "1000");
  EXPECT_EQ(field(e, "auditd.key"), "cron");
  EXPECT_EQ(field(e, "process.command_line"), "touch /etc/cron.d/evil");
  EXPECT_EQ(field(e, "process.working_directory"), "/root");
  EXPECT_EQ(field(e, "file.path"), "/etc/cron.d/evil");  // the created file, not its PARENT
  EXPECT_EQ(field(e, "process.title"), "touch /etc/cron.d/evil");
  // EXECVE's arguments replace the syscall's raw a0..a3.
  EXPECT_EQ(field(e, "auditd.data.a0"), "touch");
  EXPECT_EQ(field(e, "auditd.data.a1"), "/etc/cron.d/evil");
  EXPECT_EQ(field(e, "auditd.data.a2"), "");
  EXPECT_EQ(field(e, "host.name"), "web01");
  EXPECT_EQ(field(e, "agent.id"), "agent-1");
  // The evidence shows every record; the first record's envelope carries them.
  std::string joined;
  for (const auto& l : kTouch) joined += (joined.empty() ? "" : "\n") + l;
  EXPECT_EQ(e.env.msg, joined);
  EXPECT_EQ(field(e, "event.original"), joined);
  EXPECT_EQ(e.time, SysTime(std::chrono::milliseconds(1795410000120)));
  EXPECT_EQ(a.pending(), 0u);
}

TEST(AuditAssembler, ARenameIsAboutItsTarget) {
  // `sed -i s/enforcing/disabled/ /etc/selinux/config` writes a temp file, then renames it over
  // the target: the event is about the target, the CREATE item.
  const std::vector<std::string> rename = {
      R"(type=SYSCALL msg=audit(1795410100.000:930): arch=c000003e syscall=82 success=yes exit=0 items=5 ppid=1 pid=77 auid=1000 uid=0 comm="sed" exe="/usr/bin/sed" key="selinux")",
      R"(type=PATH msg=audit(1795410100.000:930): item=0 name="/etc/selinux/" inode=1 nametype=PARENT)",
      R"(type=PATH msg=audit(1795410100.000:930): item=1 name="/etc/selinux/" inode=1 nametype=PARENT)",
      R"(type=PATH msg=audit(1795410100.000:930): item=2 name="/etc/selinux/sedAb3xQ9" inode=9 nametype=DELETE)",
      R"(type=PATH msg=audit(1795410100.000:930): item=3 name="/etc/selinux/config" inode=8 nametype=DELETE)",
      R"(type=PATH msg=audit(1795410100.000:930): item=4 name="/etc/selinux/config" inode=9 nametype=CREATE)",
      R"(type=EOE msg=audit(1795410100.000:930): )",
  };
  AuditAssembler a;
  for (const auto& l : rename) {
    Event e = decoded(l);
    ASSERT_TRUE(a.take(e));
  }
  ASSERT_EQ(a.ready().size(), 1u);
  EXPECT_EQ(field(a.ready()[0], "file.path"), "/etc/selinux/config");
}

TEST(AuditAssembler, OtherEventsPassThrough) {
  AuditAssembler a;
  Event e =
      decoded("Nov 23 12:00:00 web01 sshd[1]: Accepted password for a from 192.0.2.1 port 1 ssh2");
  EXPECT_FALSE(a.take(e));
  EXPECT_EQ(field(e, "process.name"), "sshd");  // untouched
  EXPECT_TRUE(a.ready().empty());
}

TEST(AuditAssembler, UserSpaceRecordsCompleteWhenTheNextSerialArrives) {
  AuditAssembler a;
  Event cmd = decoded(
      R"(type=USER_CMD msg=audit(1795410001.000:950): pid=200 uid=1000 auid=1000 ses=1 msg='cwd="/home/a" cmd=6C73 exe="/usr/bin/sudo" terminal=pts/0 res=success')");
  ASSERT_TRUE(a.take(cmd));
  EXPECT_TRUE(a.ready().empty());  // another record of 950 could still come
  Event end = decoded(
      R"(type=USER_END msg=audit(1795410002.000:951): pid=200 uid=1000 auid=1000 ses=1 msg='op=PAM:session_close acct="root" exe="/usr/bin/sudo" hostname=? addr=? terminal=/dev/pts/0 res=success')");
  ASSERT_TRUE(a.take(end));
  ASSERT_EQ(a.ready().size(), 1u);
  EXPECT_EQ(field(a.ready()[0], "auditd.records"), "USER_CMD");
  EXPECT_EQ(field(a.ready()[0], "process.command_line"), "ls");
  a.ready().clear();
  a.flush();  // the end of a batch releases the rest
  ASSERT_EQ(a.ready().size(), 1u);
  EXPECT_EQ(field(a.ready()[0], "event.action"), "PAM:session_close");
  EXPECT_EQ(a.pending(), 0u);
}

TEST(AuditAssembler, InterleavedEventsAndStreamsStayApart) {
  AuditAssembler a;
  const std::string other_syscall =
      R"(type=SYSCALL msg=audit(1795410000.121:902): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=0 items=1 ppid=1 pid=5000 auid=1001 uid=1001 gid=1001 euid=1001 suid=1001 fsuid=1001 egid=1001 sgid=1001 fsgid=1001 tty=pts1 ses=4 comm="id" exe="/usr/bin/id" key="exec")";
  const std::string other_execve = R"(type=EXECVE msg=audit(1795410000.121:902): argc=1 a0="id")";
  const std::string other_eoe = R"(type=EOE msg=audit(1795410000.121:902): )";
  std::vector<std::string> lines = {kTouch[0], other_syscall, kTouch[1], other_execve};
  lines.insert(lines.end(), kTouch.begin() + 2, kTouch.end());
  lines.push_back(other_eoe);
  for (const auto& l : lines) {
    Event e = decoded(l);
    ASSERT_TRUE(a.take(e));
  }
  // The same serial from another agent is another event.
  Event elsewhere = decoded(kTouch[1], "agent-2");
  ASSERT_TRUE(a.take(elsewhere));
  ASSERT_EQ(a.ready().size(), 2u);
  EXPECT_EQ(field(a.ready()[0], "process.command_line"), "touch /etc/cron.d/evil");
  EXPECT_EQ(field(a.ready()[0], "auditd.records"), "SYSCALL EXECVE CWD PATH PATH PROCTITLE EOE");
  EXPECT_EQ(field(a.ready()[1], "process.command_line"), "id");
  EXPECT_EQ(field(a.ready()[1], "user.id"), "1001");
  EXPECT_EQ(field(a.ready()[1], "auditd.records"), "SYSCALL EXECVE EOE");
  a.ready().clear();
  a.flush();
  ASSERT_EQ(a.ready().size(), 1u);
  EXPECT_EQ(field(a.ready()[0], "agent.id"), "agent-2");
  EXPECT_EQ(field(a.ready()[0], "auditd.records"), "EXECVE");
}

TEST(AuditAssembler, PendingEventsAreBoundedAndCounted) {
  AuditAssembler a(2);
  for (int serial = 1; serial <= 3; ++serial) {
    Event e = decoded("type=SYSCALL msg=audit(1795410000.000:" + std::to_string(serial) +
                      "): arch=c000003e syscall=59 success=yes exit=0 comm=\"x\" exe=\"/x\"");
    ASSERT_TRUE(a.take(e));
  }
  EXPECT_EQ(a.ready().size(), 1u);  // the oldest went early, without its EOE
  EXPECT_EQ(a.overflowed(), 1u);
  EXPECT_EQ(a.pending(), 2u);
}

}  // namespace
}  // namespace soc

namespace soc {
namespace {

// One execve event: SYSCALL, EXECVE (arguments as given), CWD, PATH, PROCTITLE, EOE.
std::vector<std::string> exec_event(int serial, int ppid, int pid, const std::string& exe,
                                    const std::string& execve_args,
                                    const std::string& success = "yes") {
  const std::string stamp = "msg=audit(1795410000.200:" + std::to_string(serial) + "): ";
  return {
      "type=SYSCALL " + stamp + "arch=c000003e syscall=59 success=" + success +
          " exit=0 a0=55d0 a1=55d1 a2=55d2 a3=0 items=2 ppid=" + std::to_string(ppid) +
          " pid=" + std::to_string(pid) +
          " auid=1000 uid=33 gid=33 euid=33 suid=33 fsuid=33 egid=33 sgid=33 fsgid=33 tty=(none) "
          "ses=4294967295 comm=\"x\" exe=\"" +
          exe + "\" key=\"exec\"\x1d" +
          "ARCH=x86_64 SYSCALL=execve AUID=\"alice\" UID=\"www-data\"",
      "type=EXECVE " + stamp + execve_args,
      "type=CWD " + stamp + "cwd=\"/var/www/html\"",
      "type=PATH " + stamp + "item=0 name=\"" + exe +
          "\" inode=5 dev=08:01 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL",
      "type=PROCTITLE " + stamp + "proctitle=7368002D63006964",  // "sh -c id"
      "type=EOE " + stamp,
  };
}

std::vector<Event> run(AuditAssembler& a, const std::vector<std::string>& lines) {
  for (const auto& l : lines) {
    Event e = decoded(l);
    EXPECT_TRUE(a.take(e)) << l;
  }
  a.flush();
  std::vector<Event> out = std::move(a.ready());
  a.ready().clear();
  return out;
}

TEST(AuditAssembler, AnExecveIsAProcessEventWithItsParent) {
  AuditAssembler a;
  // php-fpm (pid 900, started by pid 1) runs `sh -c id` (pid 901), which runs `id` (pid 902).
  auto first = run(a, exec_event(10, 1, 900, "/usr/sbin/php-fpm8.2",
                                 R"(argc=2 a0="php-fpm: pool www" a1="--nodaemonize")"));
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(field(first[0], "process.parent.executable"), "<unset>");  // pid 1 never seen
  auto second =
      run(a, exec_event(11, 900, 901, "/usr/bin/dash", R"(argc=3 a0="sh" a1="-c" a2=6964)"));
  ASSERT_EQ(second.size(), 1u);
  const Event& sh = second[0];
  EXPECT_EQ(field(sh, "event.category"), "process");
  EXPECT_EQ(field(sh, "event.action"), "executed");
  EXPECT_EQ(field(sh, "process.executable"), "/usr/bin/dash");
  EXPECT_EQ(field(sh, "process.command_line"), "sh -c id");  // a2 was hex
  EXPECT_EQ(field(sh, "process.args"), R"(["sh","-c","id"])");
  EXPECT_EQ(field(sh, "process.pid"), "901");
  EXPECT_EQ(field(sh, "process.parent.pid"), "900");
  EXPECT_EQ(field(sh, "process.parent.executable"), "/usr/sbin/php-fpm8.2");
  EXPECT_EQ(field(sh, "process.parent.command_line"), "php-fpm: pool www --nodaemonize");
  EXPECT_EQ(field(sh, "process.working_directory"), "/var/www/html");
  EXPECT_EQ(field(sh, "file.path"), "/usr/bin/dash");
  EXPECT_EQ(field(sh, "user.id"), "33");
  EXPECT_EQ(field(sh, "user.effective.id"), "33");
  EXPECT_EQ(field(sh, "user.audit.id"), "1000");
  EXPECT_EQ(field(sh, "user.name"), "www-data");
  EXPECT_EQ(field(sh, "user.audit.name"), "alice");
  auto third = run(a, exec_event(12, 901, 902, "/usr/bin/id", R"(argc=1 a0="id")"));
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(field(third[0], "process.parent.executable"), "/usr/bin/dash");
  EXPECT_EQ(field(third[0], "process.parent.command_line"), "sh -c id");
  EXPECT_EQ(a.processes().size(), 3u);
}

TEST(AuditAssembler, ProctitleStandsInForMissingArgumentsAndSyscallsTeachTheTable) {
  AuditAssembler a;
  // An EXECVE record without arguments (argc only): PROCTITLE says what ran.
  auto e = run(a, exec_event(20, 1, 300, "/usr/bin/dash", "argc=3"));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(field(e[0], "process.command_line"), "sh -c id");
  // A connect() by nginx (no execve seen): the table learns pid 500 from it.
  run(a,
      {R"(type=SYSCALL msg=audit(1795410001.000:30): arch=c000003e syscall=42 success=yes exit=0 a0=3 a1=7f a2=10 a3=0 items=0 ppid=1 pid=500 auid=4294967295 uid=33 gid=33 euid=33 suid=33 fsuid=33 egid=33 sgid=33 fsgid=33 tty=(none) ses=4294967295 comm="nginx" exe="/usr/sbin/nginx" key="net")",
       R"(type=PROCTITLE msg=audit(1795410001.000:30): proctitle=6E67696E783A20776F726B65722070726F63657373)",
       R"(type=EOE msg=audit(1795410001.000:30): )"});
  auto child = run(a, exec_event(31, 500, 501, "/usr/bin/dash", R"(argc=1 a0="sh")"));
  ASSERT_EQ(child.size(), 1u);
  EXPECT_EQ(field(child[0], "process.parent.executable"), "/usr/sbin/nginx");
  EXPECT_EQ(field(child[0], "process.parent.command_line"), "nginx: worker process");
  // A non-exec event is not a process event.
  EXPECT_EQ(a.processes().size(), 3u);
}

TEST(AuditAssembler, AFailedExecveTeachesNothingAndHostsStayApart) {
  AuditAssembler a;
  run(a, exec_event(40, 1, 600, "/usr/bin/bash", R"(argc=1 a0="bash")"));
  run(a, exec_event(41, 1, 600, "/tmp/x", R"(argc=1 a0="/tmp/x")", "no"));
  auto child = run(a, exec_event(42, 600, 601, "/usr/bin/id", R"(argc=1 a0="id")"));
  EXPECT_EQ(field(child[0], "process.parent.executable"), "/usr/bin/bash");
  // The same pid on another agent's host is another process.
  auto other = exec_event(43, 600, 602, "/usr/bin/id", R"(argc=1 a0="id")");
  for (const auto& l : other) {
    Event e = decoded(l, "agent-2");
    ASSERT_TRUE(a.take(e));
  }
  a.flush();
  ASSERT_EQ(a.ready().size(), 1u);
  EXPECT_EQ(field(a.ready()[0], "process.parent.executable"), "<unset>");
}

TEST(AuditAssembler, LaurelEventsPassThroughTheProcessTable) {
  AuditAssembler a;
  Event parent = decoded(
      R"({"ID":"1795410600.100:1160","SYSCALL":{"syscall":59,"success":"yes","ppid":1,"pid":7654,"uid":33,"comm":"php-fpm8.2","exe":"/usr/sbin/php-fpm8.2"},"EXECVE":{"argc":2,"ARGV":["php-fpm: pool www","--nodaemonize"]}})");
  EXPECT_FALSE(a.take(parent));  // already joined: passes through
  Event child = decoded(
      R"({"ID":"1795410600.848:1162","SYSCALL":{"syscall":59,"success":"yes","ppid":7654,"pid":7655,"uid":33,"comm":"sh","exe":"/usr/bin/dash","PPID":{"comm":"php-fpm8.2","exe":"/usr/sbin/php-fpm8.2","ppid":1}},"EXECVE":{"argc":3,"ARGV":["sh","-c","id"]}})");
  EXPECT_FALSE(a.take(child));
  EXPECT_EQ(field(child, "process.parent.executable"), "/usr/sbin/php-fpm8.2");
  EXPECT_EQ(field(child, "process.parent.command_line"), "php-fpm: pool www --nodaemonize");
  EXPECT_EQ(a.processes().size(), 2u);
  EXPECT_TRUE(a.ready().empty());
}

TEST(AuditAssembler, TheProcessTableIsBounded) {
  AuditAssembler a(16, {.per_host = 2, .hosts = 1});
  for (int i = 0; i < 5; ++i) {
    run(a, exec_event(50 + i, 1, 700 + i, "/usr/bin/id", R"(argc=1 a0="id")"));
  }
  EXPECT_EQ(a.processes().size(), 2u);
  EXPECT_EQ(a.processes().evicted(), 3u);
}

}  // namespace
}  // namespace soc
