// The decoder registry: every built-in decoder by name, the programs routed to it, and the table's
// own checks (a name twice, a program claimed twice, programs without an entry point).
#include "collector/decode/decoder_registry.h"

#include <gtest/gtest.h>

#include <array>
#include <map>
#include <set>
#include <string>

#include "collector/decode/decoder.h"

namespace soc {
namespace {

TEST(DecoderRegistry, BuiltinTableHasNoProblems) {
  const DecoderRegistry& registry = DecoderRegistry::builtin();
  EXPECT_TRUE(registry.problems().empty()) << registry.problems().front();
  std::set<std::string_view> names;
  for (const DecoderSpec* spec : registry.all()) {
    EXPECT_TRUE(names.insert(spec->name).second) << spec->name;
    EXPECT_FALSE(spec->description.empty()) << spec->name;
    EXPECT_FALSE(spec->formats.empty()) << spec->name;
    EXPECT_EQ(spec->programs.empty(), spec->decode == nullptr) << spec->name;
    EXPECT_EQ(registry.find(spec->name), spec);
  }
  EXPECT_EQ(registry.find("no-such-decoder"), nullptr);
}

// The program table the dispatch had before the registry: every program still reaches the same
// decoder.
TEST(DecoderRegistry, RoutesEachProgramToItsDecoder) {
  std::map<std::string_view, std::string_view> expected = {
      {"CRON", "cron"},
      {"CROND", "cron"},
      {"apache", "web"},
      {"apache-access", "web"},
      {"apache-error", "web"},
      {"apache2", "web"},
      {"audisp-syslog", "auditd"},
      {"audispd", "auditd"},
      {"audit", "auditd"},
      {"auditd", "auditd"},
      {"chage", "account"},
      {"chpasswd", "account"},
      {"chsh", "account"},
      {"cron", "cron"},
      {"crond", "cron"},
      {"crontab", "cron"},
      {"gpasswd", "account"},
      {"groupadd", "account"},
      {"groupdel", "account"},
      {"groupmod", "account"},
      {"httpd", "web"},
      {"kernel", "kernel"},
      {"systemd", "systemd"},
      {"dockerd", "docker"},
      {"docker", "docker"},
      {"containerd", "docker"},
      {"fail2ban", "fail2ban"},
      {"fail2ban.actions", "fail2ban"},
      {"fail2ban.filter", "fail2ban"},
      {"fail2ban-server", "fail2ban"},
      {"scanlogd", "scanlogd"},
      {"portsentry", "portsentry"},
      {"xinetd", "xinetd"},
      {"login", "login"},
      {"newusers", "account"},
      {"nginx", "web"},
      {"passwd", "account"},
      {"sshd", "sshd"},
      {"sshd-auth", "sshd"},
      {"sshd-session", "sshd"},
      {"su", "su"},
      {"sudo", "sudo"},
      {"useradd", "account"},
      {"userdel", "account"},
      {"usermod", "account"},
      // network services (issue 12)
      {"vsftpd", "ftp"},
      {"proftpd", "ftp"},
      {"pure-ftpd", "ftp"},
      {"pure-ftpd-mysql", "ftp"},
      {"wu-ftpd", "ftp"},
      {"wu.ftpd", "ftp"},
      {"ftpd", "ftp"},
      {"in.ftpd", "ftp"},
      {"gssftpd", "ftp"},
      {"named", "dns"},
      {"bind", "dns"},
      {"bind9", "dns"},
      {"unbound", "dns"},
      {"nsd", "dns"},
      {"squid", "proxy"},
      {"haproxy", "proxy"},
      {"danted", "proxy"},
      {"sockd", "proxy"},
      {"3proxy", "proxy"},
      {"slapd", "slapd"},
      {"openvpn", "vpn"},
      {"ovpn-server", "vpn"},
      {"openvpn-server", "vpn"},
      {"charon", "vpn"},
      {"charon-systemd", "vpn"},
      {"ipsec", "vpn"},
      {"strongswan", "vpn"},
      {"smbd", "samba"},
      {"smb", "samba"},
      {"winbindd", "samba"},
      {"samba", "samba"},
      {"samba-dcerpcd", "samba"},
      {"dropbear", "dropbear"},
      {"doas", "doas"},
      {"mysqld", "database"},
      {"mariadbd", "database"},
      {"mysql", "database"},
      {"mariadb", "database"},
      {"mysqld_safe", "database"},
      {"postgres", "database"},
      {"postgresql", "database"},
      {"postmaster", "database"},
      {"mongod", "database"},
      {"mongodb", "database"},
      {"sqlservr", "database"},
      {"mysql-server_auditing", "database"},
      {"asterisk", "voip"},
      {"freeswitch", "voip"},
      {"xrdp-sesman", "remote_access"},
      {"monit", "remote_access"},
      {"murmurd", "remote_access"},
      {"murmur", "remote_access"},
      {"ejabberd", "remote_access"},
      {"znc", "remote_access"},
      {"stunnel", "remote_access"},
      {"stunnel4", "remote_access"},
      {"screensharingd", "remote_access"},
      // web servers and web applications (issue 12)
      {"lighttpd", "lighttpd"},
      {"suhosin", "php"},
      {"php", "php"},
      {"php-fpm", "php"},
      {"php-fpm7.4", "php"},
      {"php-fpm8.1", "php"},
      {"php-fpm8.2", "php"},
      {"php-fpm8.3", "php"},
      {"php7.4-fpm", "php"},
      {"php8.1-fpm", "php"},
      {"php8.2-fpm", "php"},
      {"php8.3-fpm", "php"},
      {"phpMyAdmin", "webapp_auth"},
      {"phpmyadmin", "webapp_auth"},
      {"webmin", "webapp_auth"},
      {"usermin", "webapp_auth"},
      {"Froxlor", "webapp_auth"},
      {"froxlor", "webapp_auth"},
      {"pvedaemon", "webapp_auth"},
      {"pveproxy", "webapp_auth"},
      {"grafana", "webapp_auth"},
      {"grafana-server", "webapp_auth"},
      {"gitlab", "webapp_auth"},
      {"vaultwarden", "webapp_auth"},
      {"bitwarden", "webapp_auth"},
      {"guacd", "webapp_auth"},
      {"guacamole", "webapp_auth"},
      {"centreon", "webapp_auth"},
      {"tine20", "webapp_auth"},
  };
  // Mail servers (issue 12).
  for (const std::string_view program :
       {"postfix", "postfix/smtpd", "postfix/submission/smtpd", "postfix/smtps/smtpd",
        "postfix/postscreen", "postfix/cleanup", "postfix/anvil", "postfix/submissions/smtpd"}) {
    expected.emplace(program, "postfix");
  }
  for (const std::string_view program :
       {"dovecot", "imap-login", "pop3-login", "managesieve-login", "submission-login",
        "lmtp-login", "dovecot-auth", "auth-worker", "auth"}) {
    expected.emplace(program, "dovecot");
  }
  for (const std::string_view program : {"exim", "exim4"}) expected.emplace(program, "exim");
  for (const std::string_view program :
       {"sendmail", "sm-mta", "sm-msp-queue", "sm-acceptingconnections"}) {
    expected.emplace(program, "sendmail");
  }
  for (const std::string_view program :
       {"courierpop3login", "courierpop3d", "courierimaplogin", "courieresmtpd", "courier-imapd",
        "imapd-ssl", "pop3d-ssl", "courier", "courierimapd"}) {
    expected.emplace(program, "courier");
  }
  for (const std::string_view program :
       {"cyrus", "cyrus/imap", "cyrus/imaps", "cyrus/pop3", "cyrus/pop3s", "cyrus/timsieved",
        "cyrus/sieve", "timsieved", "sieve"}) {
    expected.emplace(program, "cyrus");
  }
  for (const std::string_view program :
       {"imapd", "imap", "pop3d", "pop3", "ipop3d", "imaps", "pop3s"}) {
    expected.emplace(program, "imapd");
  }
  for (const std::string_view program : {"roundcube", "roundcubemail"}) {
    expected.emplace(program, "roundcube");
  }
  expected.emplace("solid-pop3d", "solid-pop3d");
  for (const std::string_view program : {"qmail", "rblsmtpd", "qmail-smtpd"}) {
    expected.emplace(program, "qmail");
  }
  for (const std::string_view program : {"sogod", "sogo"}) expected.emplace(program, "sogo");
  for (const std::string_view program : {"horde", "HORDE", "imp"}) {
    expected.emplace(program, "horde");
  }
  for (const std::string_view program :
       {"perdition", "perdition.imap4", "perdition.imap4s", "perdition.imaps", "perdition.pop3",
        "perdition.pop3s", "perdition.managesieve"}) {
    expected.emplace(program, "perdition");
  }
  const DecoderRegistry& registry = DecoderRegistry::builtin();
  size_t programs = 0;
  for (const DecoderSpec* spec : registry.all()) programs += spec->programs.size();
  EXPECT_EQ(programs, expected.size());
  for (const auto& [program, name] : expected) {
    const DecoderSpec* spec = registry.for_program(program);
    ASSERT_NE(spec, nullptr) << program;
    EXPECT_EQ(spec->name, name) << program;
  }
  // Tags are case-sensitive, as syslog writes them: "Sshd" is another program.
  EXPECT_EQ(registry.for_program("Sshd"), nullptr);
  EXPECT_EQ(registry.for_program("nosuch/smtpd"), nullptr);
  EXPECT_EQ(registry.for_program(""), nullptr);
}

// Tags not listed fall back to their family: multi-instance Postfix ("postfix-NAME/..."),
// master.cf service names, Cyrus services.
TEST(DecoderRegistry, RoutesAnUnlistedTagToItsFamily) {
  const DecoderRegistry& registry = DecoderRegistry::builtin();
  for (const std::string_view program :
       {"postfix-incoming/smtpd", "postfix-smo/submission/smtpd", "postfix/smtp-25/smtpd"}) {
    const DecoderSpec* spec = registry.for_program(program);
    ASSERT_NE(spec, nullptr) << program;
    EXPECT_EQ(spec->name, "postfix") << program;
  }
  const DecoderSpec* cyrus = registry.for_program("cyrus/lmtpunix");
  ASSERT_NE(cyrus, nullptr);
  EXPECT_EQ(cyrus->name, "cyrus");
  // Only tags with a '/' have a family; a dash alone is not one.
  EXPECT_EQ(registry.for_program("postfix-incoming"), nullptr);
  EXPECT_EQ(registry.for_program("/smtpd"), nullptr);
  EXPECT_EQ(registry.for_program("sshd-x/y"), registry.for_program("sshd"));
}

bool decode_nothing(std::string_view, const ReadTime&, Fields&, std::optional<SysTime>&) {
  return false;
}

constexpr std::string_view kFormats[] = {"test lines"};
constexpr std::string_view kAlphaPrograms[] = {"alpha", "shared"};
constexpr std::string_view kBetaPrograms[] = {"beta", "shared"};
constexpr DecoderSpec kAlpha{"alpha", "first", kAlphaPrograms, kFormats, decode_nothing};
constexpr DecoderSpec kBeta{"beta", "second", kBetaPrograms, kFormats, decode_nothing};
constexpr DecoderSpec kNoEntry{"no-entry", "programs but no function", kBetaPrograms, kFormats,
                               nullptr};

TEST(DecoderRegistry, ReportsAProgramClaimedTwiceAndKeepsTheFirst) {
  const std::array<const DecoderSpec*, 2> specs = {&kAlpha, &kBeta};
  const DecoderRegistry registry(specs);
  ASSERT_EQ(registry.problems().size(), 1u);
  EXPECT_EQ(registry.problems()[0], "program shared is claimed by alpha and beta");
  EXPECT_EQ(registry.for_program("shared"), &kAlpha);
  EXPECT_EQ(registry.for_program("beta"), &kBeta);
}

TEST(DecoderRegistry, ReportsANameTwiceAndProgramsWithoutAnEntryPoint) {
  const std::array<const DecoderSpec*, 3> specs = {&kAlpha, &kAlpha, &kNoEntry};
  const DecoderRegistry registry(specs);
  ASSERT_EQ(registry.problems().size(), 2u);
  EXPECT_EQ(registry.problems()[0], "decoder alpha is listed twice");
  EXPECT_EQ(registry.problems()[1], "decoder no-entry has programs but no decode function");
  // Not routed: a line of those programs goes to the line-shape rule instead of a null call.
  EXPECT_EQ(registry.for_program("beta"), nullptr);
}

// The Decoder dispatches through the registry: a program's decoder, then the shape rule when the
// decoder does not know the MSG.
TEST(DecoderRegistry, DecoderUsesTheRegistryThenTheShapeRule) {
  const Decoder decoder;
  Event e;
  e.env.ts = "2026-11-23T12:00:00+07:00";
  e.env.msg =
      "Nov 23 12:00:01 web01 kernel: [ 12.5] [UFW BLOCK] IN=eth0 OUT= "
      "SRC=203.0.113.7 DST=10.0.0.5 LEN=60 PROTO=TCP SPT=40000 DPT=22";
  decoder.decode(e);
  EXPECT_EQ(e.fields.get("source.ip"), "203.0.113.7");
  EXPECT_EQ(e.fields.get("destination.port"), "22");

  Event pam;
  pam.env.ts = e.env.ts;
  pam.env.msg =
      "Nov 23 12:00:01 web01 vsftpd: pam_unix(vsftpd:auth): authentication failure; "
      "logname= uid=0 euid=0 tty=ftp ruser=bob rhost=203.0.113.9  user=bob";
  decoder.decode(pam);
  EXPECT_EQ(pam.fields.get("source.ip"), "203.0.113.9");
}

// The line-shape rule is the registry's: the decoders whose shape a text matches, in the order
// they try it: mail servers' own files first (by their exact first bytes), then the first-byte
// dispatch decoder.cpp had before: JSON, PAM, auditd, web.
TEST(DecoderRegistry, AnswersWhichDecodersTakeALineShape) {
  const DecoderRegistry& registry = DecoderRegistry::builtin();
  const auto names = [&](std::string_view text) {
    std::string out;
    for (const DecoderSpec* spec : registry.shapes_for(text)) {
      out += (out.empty() ? "" : " ") + std::string(spec->name);
    }
    return out;
  };
  EXPECT_EQ(names(R"({"message":"x"})"), "json");
  EXPECT_EQ(names("@cee: {}"), "mail-files json");
  EXPECT_EQ(names(R"({"a":"] \"x"})"), "json");  // JSON's shape, though it holds '] "'
  EXPECT_EQ(names("pam_unix(sshd:auth): authentication failure"), "pam");
  EXPECT_EQ(names("pam_unix(x:y): z [t] \"GET / HTTP/1.1\" 200 1"), "pam web");
  EXPECT_EQ(names("type=SYSCALL msg=audit(1.2:3): x"), "auditd");
  EXPECT_EQ(names("node=h type=EOE msg=audit(1.2:3):"), "auditd");
  EXPECT_EQ(names("audit: type=EOE msg=audit(1.2:3):"), "pam auditd web");  // 'a' is hex
  EXPECT_EQ(names("[Mon Nov 23 12:00:00 2026] [error] x"), "mail-files web");
  EXPECT_EQ(names("203.0.113.7 - - [23/Nov/2026:12:00:00 +0700] \"GET / HTTP/1.1\" 200 1"),
            "mail-files fail2ban portsentry web");
  EXPECT_EQ(names("::1 - - x"), "web");
  EXPECT_EQ(names("portal.example.gov.vn:443 203.0.113.7 - - [x] \"GET / HTTP/1.1\" 200 1"),
            "pam web");
  EXPECT_EQ(names("portal without a request"), "pam");
  EXPECT_EQ(names(""), "");
  // Which decoder decoded it.
  Fields f;
  std::optional<SysTime> time;
  const ReadTime read{parse_rfc3339("2026-11-23T12:00:00+07:00").value_or(SysTime{}), 7 * 3600};
  const DecoderSpec* spec = registry.decode_by_shape(
      "203.0.113.7 - - [23/Nov/2026:12:00:00 +0700] \"GET / HTTP/1.1\" 200 1 \"-\" \"curl\"", read,
      f, time);
  ASSERT_NE(spec, nullptr);
  EXPECT_EQ(spec->name, "web");
  EXPECT_EQ(f.get("source.ip"), "203.0.113.7");
  EXPECT_EQ(registry.decode_by_shape("{not json", read, f, time), nullptr);
}

bool decode_yes(std::string_view, const ReadTime&, Fields& f, std::optional<SysTime>&) {
  f.set("decoded.by", "yes");
  return true;
}

constexpr std::string_view kXPrefix[] = {"x"};
constexpr DecoderSpec kTries{
    .name = "tries",
    .description = "not final",
    .formats = kFormats,
    .shape = {.prefixes = kXPrefix, .decode = decode_nothing, .final = false}};
constexpr DecoderSpec kDecides{.name = "decides",
                               .description = "final, fails",
                               .formats = kFormats,
                               .shape = {.prefixes = kXPrefix, .decode = decode_nothing}};
constexpr DecoderSpec kTakes{.name = "takes",
                             .description = "final, decodes",
                             .formats = kFormats,
                             .shape = {.prefixes = kXPrefix, .decode = decode_yes}};

TEST(DecoderRegistry, ShapesAreTriedInTableOrderUpToTheFirstFinalOne) {
  Fields f;
  std::optional<SysTime> time;
  const ReadTime read{};
  const std::array<const DecoderSpec*, 2> passes_on = {&kTries, &kTakes};
  EXPECT_EQ(DecoderRegistry(passes_on).decode_by_shape("x1", read, f, time), &kTakes);
  EXPECT_EQ(DecoderRegistry(passes_on).decode_by_shape("y1", read, f, time), nullptr);
  const std::array<const DecoderSpec*, 3> stops = {&kTries, &kDecides, &kTakes};
  const DecoderRegistry registry(stops);
  EXPECT_EQ(registry.decode_by_shape("x1", read, f, time), nullptr);
  EXPECT_EQ(registry.shapes_for("x1").size(), 2u);
}

}  // namespace
}  // namespace soc
