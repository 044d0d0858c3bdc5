#include "collector/decode/login.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "collector/decode/decoder.h"

namespace soc {
namespace {

using Opt = std::optional<std::string_view>;

struct Want {
  Opt user, tty, source, action, outcome;
};

void expect_login(std::string_view m, const Want& w) {
  Fields f;
  ASSERT_TRUE(decode_login(m, f)) << m;
  EXPECT_EQ(f.get("user.name"), w.user) << m;
  EXPECT_EQ(f.get("process.tty.name"), w.tty) << m;
  EXPECT_EQ(f.get("source.address"), w.source) << m;
  EXPECT_EQ(f.get("event.action"), w.action) << m;
  EXPECT_EQ(f.get("event.outcome"), w.outcome) << m;
}

TEST(DecodeLogin, ConsoleLogins) {
  expect_login("ROOT LOGIN ON tty1", {"root", "tty1", {}, "login", "success"});
  expect_login("ROOT LOGIN ON pts/3 FROM 192.0.2.8",
               {"root", "pts/3", "192.0.2.8", "login", "success"});
  expect_login("LOGIN ON tty2 BY alice", {"alice", "tty2", {}, "login", "success"});
}

TEST(DecodeLogin, FailuresOfBothImplementations) {
  expect_login("FAILED LOGIN 1 FROM tty1 FOR root, Authentication failure",
               {"root", "tty1", {}, "login", "failure"});
  expect_login("FAILED LOGIN (1) on '/dev/tty1' FOR 'root', Authentication failure",
               {"root", "tty1", {}, "login", "failure"});
  expect_login(
      "FAILED LOGIN 2 FROM 198.51.100.4 FOR admin, User not known to the underlying "
      "authentication module",
      {"admin", {}, "198.51.100.4", "login", "failure"});
  expect_login("TOO MANY LOGIN TRIES (5) FROM tty1 FOR root, Authentication failure",
               {"root", "tty1", {}, "login_too_many_tries", "failure"});
  Fields f;
  ASSERT_TRUE(decode_login("FAILED LOGIN 1 FROM tty1 FOR root, Authentication failure", f));
  EXPECT_EQ(f.get("event.reason"), "Authentication failure");
}

TEST(DecodeLogin, OtherLinesAreNotDecoded) {
  for (const char* m : {"pam_unix(login:session): session opened for user root(uid=0) by (uid=0)",
                        "ROOT LOGIN ON", "LOGIN ON tty1", "LOGIN ON tty1 BY alice extra",
                        "FAILED LOGIN 1 tty1 FOR root", "FAILED LOGIN 1 FROM tty1", ""}) {
    Fields f;
    EXPECT_FALSE(decode_login(m, f)) << m;
    EXPECT_EQ(f.size(), 0u) << m;
  }
}

TEST(DecodeLogin, ThroughTheDecoder) {
  const Decoder decoder;
  Event e;
  e.env.ts = "2026-11-23T12:00:05+07:00";
  e.env.msg = "Nov 23 12:00:01 web01 login[812]: ROOT LOGIN ON tty1";
  decoder.decode(e);
  EXPECT_EQ(e.fields.get("process.name"), "login");
  EXPECT_EQ(e.fields.get("user.name"), "root");
  EXPECT_EQ(e.fields.get("event.outcome"), "success");
  Event pam;
  pam.env.msg =
      "Nov 23 12:00:01 web01 login[812]: pam_unix(login:auth): authentication failure; logname= "
      "uid=0 euid=0 tty=/dev/tty1 ruser= rhost=  user=root";
  decoder.decode(pam);
  EXPECT_EQ(pam.fields.get("event.outcome"), "failure");
}

}  // namespace
}  // namespace soc
