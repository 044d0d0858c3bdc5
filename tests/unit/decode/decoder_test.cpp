#include "collector/decode/decoder.h"

#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "collector/decode/envelope_reader.h"
#include "common/clock.h"
#include "common/envelope.h"

namespace soc {
namespace {

SysTime at(std::string_view rfc3339) {
  const auto t = parse_rfc3339(rfc3339);
  EXPECT_TRUE(t.has_value()) << rfc3339;
  return t.value_or(SysTime{});
}

Event event(std::string msg, std::string ts = "2026-11-23T10:05:00.000+07:00") {
  Event e;
  e.env.agent = "0f8e4a52-1c2d-4e5f-9a0b-112233445566";
  e.env.host = "web01.sotttt.gov.vn";
  e.env.org = "STTTT";
  e.env.src = "file:/var/log/auth.log";
  e.env.seq = 7;
  e.env.ts = std::move(ts);
  e.env.msg = std::move(msg);
  return e;
}

class DecodeChain : public ::testing::Test {
 protected:
  Decoder decoder_;
};

TEST_F(DecodeChain, SshdLineGetsBaseSyslogAndSshdFields) {
  auto e = event(
      "Nov 23 10:00:01 web01 sshd[2231]: Failed password for root from 203.0.113.7 port 52144 "
      "ssh2");
  decoder_.decode(e);
  const Fields& f = e.fields;
  EXPECT_EQ(f.get("event.original"), e.env.msg);
  EXPECT_EQ(f.get("agent.id"), "0f8e4a52-1c2d-4e5f-9a0b-112233445566");
  EXPECT_EQ(f.get("organization.id"), "STTTT");
  EXPECT_EQ(f.get("log.file.path"), "/var/log/auth.log");
  EXPECT_EQ(f.get("host.name"), "web01");
  EXPECT_EQ(f.get("process.name"), "sshd");
  EXPECT_EQ(f.get("process.pid"), "2231");
  EXPECT_EQ(f.get("message"), "Failed password for root from 203.0.113.7 port 52144 ssh2");
  EXPECT_EQ(f.get("user.name"), "root");
  EXPECT_EQ(f.get("source.ip"), "203.0.113.7");
  EXPECT_EQ(f.get("source.port"), "52144");
  EXPECT_EQ(f.get("event.action"), "ssh_login");
  EXPECT_EQ(f.get("event.outcome"), "failure");
  EXPECT_EQ(e.time, at("2026-11-23T10:00:01+07:00"));
}

TEST_F(DecodeChain, SshdSessionAndOldPamTag) {
  auto a = event(
      "Nov 23 10:00:01 web01 sshd-session[9]: Accepted publickey for hung from "
      "2001:db8::5 port 40000 ssh2: ED25519 SHA256:abc");
  decoder_.decode(a);
  EXPECT_EQ(a.fields.get("event.outcome"), "success");
  EXPECT_EQ(a.fields.get("source.ip"), "2001:db8::5");

  auto b = event(
      "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= "
      "uid=0 euid=0 tty=NODEVssh ruser= rhost=192.0.2.4 ");
  decoder_.decode(b);
  EXPECT_EQ(b.fields.get("process.name"), "sshd");
  EXPECT_EQ(b.fields.get("event.action"), "pam_auth_failure");
  EXPECT_EQ(b.fields.get("source.ip"), "192.0.2.4");
}

TEST_F(DecodeChain, SudoLine) {
  auto e = event(
      "Nov 23 10:15:02 web01 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; "
      "USER=root ; COMMAND=/usr/bin/systemctl restart nginx");
  decoder_.decode(e);
  EXPECT_EQ(e.fields.get("process.name"), "sudo");
  EXPECT_EQ(e.fields.get("user.name"), "alice");
  EXPECT_EQ(e.fields.get("user.effective.name"), "root");
  EXPECT_EQ(e.fields.get("process.command_line"), "/usr/bin/systemctl restart nginx");
  EXPECT_EQ(e.fields.get("event.outcome"), "success");
}

TEST_F(DecodeChain, ProgramDecodersRunOnlyForTheirProgram) {
  auto e = event(
      "Nov 23 10:00:01 web01 myapp[1]: Failed password for root from 203.0.113.7 "
      "port 52144 ssh2");
  decoder_.decode(e);
  EXPECT_EQ(e.fields.get("process.name"), "myapp");
  EXPECT_EQ(e.fields.get("source.ip"), std::nullopt);
}

TEST_F(DecodeChain, BenignSshdLineHasNoSource) {
  auto e = event("Nov 23 10:00:01 web01 sshd[1]: Server listening on 0.0.0.0 port 22.");
  decoder_.decode(e);
  EXPECT_EQ(e.fields.get("source.ip"), std::nullopt);
  EXPECT_EQ(e.fields.get("event.action"), std::nullopt);
  EXPECT_EQ(e.fields.get("message"), "Server listening on 0.0.0.0 port 22.");
}

TEST_F(DecodeChain, RepeatedMessagesAreDecodedAndCounted) {
  auto e = event(
      "Nov 23 10:00:01 web01 sshd[1]: message repeated 4 times: [ Failed password for "
      "root from 203.0.113.7 port 52144 ssh2]");
  decoder_.decode(e);
  EXPECT_EQ(e.fields.get("event.repeat_count"), "4");
  EXPECT_EQ(e.fields.get("source.ip"), "203.0.113.7");
  EXPECT_EQ(e.fields.get("source.port"), "52144");
}

TEST_F(DecodeChain, NonSyslogLineKeepsWholeLineAndEnvelopeTime) {
  const std::string line = "Exception in thread main java.lang.NullPointerException";
  auto e = event(line);
  e.env.src = "file:/var/log/app/app.log";
  decoder_.decode(e);
  EXPECT_EQ(e.fields.get("message"), line);
  EXPECT_EQ(e.fields.get("host.name"), "web01.sotttt.gov.vn");
  EXPECT_EQ(e.fields.get("log.file.path"), "/var/log/app/app.log");
  EXPECT_EQ(e.fields.get("process.name"), std::nullopt);
  EXPECT_EQ(e.fields.get("event.action"), std::nullopt);
  EXPECT_EQ(e.time, at("2026-11-23T10:05:00+07:00"));
}

TEST_F(DecodeChain, AccessLogLineTakesItsOwnTime) {
  const std::string line =
      R"x(203.0.113.5 - - [23/Nov/2026:10:00:01 +0700] "GET /wp-login.php HTTP/1.1" 404 162)x";
  auto e = event(line);
  e.env.src = "file:/var/log/nginx/access.log";
  decoder_.decode(e);
  EXPECT_EQ(e.fields.get("message"), line);
  EXPECT_EQ(e.fields.get("host.name"), "web01.sotttt.gov.vn");
  EXPECT_EQ(e.fields.get("source.ip"), "203.0.113.5");
  EXPECT_EQ(e.fields.get("url.path"), "/wp-login.php");
  EXPECT_EQ(e.fields.get("process.name"), std::nullopt);
  EXPECT_EQ(e.time, at("2026-11-23T10:00:01+07:00"));
}

TEST_F(DecodeChain, AccessLinesLedByAVirtualHostOrAClientName) {
  auto vhost = event(
      R"x(portal.example.gov.vn:443 203.0.113.7 - - [23/Nov/2026:12:00:00 +0700] "GET /?id=1 HTTP/1.1" 200 512 "-" "Mozilla/5.0")x");
  vhost.env.src = "file:/var/log/apache2/other_vhosts_access.log";
  decoder_.decode(vhost);
  EXPECT_EQ(vhost.fields.get("source.ip"), "203.0.113.7");
  EXPECT_EQ(vhost.fields.get("url.query"), "id=1");
  EXPECT_EQ(vhost.fields.get("http.response.status_code"), "200");
  auto named = event(
      R"x(scanner.example.net - - [23/Nov/2026:12:00:00 +0700] "GET /.env HTTP/1.1" 404 162 "-" "zgrab/0.x")x");
  decoder_.decode(named);
  EXPECT_EQ(named.fields.get("url.path"), "/.env");
  EXPECT_EQ(named.fields.get("user_agent.original"), "zgrab/0.x");
}

TEST_F(DecodeChain, TrailingCarriageReturnIsIgnored) {
  auto e = event("Nov 23 10:00:01 web01 sshd[4]: Invalid user webadmin from 192.0.2.31\r");
  decoder_.decode(e);
  EXPECT_EQ(e.fields.get("event.original"), e.env.msg);
  EXPECT_EQ(e.fields.get("message"), "Invalid user webadmin from 192.0.2.31");
  EXPECT_EQ(e.fields.get("source.ip"), "192.0.2.31");

  auto plain = event("GET / 200\r\n");
  decoder_.decode(plain);
  EXPECT_EQ(plain.fields.get("message"), "GET / 200");
}

TEST_F(DecodeChain, HostFallsBackToTheEnvelope) {
  auto e = event("Nov 23 09:50:19 sshd[8148]: Invalid user pi from 192.0.2.3 port 5000");
  decoder_.decode(e);
  EXPECT_EQ(e.fields.get("host.name"), "web01.sotttt.gov.vn");
  EXPECT_EQ(e.fields.get("user.name"), "pi");
}

TEST_F(DecodeChain, SourceWithoutFilePrefixIsKept) {
  auto e = event("x");
  e.env.src = "syslog:udp";
  decoder_.decode(e);
  EXPECT_EQ(e.fields.get("log.file.path"), "syslog:udp");
}

TEST_F(DecodeChain, BadEnvelopeTimeFallsBackToNow) {
  auto e = event("plain text line", "yesterday");
  const auto before = std::chrono::system_clock::now();
  decoder_.decode(e);
  EXPECT_GE(e.time, before);
  EXPECT_LE(e.time, std::chrono::system_clock::now());

  auto far = event("plain text line", "9999-12-31T23:59:59.000+14:00");
  decoder_.decode(far);
  EXPECT_LE(far.time, std::chrono::system_clock::now());

  auto z = event("Nov 23 10:00:01 web01 app: x", "");
  decoder_.decode(z);  // zone and year from the collector's clock; only must not fail
  EXPECT_EQ(z.fields.get("host.name"), "web01");
}

TEST_F(DecodeChain, ReusedEventDropsThePreviousFields) {
  auto e = event(
      "Nov 23 10:00:01 web01 sshd[1]: Failed password for root from 203.0.113.7 port "
      "52144 ssh2");
  decoder_.decode(e);
  e.env.msg = "Nov 23 10:00:02 web01 sshd[1]: Server listening on :: port 22.";
  decoder_.decode(e);
  EXPECT_EQ(e.fields.get("source.ip"), std::nullopt);
  EXPECT_EQ(e.fields.get("user.name"), std::nullopt);
}

TEST_F(DecodeChain, EscapedInvalidUtf8FromTheAgentIsDecodedAsText) {
  auto env =
      event("Nov 23 10:00:01 web01 sshd[1]: Invalid user \xc3\x28x from 192.0.2.9 port 22").env;
  auto parsed = parse_envelope(to_json(env));
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  Event e;
  e.env = *parsed;
  decoder_.decode(e);
  EXPECT_EQ(e.fields.get("user.name"), R"x(\xc3(x)x");
  EXPECT_EQ(e.fields.get("source.ip"), "192.0.2.9");
}

TEST_F(DecodeChain, SurvivesRandomLines) {
  std::mt19937 rng(42);
  const std::string seeds[] = {
      "<38>Nov 23 10:00:01 web01 sshd[1]: Failed password for invalid user a from 1.2.3.4 port "
      "5 ssh2",
      "<38>1 2026-11-23T10:00:01Z h sshd 1 - [a b=\"c\\]\"] Disconnected from invalid user x "
      "2001:db8::1 port 9 [preauth]",
      "2026-11-23T10:00:01.1+07:00 h sudo: a : x ; TTY=1 ; COMMAND=y",
      "Nov  3 10:00:01 h sshd[1]: pam_unix(sshd:auth): authentication failure; rhost= user=",
  };
  for (int round = 0; round < 20000; ++round) {
    std::string line = seeds[rng() % std::size(seeds)];
    line.resize(rng() % (line.size() + 1));
    for (int k = rng() % 4; k > 0 && !line.empty(); --k) {
      line[rng() % line.size()] = static_cast<char>(rng() % 256);
    }
    auto e = event(line);
    decoder_.decode(e);
    ASSERT_EQ(e.fields.get("event.original"), line);
    ASSERT_TRUE(e.fields.get("message").has_value());
  }
}

TEST_F(DecodeChain, SuAndPamLinesDispatchByProgram) {
  auto su = event("Nov 23 10:00:01 web01 su[4242]: (to root) alice on pts/0");
  decoder_.decode(su);
  EXPECT_EQ(su.fields.get("event.action"), "su");
  EXPECT_EQ(su.fields.get("user.name"), "alice");
  EXPECT_EQ(su.fields.get("user.effective.name"), "root");

  auto login = event(
      "Nov 23 10:00:01 web01 login[900]: pam_unix(login:auth): authentication failure; "
      "logname=LOGIN uid=0 euid=0 tty=/dev/tty1 ruser= rhost=  user=root");
  decoder_.decode(login);
  EXPECT_EQ(login.fields.get("event.action"), "pam_auth_failure");
  EXPECT_EQ(login.fields.get("user.name"), "root");

  auto session = event(
      "Nov 23 10:00:01 web01 sshd[77]: pam_unix(sshd:session): session opened for user "
      "hung(uid=1000) by (uid=0)");
  decoder_.decode(session);
  EXPECT_EQ(session.fields.get("event.action"), "session_opened");
  EXPECT_EQ(session.fields.get("user.name"), "hung");

  auto sudo = event(
      "Nov 23 10:00:01 web01 sudo[78]: pam_unix(sudo:session): session opened for user "
      "root(uid=0) by alice(uid=1000)");
  decoder_.decode(sudo);
  EXPECT_EQ(sudo.fields.get("user.name"), "alice");
  EXPECT_EQ(sudo.fields.get("user.effective.name"), "root");
}

TEST_F(DecodeChain, AccountManagementLines) {
  auto add = event(
      "Nov 23 10:00:01 web01 useradd[5100]: new user: name=bob, UID=1001, GID=1001, "
      "home=/home/bob, shell=/bin/bash, from=/dev/pts/0");
  decoder_.decode(add);
  EXPECT_EQ(add.fields.get("process.name"), "useradd");
  EXPECT_EQ(add.fields.get("event.action"), "user_created");
  EXPECT_EQ(add.fields.get("user.name"), "bob");
  EXPECT_EQ(add.fields.get("message"),
            "new user: name=bob, UID=1001, GID=1001, home=/home/bob, shell=/bin/bash, "
            "from=/dev/pts/0");

  auto group = event("Nov 23 10:00:02 web01 usermod[5101]: add 'bob' to group 'sudo'");
  decoder_.decode(group);
  EXPECT_EQ(group.fields.get("event.action"), "user_added_to_group");
  EXPECT_EQ(group.fields.get("group.name"), "sudo");

  auto pw = event(
      "Nov 23 10:00:03 web01 passwd[5102]: pam_unix(passwd:chauthtok): password changed for bob");
  decoder_.decode(pw);
  EXPECT_EQ(pw.fields.get("event.action"), "password_changed");
}

TEST_F(DecodeChain, AuditRecordsRawAndThroughSyslogTakeTheRecordTime) {
  // Read after the records' time (11:00:01 in Hanoi): a time ahead of the read is not believed.
  const std::string read = "2026-11-23T11:05:00.000+07:00";
  auto raw = event(
      "type=EXECVE msg=audit(1795406401.250:88): argc=3 a0=\"curl\" a1=\"-o\" "
      "a2=2F746D702F782E7368",
      read);
  raw.env.src = "file:/var/log/audit/audit.log";
  decoder_.decode(raw);
  EXPECT_EQ(raw.fields.get("auditd.type"), "EXECVE");
  EXPECT_EQ(raw.fields.get("process.command_line"), "curl -o /tmp/x.sh");
  EXPECT_EQ(raw.fields.get("host.name"), "web01.sotttt.gov.vn");
  EXPECT_EQ(raw.time, at("2026-11-23T04:00:01.25Z"));

  auto fwd = event(
      "Nov 23 10:00:01 web01 audisp-syslog: type=USER_CMD msg=audit(1795406401.250:89): "
      "pid=4001 uid=1000 auid=1000 ses=3 msg='cwd=\"/home/alice\" "
      "cmd=73797374656D63746C2073746F7020617564697464 exe=\"/usr/bin/sudo\" terminal=pts/0 "
      "res=success'",
      read);
  decoder_.decode(fwd);
  EXPECT_EQ(fwd.fields.get("process.command_line"), "systemctl stop auditd");
  EXPECT_EQ(fwd.time, at("2026-11-23T04:00:01.25Z"));

  auto kernel = event(
      "Nov 23 10:00:01 web01 kernel: [ 5123.456789] audit: type=1400 "
      "audit(1795406401.100:90): apparmor=\"DENIED\" operation=\"open\" "
      "profile=\"/usr/sbin/nginx\" name=\"/etc/shadow\" pid=777 comm=\"nginx\"",
      read);
  decoder_.decode(kernel);
  EXPECT_EQ(kernel.fields.get("auditd.type"), "AVC");
  EXPECT_EQ(kernel.fields.get("file.path"), "/etc/shadow");
}

TEST_F(DecodeChain, FirewallKernelLine) {
  auto e = event(
      "Nov 23 10:00:01 web01 kernel: [12345.678901] [UFW BLOCK] IN=eth0 OUT= "
      "MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=203.0.113.77 DST=10.10.1.5 LEN=60 "
      "TOS=0x00 PREC=0x00 TTL=50 ID=54321 DF PROTO=TCP SPT=51515 DPT=22 WINDOW=29200 RES=0x00 "
      "SYN URGP=0");
  decoder_.decode(e);
  EXPECT_EQ(e.fields.get("event.action"), "firewall_block");
  EXPECT_EQ(e.fields.get("source.ip"), "203.0.113.77");
  EXPECT_EQ(e.fields.get("destination.port"), "22");
  EXPECT_EQ(e.time, at("2026-11-23T10:00:01+07:00"));

  auto other = event("Nov 23 10:00:01 web01 kernel: [    0.000000] Linux version 6.1.0-13");
  decoder_.decode(other);
  EXPECT_EQ(other.fields.get("event.action"), std::nullopt);
}

TEST_F(DecodeChain, WebLinesThroughSyslogAndFromFiles) {
  auto tagged = event(
      "Nov 23 10:00:02 web01 nginx: 203.0.113.5 - - [23/Nov/2026:10:00:01 +0700] "
      "\"GET /?id=1%27 HTTP/1.1\" 200 5 \"-\" \"sqlmap/1.8\"");
  decoder_.decode(tagged);
  EXPECT_EQ(tagged.fields.get("process.name"), "nginx");
  EXPECT_EQ(tagged.fields.get("url.query"), "id=1'");
  EXPECT_EQ(tagged.fields.get("user_agent.original"), "sqlmap/1.8");
  EXPECT_EQ(tagged.time, at("2026-11-23T10:00:01+07:00"));

  auto custom = event(
      "Nov 23 10:00:02 web01 portal_access: 203.0.113.5 - - [23/Nov/2026:10:00:01 +0700] "
      "\"GET / HTTP/1.1\" 200 5");
  decoder_.decode(custom);
  EXPECT_EQ(custom.fields.get("source.ip"), "203.0.113.5");

  auto err = event(
      "[Mon Nov 23 10:00:01.123456 2026] [core:error] [pid 1234:tid 5678] "
      "[client 203.0.113.8:51234] AH00126: Invalid URI in request GET /..%2f HTTP/1.1");
  err.env.src = "file:/var/log/apache2/error.log";
  decoder_.decode(err);
  EXPECT_EQ(err.fields.get("error.code"), "AH00126");
  EXPECT_EQ(err.fields.get("source.ip"), "203.0.113.8");
  EXPECT_EQ(err.time, at("2026-11-23T10:00:01.123456+07:00"));

  auto nginx_err = event(
      "2026/11/23 10:00:01 [error] 1234#1234: *99 open() \"/var/www/.env\" failed (2: No such "
      "file or directory), client: 203.0.113.50, server: _, request: \"GET /.env HTTP/1.1\"");
  decoder_.decode(nginx_err);
  EXPECT_EQ(nginx_err.fields.get("url.path"), "/.env");
  EXPECT_EQ(nginx_err.fields.get("log.level"), "error");

  auto syslog_err = event(
      "Nov 23 10:00:01 web01 httpd[880]: [authz_core:error] [pid 880] [client 192.0.2.1:5] "
      "AH01630: client denied by server configuration: /srv/www/.git");
  decoder_.decode(syslog_err);
  EXPECT_EQ(syslog_err.fields.get("error.code"), "AH01630");
  EXPECT_EQ(syslog_err.time, at("2026-11-23T10:00:01+07:00"));
}

TEST_F(DecodeChain, JsonLinesCannotForgeTheEnvelope) {
  auto raw = event(
      R"x({"@timestamp":"2026-11-23T09:59:00Z","agent":{"id":"forged"},"organization.id":"x","source":{"ip":"203.0.113.5"},"message":"login failed"})x",
      "2026-11-23T17:05:00.000+07:00");
  decoder_.decode(raw);
  EXPECT_EQ(raw.fields.get("agent.id"), "0f8e4a52-1c2d-4e5f-9a0b-112233445566");
  EXPECT_EQ(raw.fields.get("organization.id"), "STTTT");
  EXPECT_EQ(raw.fields.get("json.agent.id"), "forged");
  EXPECT_EQ(raw.fields.get("source.ip"), "203.0.113.5");
  EXPECT_EQ(raw.fields.get("message"), "login failed");
  EXPECT_EQ(raw.time, at("2026-11-23T09:59:00Z"));

  auto in_syslog = event(
      R"x(Nov 23 10:00:01 web01 myapp[3]: {"event":{"action":"export"},"user":{"name":"lan"}})x");
  decoder_.decode(in_syslog);
  EXPECT_EQ(in_syslog.fields.get("process.name"), "myapp");
  EXPECT_EQ(in_syslog.fields.get("event.action"), "export");
  EXPECT_EQ(in_syslog.fields.get("user.name"), "lan");
  EXPECT_EQ(in_syslog.fields.get("host.name"), "web01");
}

TEST_F(DecodeChain, SurvivesRandomLinesOfEveryFormat) {
  std::mt19937 rng(7);
  const std::string seeds[] = {
      "Nov 23 10:00:01 h su[1]: FAILED SU (to root) alice on pts/0",
      "Nov 23 10:00:01 h useradd[1]: new user: name=bob, UID=1001, GID=1001, home=/h, shell=/s",
      "Nov 23 10:00:01 h usermod[1]: change user 'bob' UID from '1001' to '0'",
      "type=EXECVE msg=audit(1700000000.123:456): argc=2 a0=\"a\" a1_len=4 a1[0]=4142 "
      "a1[1]=4344",
      "type=USER_LOGIN msg=audit(1700000000.1:2): pid=1 msg='op=login acct=6162 res=failed'",
      "203.0.113.5 - u [10/Oct/2026:13:55:36 +0700] \"GET /a%2e?b=%41+c#d HTTP/1.1\" 200 5 "
      "\"r\" \"ua\\\"x\"",
      "[Wed Oct 11 14:32:52.123456 2026] [core:error] [pid 1:tid 2] [client ::1:80] AH00001: x, "
      "referer: y",
      "2026/10/11 14:32:52 [error] 1#2: *3 m, client: 1.2.3.4, request: \"GET / HTTP/1.1\"",
      "Nov 23 10:00:01 h kernel: [1.5] [UFW BLOCK] IN=e OUT= SRC=1.2.3.4 DST=::1 PROTO=TCP "
      "SPT=1 DPT=2",
      R"x({"a":{"b":[1,{"c":"\u00e1"}]},"@timestamp":"2026-11-23T10:00:01Z"})x",
  };
  for (int round = 0; round < 30000; ++round) {
    std::string line = seeds[rng() % std::size(seeds)];
    line.resize(rng() % (line.size() + 1));
    for (int k = rng() % 4; k > 0 && !line.empty(); --k) {
      line[rng() % line.size()] = static_cast<char>(rng() % 256);
    }
    auto e = event(line);
    decoder_.decode(e);
    ASSERT_EQ(e.fields.get("event.original"), line);
    ASSERT_EQ(e.fields.get("agent.id"), "0f8e4a52-1c2d-4e5f-9a0b-112233445566");
    ASSERT_TRUE(e.fields.get("message").has_value());
  }
}

// RFC 3164 has no zone: the configured one (Asia/Ho_Chi_Minh by default) decides, not the agent's
// clock, whose zone is often left at UTC on servers.
TEST(DecodeZone, Rfc3164TimesAreReadInTheConfiguredZone) {
  const std::string line =
      "Nov 23 12:00:01 web01 sshd[1]: Accepted password for a from 192.0.2.1 port 1 ssh2";
  const auto decoded_at = [&](const Decoder& d, std::string ts) {
    Event e = event(line, std::move(ts));
    d.decode(e);
    return e.time;
  };
  const std::string utc_agent = "2026-11-23T05:05:00Z";
  EXPECT_EQ(decoded_at(Decoder(), utc_agent), at("2026-11-23T05:00:01Z"));  // +07:00
  // A tolerance of a day: some of these zones put the line hours ahead of the read time.
  const auto with = [](const std::string& zone) {
    auto z = LogZone::parse(zone);
    EXPECT_TRUE(z.ok()) << z.error();
    return Decoder(UserDecoders(), std::move(z).value(), std::chrono::hours(24));
  };
  EXPECT_EQ(decoded_at(with("Asia/Ho_Chi_Minh"), utc_agent), at("2026-11-23T05:00:01Z"));
  EXPECT_EQ(decoded_at(with("agent"), utc_agent), at("2026-11-23T12:00:01Z"));
  EXPECT_EQ(decoded_at(with("agent"), "2026-11-23T12:05:00+07:00"), at("2026-11-23T05:00:01Z"));
  EXPECT_EQ(decoded_at(with("UTC"), utc_agent), at("2026-11-23T12:00:01Z"));
  EXPECT_EQ(decoded_at(with("-03:30"), utc_agent), at("2026-11-23T15:30:01Z"));
  // A zone with daylight saving time takes the offset in force then: CET in November.
  EXPECT_EQ(decoded_at(with("Europe/Berlin"), utc_agent), at("2026-11-23T11:00:01Z"));
  // The year still comes from the read time: a December line read on New Year's Day.
  Event dec =
      event("Dec 31 23:59:59 web01 sshd[1]: Accepted password for a from 192.0.2.1 port 1 ssh2",
            "2027-01-01T00:00:05+07:00");
  Decoder().decode(dec);
  EXPECT_EQ(dec.time, at("2026-12-31T23:59:59+07:00"));
  // A timestamp with its own zone (RFC 5424, rsyslog's RFC 3339) ignores the setting.
  Event own = event(
      "2026-11-23T12:00:01.5+00:00 web01 sshd[1]: Accepted password for a from "
      "192.0.2.1 port 1 ssh2",
      utc_agent);
  with("Asia/Ho_Chi_Minh").decode(own);
  EXPECT_EQ(own.time, at("2026-11-23T12:00:01.5Z"));
}

TEST(DecodeZone, UnknownZonesAreRefusedWithTheAccepted) {
  for (const char* bad : {"Mars/Olympus_Mons", "+25:00", "07:00", "", "+7"}) {
    auto z = LogZone::parse(bad);
    ASSERT_FALSE(z.ok()) << bad;
    EXPECT_NE(z.error().find("expected an IANA name"), std::string::npos) << z.error();
  }
  EXPECT_EQ(LogZone().name(), "Asia/Ho_Chi_Minh");
}

// Issue 11, item 3: a line's own time too far ahead of the agent's read time is not believed.
TEST(DecodeFutureTime, ATimeTooFarAheadBecomesTheReadTime) {
  const std::string read = "2026-12-07T16:00:05Z";
  const auto decoded = [&](const Decoder& d, const std::string& line) {
    Event e = event(line, read);
    d.decode(e);
    return e;
  };
  const auto utc = [](std::chrono::seconds tolerance) {
    auto z = LogZone::parse("UTC");
    EXPECT_TRUE(z.ok()) << z.error();
    return Decoder(UserDecoders(), std::move(z).value(), tolerance);
  };
  const Decoder d = utc(Decoder::kFutureTolerance);
  for (const std::string line : {
           // RFC 3164: a day ahead at most is still this year's date.
           "Dec  8 12:00:00 web01 sshd[1]: Connection closed by 198.51.100.1 port 22",
           "<38>1 2199-01-01T00:00:00Z web01 sshd 1 - - Connection closed by 198.51.100.1",
           "2026-12-07T16:06:00+00:00 web01 sshd[1]: Connection closed by 198.51.100.1 port 22",
           R"({"@timestamp":"2199-01-01T00:00:00Z","message":"x"})",
           "type=USER_LOGIN msg=audit(7258118400.000:1): pid=1 uid=0 res=failed",
       }) {
    const Event e = decoded(d, line);
    EXPECT_TRUE(e.time_untrusted) << line;
    EXPECT_EQ(e.time, at(read)) << line;
    EXPECT_EQ(e.fields.get("event.time_untrusted"), "true") << line;
  }
  // Within the tolerance (clock skew), or in the past (a backlog read late): believed.
  for (const auto& [line, time] : std::vector<std::pair<std::string, std::string>>{
           {"Dec  7 16:04:59 web01 sshd[1]: Connection closed by 198.51.100.1 port 22",
            "2026-12-07T16:04:59Z"},
           {"<38>1 1999-01-01T00:00:00Z web01 sshd 1 - - Connection closed by 198.51.100.1",
            "1999-01-01T00:00:00Z"},
       }) {
    const Event e = decoded(d, line);
    EXPECT_FALSE(e.time_untrusted) << line;
    EXPECT_EQ(e.time, at(time)) << line;
    EXPECT_FALSE(e.fields.get("event.time_untrusted")) << line;
  }
  // The tolerance is a setting; a reused Event does not keep the flag.
  Event e = decoded(utc(std::chrono::hours(1)), "Dec  7 16:30:00 web01 sshd[1]: x");
  EXPECT_FALSE(e.time_untrusted);
  EXPECT_EQ(e.time, at("2026-12-07T16:30:00Z"));
  d.decode(e);
  EXPECT_TRUE(e.time_untrusted);
  e.env.msg = "Dec  7 16:00:00 web01 sshd[1]: x";
  d.decode(e);
  EXPECT_FALSE(e.time_untrusted);
}

}  // namespace
}  // namespace soc
