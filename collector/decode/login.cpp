#include "collector/decode/login.h"

#include "collector/decode/decoder_registry.h"
#include "collector/decode/pam.h"
#include "collector/decode/text.h"

namespace soc {
namespace {

using std::string_view;
using text::consume;

// The next space-separated word, without quotes and a trailing comma.
string_view word(string_view& s) {
  string_view w = text::next_token(s);
  if (!w.empty() && w.back() == ',') w.remove_suffix(1);
  if (w.size() >= 2 && w.front() == '\'' && w.back() == '\'') w = w.substr(1, w.size() - 2);
  return w;
}

string_view tty_of(string_view t) {
  if (t.substr(0, 5) == "/dev/") t.remove_prefix(5);
  return t;
}

bool plausible(string_view w) {
  return !w.empty() && w.find_first_of("()'\"") == string_view::npos;
}

// "ROOT LOGIN ON tty1 [FROM host]" / "LOGIN ON tty1 BY alice [FROM host]".
bool success(string_view s, bool root, Fields& f) {
  const string_view tty = word(s);
  string_view user = "root";
  if (!root) {
    if (!consume(s, "BY ")) return false;
    user = word(s);
  }
  string_view from;
  if (consume(s, "FROM ")) from = word(s);
  if (!plausible(tty) || !plausible(user) || !s.empty()) return false;
  f.set("user.name", user);
  f.set("process.tty.name", tty_of(tty));
  if (!from.empty()) f.set("source.address", from);
  f.set("event.action", "login");
  f.set("event.outcome", "success");
  return true;
}

// After "FAILED LOGIN " / "TOO MANY LOGIN TRIES ": `N FROM X FOR user, reason` (shadow-utils) or
// `(N) on 'X' FOR 'user', reason` (util-linux).
bool failure(string_view s, bool too_many, Fields& f) {
  word(s);  // the attempt count
  const bool from = consume(s, "FROM ");
  if (!from && !consume(s, "on ")) return false;
  const string_view where = word(s);
  if (!consume(s, "FOR ")) return false;
  const string_view user = word(s);
  if (!plausible(where) || !plausible(user)) return false;
  f.set("user.name", user);
  // shadow-utils writes the terminal, or the remote host for a remote login, after FROM.
  if (where.substr(0, 3) == "tty" || where.substr(0, 5) == "/dev/" || where.substr(0, 3) == "pts" ||
      where.substr(0, 7) == "console") {
    f.set("process.tty.name", tty_of(where));
  } else {
    f.set("source.address", where);
  }
  f.set("event.action", too_many ? "login_too_many_tries" : "login");
  f.set("event.outcome", "failure");
  if (!s.empty()) f.set("event.reason", s);
  return true;
}

}  // namespace

bool decode_login(string_view message, Fields& f) {
  string_view s = message;
  if (consume(s, "ROOT LOGIN ON ")) return success(s, true, f);
  if (consume(s, "LOGIN ON ")) return success(s, false, f);
  if (consume(s, "FAILED LOGIN ")) return failure(s, false, f);
  if (consume(s, "TOO MANY LOGIN TRIES ")) return failure(s, true, f);
  return false;
}

// Its entry in the decoder registry (decoder_registry.h).
namespace {

constexpr std::string_view kLoginPrograms[] = {"login"};
constexpr std::string_view kLoginFormats[] = {"login(1) messages", "PAM messages"};

bool decode_login_program(std::string_view msg, const ReadTime& /*read*/, Fields& fields,
                          std::optional<SysTime>& /*time*/) {
  return decode_login(msg, fields) || decode_pam(msg, fields);
}

}  // namespace

extern constinit const DecoderSpec kLoginDecoder{
    .name = "login",
    .description = "Console and serial logins",
    .programs = kLoginPrograms,
    .formats = kLoginFormats,
    .decode = decode_login_program,
};

}  // namespace soc
