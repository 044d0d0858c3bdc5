#include "collector/decode/pam.h"

#include <string>

#include "collector/decode/decoder_registry.h"
#include "collector/decode/text.h"

namespace soc {
namespace {

using std::string_view;
using text::consume;
using text::npos;

struct PamPrefix {
  string_view module;   // "pam_unix"
  string_view service;  // "su"
  string_view rest;     // the text after "): "
};

// `MODULE(SERVICE[:TYPE]): REST` with MODULE starting "pam_"; also the older and shorter shapes
// `(MODULE) REST` (Linux-PAM before 0.99), `MODULE: REST` and a bare `authentication failure;
// logname=...` whose module is in the syslog tag ("pop(pam_unix)[4920]: ...").
bool split_prefix(string_view s, PamPrefix& out) {
  if (s.substr(0, 5) == "(pam_") {
    const size_t close = s.find(") ");
    if (close == npos || close > 40) return false;
    out.module = s.substr(1, close - 1);
    out.rest = s.substr(close + 2);
    return out.module.find(' ') == npos;
  }
  if (s.substr(0, 31) == "authentication failure; logname") {
    out.module = "pam_unix";
    out.rest = s;
    return true;
  }
  if (s.substr(0, 4) != "pam_") return false;
  if (const size_t colon = s.find(": ");
      colon != npos && colon < 40 && s.substr(0, colon).find_first_of(" (") == npos) {
    out.module = s.substr(0, colon);
    out.rest = s.substr(colon + 2);
    return true;
  }
  const size_t open = s.find('(');
  if (open == npos || open > 40) return false;
  const size_t close = s.find("): ", open);
  if (close == npos || close - open > 80) return false;
  const string_view inside = s.substr(open + 1, close - open - 1);
  out.module = s.substr(0, open);
  if (out.module.find(' ') != npos) return false;
  out.service = inside.substr(0, inside.find(':'));
  out.rest = s.substr(close + 3);
  return true;
}

// `NAME(uid=N)`, `NAME` or `(uid=N)`.
void split_user_uid(string_view s, string_view& name, string_view& uid) {
  const size_t open = s.find("(uid=");
  name = s.substr(0, open);
  uid = {};
  if (open != npos && s.back() == ')') {
    uid = s.substr(open + 5, s.size() - open - 6);
    if (!text::all_digits(uid)) uid = {};
  }
}

void set_event(string_view action, string_view outcome, Fields& f) {
  f.set("event.action", action);
  f.set("event.outcome", outcome);
}

void set_if(Fields& f, string_view name, string_view value) {
  if (!value.empty()) f.set(name, value);
}

// After "session opened for user ": `X(uid=N) by Y(uid=M)`, or the older `X by (uid=M)`.
struct Session {
  string_view target, target_uid, actor, actor_uid;
};
bool parse_session(string_view s, Session& out) {
  const size_t by = s.rfind(" by ");
  if (by == npos || by == 0) return false;
  split_user_uid(s.substr(0, by), out.target, out.target_uid);
  split_user_uid(s.substr(by + 4), out.actor, out.actor_uid);
  return !out.target.empty() && out.target.find(' ') == npos;
}

void set_session(const Session& s, Fields& f) {
  if (!s.actor.empty() && s.actor != s.target) {
    f.set("user.name", s.actor);
    set_if(f, "user.id", s.actor_uid);
    f.set("user.effective.name", s.target);
    set_if(f, "user.effective.id", s.target_uid);
  } else {
    f.set("user.name", s.target);
    set_if(f, "user.id", s.target_uid);
  }
  set_event("session_opened", "success", f);
}

// A user name as PAM logs it: one token, nothing else after it.
bool single_token(string_view s) {
  return !s.empty() && s.find(' ') == npos;
}

}  // namespace

PamAuthItems parse_pam_auth_items(string_view s) {
  PamAuthItems out;
  while (!s.empty()) {
    const size_t space = s.find(' ');
    string_view item = s.substr(0, space);
    s.remove_prefix(space == npos ? s.size() : space + 1);
    const size_t eq = item.find('=');
    if (eq == npos) continue;
    const string_view key = item.substr(0, eq);
    const string_view value = item.substr(eq + 1);
    if (key == "logname") {
      out.logname = value;
    } else if (key == "uid") {
      out.uid = value;
    } else if (key == "euid") {
      out.euid = value;
    } else if (key == "tty") {
      out.tty = value;
    } else if (key == "ruser") {
      out.ruser = value;
    } else if (key == "rhost") {
      out.rhost = value;
    } else if (key == "user") {
      out.user = value;
    }
  }
  return out;
}

void set_pam_auth_failure(const PamAuthItems& p, Fields& f) {
  if (!p.ruser.empty() && !p.user.empty() && p.ruser != p.user) {
    f.set("user.name", p.ruser);
    f.set("user.effective.name", p.user);
  } else if (!p.user.empty()) {
    f.set("user.name", p.user);
  } else if (!p.ruser.empty()) {
    f.set("user.name", p.ruser);
  }
  if (text::is_ip(p.rhost)) {
    f.set("source.ip", p.rhost);
  } else if (!p.rhost.empty()) {
    f.set("source.domain", p.rhost);
  }
  set_if(f, "process.tty.name", p.tty);
  set_event("pam_auth_failure", "failure", f);
}

bool decode_pam(string_view message, Fields& f) {
  PamPrefix p;
  if (!split_prefix(message, p)) return false;
  string_view s = p.rest;
  const auto header = [&] {
    f.set("pam.module", p.module);
    set_if(f, "pam.service", p.service);
  };
  if (consume(s, "authentication failure; ")) {
    header();
    set_pam_auth_failure(parse_pam_auth_items(s), f);
    return true;
  }
  if (consume(s, "session opened for user ")) {
    Session session;
    if (!parse_session(text::trim(s), session)) return false;
    header();
    set_session(session, f);
    return true;
  }
  if (consume(s, "session closed for user ") && single_token(text::trim(s))) {
    header();
    f.set("user.name", text::trim(s));
    set_event("session_closed", "success", f);
    return true;
  }
  if (consume(s, "password changed for ") && single_token(text::trim(s))) {
    header();
    f.set("user.name", text::trim(s));
    set_event("password_changed", "success", f);
    return true;
  }
  if (consume(s, "Consecutive login failures for user ")) {
    const size_t end = s.find(" account temporarily locked");
    if (end == npos || !single_token(s.substr(0, end))) return false;
    header();
    f.set("user.name", s.substr(0, end));
    set_event("account_locked", "failure", f);
    return true;
  }
  // pam_tally / pam_tally2 deny a locked account with `user X (UID) tally N, deny M` (the count
  // is past the limit) or `user X (UID) has time limit [Ns left] since last failure.`.
  if ((p.module == "pam_tally2" || p.module == "pam_tally") && consume(s, "user ")) {
    const size_t open = s.find(" (");
    const size_t close = s.find(") ", open == npos ? 0 : open);
    if (open == npos || close == npos || !single_token(s.substr(0, open))) return false;
    const string_view uid = s.substr(open + 2, close - open - 2);
    const string_view what = s.substr(close + 2);
    if (!text::all_digits(uid) ||
        (what.substr(0, 6) != "tally " && what.substr(0, 15) != "has time limit ")) {
      return false;
    }
    header();
    f.set("user.name", s.substr(0, open));
    f.set("user.id", uid);
    set_event("account_locked", "failure", f);
    return true;
  }
  return false;
}

// Its entry in the decoder registry (decoder_registry.h).
namespace {

constexpr std::string_view kPamFormats[] = {"MODULE(SERVICE:TYPE): TEXT"};
// "pam_unix(...)", and the older shapes: "(pam_unix) ...", "authentication failure; ..."
// (decode_pam tells them apart).
bool pam_shape(std::string_view text) {
  const char c = text.front();
  return c == 'p' || c == '(' || c == 'a';
}

bool decode_pam_shape(std::string_view text, const ReadTime& /*read*/, Fields& fields,
                      std::optional<SysTime>& /*time*/) {
  return decode_pam(text, fields);
}

}  // namespace

extern constinit const DecoderSpec kPamDecoder{
    .name = "pam",
    .description =
        "PAM module messages of any program (after its own decoder, or by the MSG's first bytes)",
    .formats = kPamFormats,
    .shape = {.test = pam_shape,
              .text = "'p', '(' or 'a' (else the next shapes)",
              .decode = decode_pam_shape,
              .final = false},
};

}  // namespace soc
