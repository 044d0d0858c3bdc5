#include "collector/decode/pam.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace soc {
namespace {

using Opt = std::optional<std::string_view>;

TEST(DecodePam, AuthItemsAreSplitIncludingEmptyValues) {
  const PamAuthItems p = parse_pam_auth_items(
      "logname=alice uid=1000 euid=0 tty=/dev/pts/0 ruser=alice rhost=  user=root");
  EXPECT_EQ(p.logname, "alice");
  EXPECT_EQ(p.uid, "1000");
  EXPECT_EQ(p.euid, "0");
  EXPECT_EQ(p.tty, "/dev/pts/0");
  EXPECT_EQ(p.ruser, "alice");
  EXPECT_EQ(p.rhost, "");
  EXPECT_EQ(p.user, "root");
}

TEST(DecodePam, AuthenticationFailureForAnyService) {
  Fields f;
  ASSERT_TRUE(decode_pam(
      "pam_unix(login:auth): authentication failure; logname=LOGIN uid=0 euid=0 tty=/dev/tty1 "
      "ruser= rhost=  user=root",
      f));
  EXPECT_EQ(f.get("pam.module"), "pam_unix");
  EXPECT_EQ(f.get("pam.service"), "login");
  EXPECT_EQ(f.get("user.name"), "root");
  EXPECT_EQ(f.get("user.effective.name"), Opt());
  EXPECT_EQ(f.get("process.tty.name"), "/dev/tty1");
  EXPECT_EQ(f.get("source.ip"), Opt());
  EXPECT_EQ(f.get("event.action"), "pam_auth_failure");
  EXPECT_EQ(f.get("event.outcome"), "failure");
}

TEST(DecodePam, RequestingUserIsTheActorAndTargetIsEffective) {
  Fields f;
  ASSERT_TRUE(decode_pam(
      "pam_unix(su:auth): authentication failure; logname=alice uid=1000 euid=0 tty=pts/0 "
      "ruser=alice rhost=  user=root",
      f));
  EXPECT_EQ(f.get("user.name"), "alice");
  EXPECT_EQ(f.get("user.effective.name"), "root");
}

TEST(DecodePam, OtherModulesAndRemoteHosts) {
  Fields f;
  ASSERT_TRUE(
      decode_pam("pam_sss(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= "
                 "rhost=198.51.100.4 user=hoa.nt",
                 f));
  EXPECT_EQ(f.get("pam.module"), "pam_sss");
  EXPECT_EQ(f.get("source.ip"), "198.51.100.4");
  EXPECT_EQ(f.get("user.name"), "hoa.nt");

  Fields g;
  ASSERT_TRUE(decode_pam(
      "pam_unix(vsftpd:auth): authentication failure; logname= uid=0 euid=0 tty=ftp ruser=anon "
      "rhost=scan.example.net",
      g));
  EXPECT_EQ(g.get("source.domain"), "scan.example.net");
  EXPECT_EQ(g.get("user.name"), "anon");  // only ruser: that is who tried
}

TEST(DecodePam, SessionOpenedBySomeoneElse) {
  Fields f;
  ASSERT_TRUE(decode_pam(
      "pam_unix(sudo:session): session opened for user root(uid=0) by alice(uid=1000)", f));
  EXPECT_EQ(f.get("pam.service"), "sudo");
  EXPECT_EQ(f.get("user.name"), "alice");
  EXPECT_EQ(f.get("user.id"), "1000");
  EXPECT_EQ(f.get("user.effective.name"), "root");
  EXPECT_EQ(f.get("user.effective.id"), "0");
  EXPECT_EQ(f.get("event.action"), "session_opened");
  EXPECT_EQ(f.get("event.outcome"), "success");
}

TEST(DecodePam, SessionOpenedWithoutAnActor) {
  Fields f;
  ASSERT_TRUE(
      decode_pam("pam_unix(sshd:session): session opened for user hung(uid=1000) by (uid=0)", f));
  EXPECT_EQ(f.get("user.name"), "hung");
  EXPECT_EQ(f.get("user.id"), "1000");
  EXPECT_EQ(f.get("user.effective.name"), Opt());

  Fields old;  // older pam_unix without the uid after the user
  ASSERT_TRUE(decode_pam("pam_unix(cron:session): session opened for user root by (uid=0)", old));
  EXPECT_EQ(old.get("user.name"), "root");
  EXPECT_EQ(old.get("user.id"), Opt());

  Fields same;
  ASSERT_TRUE(decode_pam(
      "pam_unix(systemd-user:session): session opened for user lan(uid=1001) by lan(uid=0)", same));
  EXPECT_EQ(same.get("user.name"), "lan");
  EXPECT_EQ(same.get("user.id"), "1001");
}

TEST(DecodePam, SessionClosedPasswordChangedAndLockout) {
  Fields a;
  ASSERT_TRUE(decode_pam("pam_unix(sshd:session): session closed for user hung", a));
  EXPECT_EQ(a.get("user.name"), "hung");
  EXPECT_EQ(a.get("event.action"), "session_closed");

  Fields b;
  ASSERT_TRUE(decode_pam("pam_unix(passwd:chauthtok): password changed for bob", b));
  EXPECT_EQ(b.get("user.name"), "bob");
  EXPECT_EQ(b.get("event.action"), "password_changed");
  EXPECT_EQ(b.get("event.outcome"), "success");

  Fields c;
  ASSERT_TRUE(decode_pam(
      "pam_faillock(sshd:auth): Consecutive login failures for user root account temporarily "
      "locked",
      c));
  EXPECT_EQ(c.get("user.name"), "root");
  EXPECT_EQ(c.get("event.action"), "account_locked");
}

TEST(DecodePam, PamTallyRefusingALockedAccount) {
  Fields a;
  ASSERT_TRUE(decode_pam("pam_tally2(sshd:auth): user alice (1000) tally 4, deny 3", a));
  EXPECT_EQ(a.get("pam.module"), "pam_tally2");
  EXPECT_EQ(a.get("pam.service"), "sshd");
  EXPECT_EQ(a.get("user.name"), "alice");
  EXPECT_EQ(a.get("user.id"), "1000");
  EXPECT_EQ(a.get("event.action"), "account_locked");
  EXPECT_EQ(a.get("event.outcome"), "failure");

  Fields b;
  ASSERT_TRUE(decode_pam(
      "pam_tally2(login:auth): user root (0) has time limit [50s left] since last failure.", b));
  EXPECT_EQ(b.get("user.name"), "root");
  EXPECT_EQ(b.get("user.id"), "0");
  EXPECT_EQ(b.get("event.action"), "account_locked");

  Fields c;  // the older pam_tally logs the same words
  ASSERT_TRUE(decode_pam("pam_tally(su:auth): user bob (1001) tally 6, deny 5", c));
  EXPECT_EQ(c.get("user.name"), "bob");

  for (std::string_view m : {
           "pam_tally2(sshd:auth): user alice (x) tally 4, deny 3",
           "pam_tally2(sshd:auth): user alice (1000) reset",
           "pam_tally2(sshd:auth): user two words (1000) tally 4, deny 3",
           "pam_tally2(sshd:auth): user alice",
           "pam_unix(sshd:auth): user alice (1000) tally 4, deny 3",
       }) {
    Fields f;
    EXPECT_FALSE(decode_pam(m, f)) << m;
    EXPECT_TRUE(f.all().empty()) << m;
  }
}

TEST(DecodePam, OtherAndMalformedLinesAreNotDecoded) {
  for (std::string_view m : {
           "pam_unix(sshd:auth): check pass; user unknown",
           "pam_unix(sudo:auth): conversation failed",
           "pam_unix(sudo:auth): auth could not identify password for [alice]",
           "pam_unix(sshd:session): session opened for user  by (uid=0)",
           "pam_unix(sshd:session): session opened for user",
           "pam_unix(passwd:chauthtok): password changed for ",
           "pam_unix(passwd:chauthtok): password changed for two words",
           "pam_unix(sshd:auth authentication failure; user=root",
           "pam_unix",
           "pam_(",
           "pam_unix(): ",
           "not pam at all",
           "",
       }) {
    Fields f;
    EXPECT_FALSE(decode_pam(m, f)) << m;
    EXPECT_TRUE(f.all().empty()) << m;
  }
}

}  // namespace
}  // namespace soc
