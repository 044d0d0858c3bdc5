#include "collector/decode/su.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace soc {
namespace {

using Opt = std::optional<std::string_view>;

struct Want {
  Opt user, target, tty, outcome;
};

void expect_su(std::string_view m, const Want& w) {
  Fields f;
  ASSERT_TRUE(decode_su(m, f)) << m;
  EXPECT_EQ(f.get("user.name"), w.user) << m;
  EXPECT_EQ(f.get("user.effective.name"), w.target) << m;
  EXPECT_EQ(f.get("process.tty.name"), w.tty) << m;
  EXPECT_EQ(f.get("event.action"), "su") << m;
  EXPECT_EQ(f.get("event.outcome"), w.outcome) << m;
}

TEST(DecodeSu, UtilLinuxSuccessAndFailure) {
  expect_su("(to root) alice on pts/0", {"alice", "root", "pts/0", "success"});
  expect_su("FAILED SU (to root) alice on pts/0", {"alice", "root", "pts/0", "failure"});
  expect_su("(to postgres) root on none", {"root", "postgres", "none", "success"});
}

TEST(DecodeSu, ShadowUtilsShapes) {
  expect_su("Successful su for root by alice", {"alice", "root", Opt(), "success"});
  expect_su("FAILED su for root by mallory", {"mallory", "root", Opt(), "failure"});
  expect_su("+ pts/3 alice:root", {"alice", "root", "pts/3", "success"});
  expect_su("- pts/3 mallory:root", {"mallory", "root", "pts/3", "failure"});
}

TEST(DecodeSu, PamLinesGoThroughThePamDecoder) {
  Fields f;
  ASSERT_TRUE(decode_su(
      "pam_unix(su:auth): authentication failure; logname=alice uid=1000 euid=0 tty=pts/0 "
      "ruser=alice rhost=  user=root",
      f));
  EXPECT_EQ(f.get("user.name"), "alice");
  EXPECT_EQ(f.get("user.effective.name"), "root");
  EXPECT_EQ(f.get("event.action"), "pam_auth_failure");
  EXPECT_EQ(f.get("pam.service"), "su");

  Fields g;
  ASSERT_TRUE(decode_su(
      "pam_unix(su-l:session): session opened for user root(uid=0) by alice(uid=1000)", g));
  EXPECT_EQ(g.get("user.name"), "alice");
  EXPECT_EQ(g.get("user.effective.name"), "root");
  EXPECT_EQ(g.get("event.action"), "session_opened");
}

TEST(DecodeSu, OtherAndMalformedLinesAreNotDecoded) {
  for (std::string_view m : {
           "(to root) alice on ",
           "(to root)alice on pts/0",
           "(to ) alice on pts/0",
           "(to root) two users on pts/0",
           "FAILED SU (to root)",
           "Successful su for root",
           "Successful su for root by ",
           "+ pts/3",
           "+ pts/3 alice",
           "- pts/3 :root",
           "No passwd entry for user 'ghost'",
           "",
       }) {
    Fields f;
    EXPECT_FALSE(decode_su(m, f)) << m;
    EXPECT_TRUE(f.all().empty()) << m;
  }
}

TEST(DecodeSu, WithoutATerminal) {
  expect_su("(to root) alice", {"alice", "root", Opt(), "success"});
}

}  // namespace
}  // namespace soc
