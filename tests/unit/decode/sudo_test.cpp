#include "collector/decode/sudo.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace soc {
namespace {

TEST(DecodeSudo, SuccessfulCommand) {
  Fields f;
  ASSERT_TRUE(
      decode_sudo("    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/bash", f));
  EXPECT_EQ(f.get("user.name"), "alice");
  EXPECT_EQ(f.get("user.effective.name"), "root");
  EXPECT_EQ(f.get("process.working_directory"), "/home/alice");
  EXPECT_EQ(f.get("process.command_line"), "/bin/bash");
  EXPECT_EQ(f.get("event.action"), "sudo");
  EXPECT_EQ(f.get("event.outcome"), "success");
  EXPECT_EQ(f.get("event.reason"), std::nullopt);
}

TEST(DecodeSudo, CommandLineIsTheWholeRemainder) {
  Fields f;
  ASSERT_TRUE(
      decode_sudo("hung : TTY=pts/3 ; PWD=/srv/app ; USER=postgres ; COMMAND=/usr/bin/psql "
                  "-c select 1 ; USER=root ; select 2",
                  f));
  EXPECT_EQ(f.get("user.effective.name"), "postgres");
  EXPECT_EQ(f.get("process.command_line"), "/usr/bin/psql -c select 1 ; USER=root ; select 2");
}

TEST(DecodeSudo, ExtraKeysOfNewerSudo) {
  Fields f;
  ASSERT_TRUE(
      decode_sudo("minh : TTY=pts/1 ; PWD=/tmp ; USER=root ; GROUP=adm ; TSID=000012 ; "
                  "ENV=LANG=vi_VN.UTF-8 ; COMMAND=/usr/bin/tail -n 50 /var/log/syslog",
                  f));
  EXPECT_EQ(f.get("user.name"), "minh");
  EXPECT_EQ(f.get("user.effective.name"), "root");
  EXPECT_EQ(f.get("process.command_line"), "/usr/bin/tail -n 50 /var/log/syslog");
  EXPECT_EQ(f.get("process.env_vars"), "LANG=vi_VN.UTF-8");
  EXPECT_EQ(f.get("event.outcome"), "success");
}

TEST(DecodeSudo, EnvironmentVariablesSetOnTheCommandLine) {
  // `sudo LD_PRELOAD=/tmp/x.so TERM=xterm ls` with setenv allowed: ENV= lists what was set.
  Fields f;
  ASSERT_TRUE(
      decode_sudo("alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; "
                  "ENV=LD_PRELOAD=/tmp/x.so TERM=xterm ; COMMAND=/usr/bin/ls",
                  f));
  EXPECT_EQ(f.get("process.env_vars"), "LD_PRELOAD=/tmp/x.so TERM=xterm");
  EXPECT_EQ(f.get("process.command_line"), "/usr/bin/ls");
  // Without ENV= there is no such field.
  Fields g;
  ASSERT_TRUE(decode_sudo("alice : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/usr/bin/ls", g));
  EXPECT_EQ(g.get("process.env_vars"), std::nullopt);
}

TEST(DecodeSudo, IncorrectPasswordAttempts) {
  Fields f;
  ASSERT_TRUE(
      decode_sudo("  alice : 3 incorrect password attempts ; TTY=pts/0 ; "
                  "PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/cat /etc/shadow",
                  f));
  EXPECT_EQ(f.get("user.name"), "alice");
  EXPECT_EQ(f.get("user.effective.name"), "root");
  EXPECT_EQ(f.get("process.command_line"), "/usr/bin/cat /etc/shadow");
  EXPECT_EQ(f.get("event.action"), "sudo");
  EXPECT_EQ(f.get("event.outcome"), "failure");
  EXPECT_EQ(f.get("event.reason"), "3 incorrect password attempts");
}

TEST(DecodeSudo, UserNotInSudoers) {
  Fields f;
  ASSERT_TRUE(
      decode_sudo("mallory : user NOT in sudoers ; TTY=pts/2 ; PWD=/home/mallory ; "
                  "USER=root ; COMMAND=/bin/sh",
                  f));
  EXPECT_EQ(f.get("user.name"), "mallory");
  EXPECT_EQ(f.get("event.outcome"), "failure");
  EXPECT_EQ(f.get("event.reason"), "user NOT in sudoers");
  EXPECT_EQ(f.get("process.command_line"), "/bin/sh");
}

TEST(DecodeSudo, OtherFailureReasons) {
  for (std::string_view reason :
       {"1 incorrect password attempt", "command not allowed", "a password is required"}) {
    Fields f;
    const std::string line = "bob : " + std::string(reason) +
                             " ; TTY=pts/4 ; PWD=/ ; USER=root ; COMMAND=/usr/sbin/reboot";
    ASSERT_TRUE(decode_sudo(line, f)) << line;
    EXPECT_EQ(f.get("event.outcome"), "failure") << line;
    EXPECT_EQ(f.get("event.reason"), reason) << line;
  }
}

TEST(DecodeSudo, OtherSudoMessagesAreNotDecoded) {
  for (std::string_view m : {
           "pam_unix(sudo:session): session opened for user root(uid=0) by alice(uid=1000)",
           "pam_unix(sudo:session): session closed for user root",
           "pam_unix(sudo:auth): authentication failure; logname=alice uid=1000 euid=0 "
           "tty=/dev/pts/0 ruser=alice rhost=  user=alice",
           "alice : unable to resolve host web01: Name or service not known",
           "alice : PAM account management error: Authentication service cannot retrieve",
           " : TTY=pts/0 ; COMMAND=/bin/sh",
           "two words : TTY=pts/0 ; COMMAND=/bin/sh",
           "",
       }) {
    Fields f;
    EXPECT_FALSE(decode_sudo(m, f)) << m;
    EXPECT_TRUE(f.all().empty()) << m;
  }
}

}  // namespace
}  // namespace soc
