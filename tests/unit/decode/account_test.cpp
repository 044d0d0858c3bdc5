#include "collector/decode/account.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace soc {
namespace {

using Opt = std::optional<std::string_view>;

// Decodes `m` and checks each listed field; an empty expectation means "absent".
void expect_fields(std::string_view m, std::vector<std::pair<std::string_view, Opt>> want) {
  Fields f;
  ASSERT_TRUE(decode_account(m, f)) << m;
  for (const auto& [name, value] : want) EXPECT_EQ(f.get(name), value) << m << " / " << name;
}

TEST(DecodeAccount, UseraddNewUser) {
  expect_fields(
      "new user: name=bob, UID=1001, GID=1001, home=/home/bob, shell=/bin/bash, from=/dev/pts/0",
      {{"event.action", "user_created"},
       {"event.outcome", "success"},
       {"user.name", "bob"},
       {"user.id", "1001"},
       {"group.id", "1001"},
       {"user.home", "/home/bob"},
       {"user.shell", "/bin/bash"},
       {"process.tty.name", "pts/0"}});
  // Older shadow-utils has no from=; a backdoor account with UID 0 keeps its id.
  expect_fields("new user: name=sysbackup, UID=0, GID=0, home=/root, shell=/bin/sh",
                {{"user.name", "sysbackup"}, {"user.id", "0"}, {"process.tty.name", Opt()}});
  expect_fields("new user: name=svc, UID=998, GID=998, home=/opt/a, b, shell=/bin/false, from=none",
                {{"user.home", "/opt/a, b"}, {"process.tty.name", Opt()}});
}

TEST(DecodeAccount, UseraddFailure) {
  expect_fields(
      "failed adding user 'bob', data deleted",
      {{"event.action", "user_created"}, {"event.outcome", "failure"}, {"user.name", "bob"}});
}

TEST(DecodeAccount, Groups) {
  expect_fields("new group: name=bob, GID=1001", {{"event.action", "group_created"},
                                                  {"group.name", "bob"},
                                                  {"group.id", "1001"},
                                                  {"user.name", Opt()}});
  expect_fields("group added to /etc/group: name=devs, GID=1002",
                {{"event.action", "group_entry_added"},
                 {"group.name", "devs"},
                 {"group.id", "1002"},
                 {"file.path", "/etc/group"}});
  expect_fields("group added to /etc/gshadow: name=devs",
                {{"event.action", "group_entry_added"}, {"file.path", "/etc/gshadow"}});
  expect_fields("group 'devs' removed",
                {{"event.action", "group_deleted"}, {"group.name", "devs"}});
  expect_fields("group 'devs' removed from /etc/group",
                {{"event.action", "group_entry_removed"}, {"file.path", "/etc/group"}});
  expect_fields("removed group 'bob' owned by 'bob'",
                {{"event.action", "group_deleted"}, {"group.name", "bob"}, {"user.name", "bob"}});
  expect_fields("removed shadow group 'bob' owned by 'bob'",
                {{"event.action", "shadow_group_deleted"}});
  expect_fields("group changed in /etc/group (group devs/1002, new name: ops)",
                {{"event.action", "group_modified"},
                 {"group.name", "devs"},
                 {"group.id", "1002"},
                 {"group.changes.name", "ops"}});
  expect_fields("group changed in /etc/group (group ops/1002, new gid: 0)",
                {{"group.changes.id", "0"}});
}

TEST(DecodeAccount, GroupMembership) {
  expect_fields("add 'bob' to group 'sudo'", {{"event.action", "user_added_to_group"},
                                              {"user.name", "bob"},
                                              {"group.name", "sudo"},
                                              {"event.outcome", "success"}});
  expect_fields("add 'bob' to shadow group 'sudo'",
                {{"event.action", "user_added_to_shadow_group"}, {"group.name", "sudo"}});
  expect_fields("delete 'bob' from group 'adm'",
                {{"event.action", "user_removed_from_group"}, {"group.name", "adm"}});
  expect_fields("delete 'bob' from shadow group 'adm'",
                {{"event.action", "user_removed_from_shadow_group"}});
  expect_fields("user bob added by root to group sudo", {{"event.action", "user_added_to_group"},
                                                         {"user.name", "bob"},
                                                         {"group.name", "sudo"},
                                                         {"process.real_user.name", "root"}});
  expect_fields("user bob removed by admin from group wheel",
                {{"event.action", "user_removed_from_group"}, {"group.name", "wheel"}});
  expect_fields("members of group sudo set by root to alice,bob",
                {{"event.action", "group_modified"}, {"group.name", "sudo"}});
}

TEST(DecodeAccount, UserdelAndUsermod) {
  expect_fields("delete user 'bob'", {{"event.action", "user_deleted"}, {"user.name", "bob"}});
  expect_fields("change user 'bob' password",
                {{"event.action", "password_changed"}, {"user.name", "bob"}});
  expect_fields("lock user 'bob' password", {{"event.action", "user_locked"}});
  expect_fields("unlock user 'bob' password", {{"event.action", "user_unlocked"}});
  expect_fields("change user 'bob' UID from '1001' to '0'", {{"event.action", "user_modified"},
                                                             {"user.name", "bob"},
                                                             {"user.id", "1001"},
                                                             {"user.changes.id", "0"}});
  expect_fields("change user 'bob' GID from '1001' to '27'", {{"user.changes.group.id", "27"}});
  expect_fields("change user 'bob' shell from '/usr/sbin/nologin' to '/bin/bash'",
                {{"user.changes.shell", "/bin/bash"}});
  expect_fields("change user 'bob' home from '/home/bob' to '/srv/bob'",
                {{"user.changes.home", "/srv/bob"}});
  expect_fields("change user 'bob' expiration from 'never' to '2026-12-31'",
                {{"user.changes.expiration", "2026-12-31"}});
  expect_fields("change user name 'bob' to 'robert'",
                {{"user.name", "bob"}, {"user.changes.name", "robert"}});
}

TEST(DecodeAccount, PasswdChageChshAndPam) {
  expect_fields("password for 'bob' changed by 'root'", {{"event.action", "password_changed"},
                                                         {"user.name", "bob"},
                                                         {"process.real_user.name", "root"}});
  expect_fields("pam_unix(passwd:chauthtok): password changed for bob",
                {{"event.action", "password_changed"}, {"user.name", "bob"}});
  expect_fields("pam_unix(chpasswd:chauthtok): password changed for svc_backup",
                {{"event.action", "password_changed"}, {"user.name", "svc_backup"}});
  expect_fields("changed password expiry for bob",
                {{"event.action", "user_modified"}, {"user.name", "bob"}});
  expect_fields("changed user 'bob' shell to '/bin/zsh'", {{"user.changes.shell", "/bin/zsh"}});
}

TEST(DecodeAccount, TrailingNewlineAsLogged) {
  expect_fields("delete user 'bob'\n", {{"user.name", "bob"}});
  expect_fields("delete user 'bob'#012", {{"user.name", "bob"}});
}

TEST(DecodeAccount, OtherAndMalformedLinesAreNotDecoded) {
  for (std::string_view m : {
           "new user: UID=1001, GID=1001",
           "new user: name=, UID=1",
           "new group: GID=5",
           "add 'bob' to group sudo",
           "add 'bob to group 'sudo'",
           "add 'bob' to group 'sudo' extra",
           "delete user bob",
           "delete user 'bob' now",
           "change user 'bob' UID from '1001'",
           "change user 'bob' colour from 'red' to 'blue'",
           "lock user 'bob'",
           "user bob added by root",
           "user bob added by root to group two words",
           "group 'devs'",
           "removed group 'x'",
           "password for 'bob' changed",
           "failed adding user bob",
           "pam_unix(passwd:chauthtok): authentication token manipulation error",
           "useradd: cannot lock /etc/passwd; try again later.",
           "'",
           "",
       }) {
    Fields f;
    EXPECT_FALSE(decode_account(m, f)) << m;
    EXPECT_TRUE(f.all().empty()) << m;
  }
}

}  // namespace
}  // namespace soc
