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
  const std::map<std::string_view, std::string_view> expected = {
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
  };
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
  EXPECT_EQ(registry.for_program("postfix/smtpd"), nullptr);
  EXPECT_EQ(registry.for_program(""), nullptr);
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

}  // namespace
}  // namespace soc
