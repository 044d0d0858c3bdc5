// Fields from local account management: shadow-utils' useradd, usermod, userdel, groupadd,
// groupmod, groupdel, gpasswd, passwd, chpasswd, chage and chsh (their syslog messages), plus the
// PAM password-change lines passwd and chpasswd log.
#pragma once

#include <string_view>

#include "collector/decode/event.h"

namespace soc {

// Decodes one MSG. Field choices:
//   "user.name"   the account the change is about (for useradd the NEW user), never the admin;
//   "group.name" / "group.id"  the group concerned; "user.id" the account's UID where logged;
//   "user.changes.*"  the new value of what changed: "user.changes.name" (rename),
//                 "user.changes.id" (UID), "user.changes.group.id" (primary GID),
//                 "user.changes.home", "user.changes.shell", "user.changes.expiration",
//                 "user.changes.inactive" (the old value, when logged, is not kept);
//   "user.home" / "user.shell"  of a new account;
//   "process.real_user.name"  the admin, where the line names one ("changed by 'root'");
//   "process.tty.name"  useradd's from= without "/dev/" (absent for "none");
//   "file.path"   the file groupadd/groupdel wrote, for their per-file lines.
// "event.outcome" is "success" except for "failed adding user". "event.action":
//   user_created                new user: name=bob, UID=1001, GID=1001, home=..., shell=..., ...
//                               failed adding user 'bob', data deleted  (failure)
//   group_created               new group: name=bob, GID=1001
//   group_entry_added           group added to /etc/group: name=devs, GID=1002 (and /etc/gshadow)
//   user_added_to_group         add 'bob' to group 'sudo'; gpasswd: user bob added by root to
//                               group sudo
//   user_added_to_shadow_group  add 'bob' to shadow group 'sudo' (logged beside the line above, so
//                               a distinct action keeps counts honest)
//   user_removed_from_group     delete 'bob' from group 'sudo'; user bob removed by root from
//                               group sudo
//   user_removed_from_shadow_group  delete 'bob' from shadow group 'sudo'
//   user_deleted                delete user 'bob'
//   group_deleted               group 'devs' removed; removed group 'bob' owned by 'bob'
//   shadow_group_deleted        removed shadow group 'bob' owned by 'bob'
//   group_entry_removed         group 'devs' removed from /etc/group (and /etc/gshadow)
//   user_modified               change user 'bob' UID|GID|home|shell|expiration|inactive from 'a'
//                               to 'b'; change user name 'bob' to 'rob'; changed password expiry
//                               for bob; changed user 'bob' shell to '/bin/zsh'
//   password_changed            change user 'bob' password; password for 'bob' changed by 'root';
//                               pam_unix(passwd|chpasswd:chauthtok): password changed for bob
//   user_locked / user_unlocked lock|unlock user 'bob' password
//   group_modified              group changed in /etc/group (group devs/1002, new name: ops);
//                               members|administrators of group sudo set by root to a,b
// Other PAM lines of these programs go to decode_pam. Returns false and sets nothing otherwise.
bool decode_account(std::string_view message, Fields& fields);

}  // namespace soc
