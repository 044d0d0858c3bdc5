#include "collector/decode/account.h"

#include <array>
#include <string>

#include "collector/decode/decoder_registry.h"
#include "collector/decode/pam.h"
#include "collector/decode/text.h"

namespace soc {
namespace {

using std::string_view;
using text::consume;
using text::npos;

void set_event(string_view action, Fields& f, bool ok = true) {
  f.set("event.action", action);
  f.set("event.outcome", ok ? "success" : "failure");
}

void set_if(Fields& f, string_view name, string_view value) {
  if (!value.empty()) f.set(name, value);
}

// `'VALUE'` at the front of `s`: the quote-delimited value. shadow-utils refuses quotes in names,
// so the next quote closes it.
bool quoted(string_view& s, string_view& out) {
  if (!consume(s, "'")) return false;
  const size_t close = s.find('\'');
  if (close == npos) return false;
  out = s.substr(0, close);
  s.remove_prefix(close + 1);
  return true;
}

bool one_word(string_view s) {
  return !s.empty() && s.find(' ') == npos;
}

// `key=value, key=value, ...` as useradd and groupadd write them. An item without '=' belongs to
// the previous value (a home directory with ", " in it).
template <class F>
void for_each_item(string_view s, F&& on_item) {
  string_view key, value;
  while (!s.empty()) {
    const size_t sep = s.find(", ");
    const string_view item = s.substr(0, sep);
    const size_t eq = item.find('=');
    if (eq != npos && eq != 0 && item.substr(0, eq).find(' ') == npos) {
      if (!key.empty()) on_item(key, value);
      key = item.substr(0, eq);
      value = item.substr(eq + 1);
    } else if (!key.empty()) {
      value = string_view(value.data(), item.data() + item.size() - value.data());
    }
    if (sep == npos) break;
    s.remove_prefix(sep + 2);
  }
  if (!key.empty()) on_item(key, value);
}

// "new user: " REST
bool new_user(string_view s, Fields& f) {
  string_view name, uid, gid, home, shell, from;
  for_each_item(s, [&](string_view k, string_view v) {
    if (k == "name") name = v;
    if (k == "UID") uid = v;
    if (k == "GID") gid = v;
    if (k == "home") home = v;
    if (k == "shell") shell = v;
    if (k == "from") from = v;
  });
  if (!one_word(name)) return false;
  f.set("user.name", name);
  if (text::all_digits(uid)) f.set("user.id", uid);
  if (text::all_digits(gid)) f.set("group.id", gid);
  set_if(f, "user.home", home);
  set_if(f, "user.shell", shell);
  consume(from, "/dev/");
  if (from != "none") set_if(f, "process.tty.name", from);
  set_event("user_created", f);
  return true;
}

// "new group: " REST, and groupadd's "group added to FILE: " REST.
bool new_group(string_view s, string_view action, string_view file, Fields& f) {
  string_view name, gid;
  for_each_item(s, [&](string_view k, string_view v) {
    if (k == "name") name = v;
    if (k == "GID") gid = v;
  });
  if (!one_word(name)) return false;
  f.set("group.name", name);
  if (text::all_digits(gid)) f.set("group.id", gid);
  set_if(f, "file.path", file);
  set_event(action, f);
  return true;
}

// After "add " / "delete ": `'USER' to|from [shadow ]group 'GROUP'`.
bool membership(string_view s, bool add, Fields& f) {
  string_view user, group;
  if (!quoted(s, user) || !consume(s, add ? " to " : " from ")) return false;
  const bool shadow = consume(s, "shadow ");
  if (!consume(s, "group ") || !quoted(s, group) || !s.empty()) return false;
  if (!one_word(user) || !one_word(group)) return false;
  f.set("user.name", user);
  f.set("group.name", group);
  if (add) {
    set_event(shadow ? "user_added_to_shadow_group" : "user_added_to_group", f);
  } else {
    set_event(shadow ? "user_removed_from_shadow_group" : "user_removed_from_group", f);
  }
  return true;
}

// After "change user ": `'USER' WHAT from 'OLD' to 'NEW'`, `'USER' password`, or
// `name 'OLD' to 'NEW'`.
bool change_user(string_view s, Fields& f) {
  string_view user, old_value, new_value;
  if (consume(s, "name ")) {
    if (!quoted(s, user) || !consume(s, " to ") || !quoted(s, new_value) || !s.empty()) {
      return false;
    }
    if (!one_word(user) || !one_word(new_value)) return false;
    f.set("user.name", user);
    f.set("user.changes.name", new_value);
    set_event("user_modified", f);
    return true;
  }
  if (!quoted(s, user) || !one_word(user) || !consume(s, " ")) return false;
  if (s == "password") {
    f.set("user.name", user);
    set_event("password_changed", f);
    return true;
  }
  struct What {
    string_view word, field;
  };
  static constexpr std::array<What, 6> kWhat = {{{"UID", "user.changes.id"},
                                                 {"GID", "user.changes.group.id"},
                                                 {"home", "user.changes.home"},
                                                 {"shell", "user.changes.shell"},
                                                 {"expiration", "user.changes.expiration"},
                                                 {"inactive", "user.changes.inactive"}}};
  for (const What& w : kWhat) {
    string_view rest = s;
    if (!consume(rest, w.word) || !consume(rest, " from ") || !quoted(rest, old_value) ||
        !consume(rest, " to ") || !quoted(rest, new_value) || !rest.empty()) {
      continue;
    }
    f.set("user.name", user);
    f.set(w.field, new_value);
    if (w.word == "UID" && text::all_digits(old_value)) f.set("user.id", old_value);
    set_event("user_modified", f);
    return true;
  }
  return false;
}

// After "lock user " / "unlock user ": `'USER' password`.
bool lock(string_view s, bool locked, Fields& f) {
  string_view user;
  if (!quoted(s, user) || s != " password" || !one_word(user)) return false;
  f.set("user.name", user);
  set_event(locked ? "user_locked" : "user_unlocked", f);
  return true;
}

// gpasswd, after "user ": `USER added by ADMIN to group GROUP` / `USER removed by ADMIN from group
// GROUP`.
bool gpasswd_member(string_view s, Fields& f) {
  const size_t sp = s.find(' ');
  if (sp == npos) return false;
  const string_view user = s.substr(0, sp);
  s.remove_prefix(sp + 1);
  bool add = true;
  if (consume(s, "added by ")) {
    add = true;
  } else if (consume(s, "removed by ")) {
    add = false;
  } else {
    return false;
  }
  const size_t sp2 = s.find(' ');
  if (sp2 == npos) return false;
  const string_view admin = s.substr(0, sp2);
  s.remove_prefix(sp2 + 1);
  if (!consume(s, add ? "to group " : "from group ") || !one_word(s) || admin.empty()) {
    return false;
  }
  f.set("user.name", user);
  f.set("group.name", s);
  f.set("process.real_user.name", admin);
  set_event(add ? "user_added_to_group" : "user_removed_from_group", f);
  return true;
}

// gpasswd: `members of group G set by ADMIN to LIST` / `administrators of group G set by ...`.
bool gpasswd_set(string_view s, Fields& f) {
  const size_t sp = s.find(" set by ");
  if (sp == npos || !one_word(s.substr(0, sp))) return false;
  const string_view group = s.substr(0, sp);
  s.remove_prefix(sp + 8);
  const string_view admin = s.substr(0, s.find(' '));
  if (admin.empty()) return false;
  f.set("group.name", group);
  f.set("process.real_user.name", admin);
  set_event("group_modified", f);
  return true;
}

// groupmod, after "group changed in ": `FILE (group NAME/GID, new name: X)` or `..., new gid: N)`.
bool group_changed(string_view s, Fields& f) {
  const size_t open = s.find(" (group ");
  if (open == npos || s.back() != ')') return false;
  const string_view file = s.substr(0, open);
  string_view inside = s.substr(open + 8, s.size() - open - 9);
  const size_t comma = inside.find(", ");
  const string_view who = inside.substr(0, comma);
  const size_t slash = who.rfind('/');
  const string_view name = who.substr(0, slash);
  if (!one_word(name)) return false;
  f.set("group.name", name);
  if (slash != npos && text::all_digits(who.substr(slash + 1))) {
    f.set("group.id", who.substr(slash + 1));
  }
  if (comma != npos) {
    inside.remove_prefix(comma + 2);
    string_view v = inside;
    if (consume(v, "new name: ")) set_if(f, "group.changes.name", v.substr(0, v.find(',')));
    v = inside;
    if (consume(v, "new gid: ") || consume(v, "new GID: ")) {
      set_if(f, "group.changes.id", v.substr(0, v.find(',')));
    }
  }
  set_if(f, "file.path", file);
  set_event("group_modified", f);
  return true;
}

// groupdel, after "group ": `'G' removed` or `'G' removed from FILE`.
bool group_removed(string_view s, Fields& f) {
  string_view group;
  if (!quoted(s, group) || !one_word(group)) return false;
  if (s == " removed") {
    f.set("group.name", group);
    set_event("group_deleted", f);
    return true;
  }
  if (!consume(s, " removed from ") || !one_word(s)) return false;
  f.set("group.name", group);
  f.set("file.path", s);
  set_event("group_entry_removed", f);
  return true;
}

// userdel, after "removed ": `[shadow ]group 'G' owned by 'U'`.
bool removed_owned_group(string_view s, Fields& f) {
  const bool shadow = consume(s, "shadow ");
  string_view group, owner;
  if (!consume(s, "group ") || !quoted(s, group) || !consume(s, " owned by ") ||
      !quoted(s, owner) || !s.empty() || !one_word(group)) {
    return false;
  }
  f.set("group.name", group);
  if (one_word(owner)) f.set("user.name", owner);
  set_event(shadow ? "shadow_group_deleted" : "group_deleted", f);
  return true;
}

// passwd, after "password for ": `'USER' changed by 'ADMIN'`.
bool password_for(string_view s, Fields& f) {
  string_view user, admin;
  if (!quoted(s, user) || !consume(s, " changed by ") || !quoted(s, admin) || !s.empty() ||
      !one_word(user)) {
    return false;
  }
  f.set("user.name", user);
  set_if(f, "process.real_user.name", admin);
  set_event("password_changed", f);
  return true;
}

}  // namespace

bool decode_account(string_view message, Fields& f) {
  string_view s = message;
  // glibc passes a trailing newline through; rsyslog may show it escaped.
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.remove_suffix(1);
  if (text::ends_with(s, "#012")) s.remove_suffix(4);

  if (consume(s, "new user: ")) return new_user(s, f);
  if (consume(s, "new group: ")) return new_group(s, "group_created", {}, f);
  if (consume(s, "group added to ")) {
    const size_t colon = s.find(": ");
    if (colon == npos || !one_word(s.substr(0, colon))) return false;
    return new_group(s.substr(colon + 2), "group_entry_added", s.substr(0, colon), f);
  }
  if (consume(s, "failed adding user ")) {
    string_view user;
    if (!quoted(s, user) || !one_word(user)) return false;
    f.set("user.name", user);
    set_event("user_created", f, false);
    return true;
  }
  if (consume(s, "add ")) return membership(s, true, f);
  if (consume(s, "delete user ")) {
    string_view user;
    if (!quoted(s, user) || !s.empty() || !one_word(user)) return false;
    f.set("user.name", user);
    set_event("user_deleted", f);
    return true;
  }
  if (consume(s, "delete ")) return membership(s, false, f);
  if (consume(s, "change user ")) return change_user(s, f);
  if (consume(s, "lock user ")) return lock(s, true, f);
  if (consume(s, "unlock user ")) return lock(s, false, f);
  if (consume(s, "user ")) return gpasswd_member(s, f);
  if (consume(s, "members of group ") || consume(s, "administrators of group ")) {
    return gpasswd_set(s, f);
  }
  if (consume(s, "group changed in ")) return group_changed(s, f);
  if (consume(s, "group ")) return group_removed(s, f);
  if (consume(s, "removed ")) return removed_owned_group(s, f);
  if (consume(s, "password for ")) return password_for(s, f);
  if (consume(s, "changed password expiry for ")) {
    if (!one_word(s)) return false;
    f.set("user.name", s);
    set_event("user_modified", f);
    return true;
  }
  if (consume(s, "changed user ")) {  // chsh
    string_view user, shell;
    if (!quoted(s, user) || !consume(s, " shell to ") || !quoted(s, shell) || !s.empty() ||
        !one_word(user)) {
      return false;
    }
    f.set("user.name", user);
    f.set("user.changes.shell", shell);
    set_event("user_modified", f);
    return true;
  }
  return decode_pam(message, f);
}

// Its entry in the decoder registry (decoder_registry.h).
namespace {

constexpr std::string_view kAccountPrograms[] = {"useradd",  "usermod",  "userdel", "groupadd",
                                                 "groupmod", "groupdel", "gpasswd", "passwd",
                                                 "chpasswd", "chage",    "chsh",    "newusers"};
constexpr std::string_view kAccountFormats[] = {"shadow-utils messages",
                                                "PAM password-change lines"};

bool decode_account_program(std::string_view msg, const ReadTime& /*read*/, Fields& fields,
                            std::optional<SysTime>& /*time*/) {
  return decode_account(msg, fields);
}

}  // namespace

extern constinit const DecoderSpec kAccountDecoder{
    .name = "account",
    .description = "Local users and groups added, changed, deleted; password changes",
    .programs = kAccountPrograms,
    .formats = kAccountFormats,
    .decode = decode_account_program,
};

}  // namespace soc
