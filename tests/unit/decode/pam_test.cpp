// What PAM lines decode to is in tests/decoders/pam.yml; here, the parser it shares with sshd.
#include "collector/decode/pam.h"

#include <gtest/gtest.h>

namespace soc {
namespace {

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

}  // namespace
}  // namespace soc
