#include "collector/decode/apache_error.h"

#include <string>
#include <utility>

#include "collector/decode/text.h"
#include "collector/decode/web_error.h"

namespace soc {
namespace {

using std::string_view;
using text::consume;
using text::npos;

// `[...]` at the front of `s` followed by a space or the end; returns the content.
bool bracket(string_view& s, string_view& content) {
  if (s.empty() || s.front() != '[') return false;
  const size_t close = s.find(']');
  if (close == npos || (close + 1 < s.size() && s[close + 1] != ' ')) return false;
  content = s.substr(1, close - 1);
  s.remove_prefix(close + 1);
  if (!s.empty()) s.remove_prefix(1);
  return true;
}

bool is_level(string_view l) {
  static constexpr string_view kLevels[] = {"emerg",  "alert", "crit",  "error", "warn",
                                            "notice", "info",  "debug", "trace"};
  for (string_view k : kLevels) {
    if (l.substr(0, k.size()) == k && (l.size() == k.size() || k == "trace")) return true;
  }
  return false;
}

// `Www Mmm dd hh:mm:ss[.ffffff] yyyy` in `read`'s zone.
std::optional<SysTime> parse_date(string_view s, const ReadTime& read) {
  text::next_token(s);  // weekday
  const int month = text::month_number(text::next_token(s));
  const auto day = text::parse_uint(text::next_token(s));
  const string_view clock = text::next_token(s);
  const auto year = text::parse_uint(text::next_token(s));
  if (month == 0 || !day || !year || !s.empty() || clock.size() < 8 || clock[2] != ':' ||
      clock[5] != ':') {
    return std::nullopt;
  }
  const auto hh = text::parse_uint(clock.substr(0, 2));
  const auto mm = text::parse_uint(clock.substr(3, 2));
  const auto ss = text::parse_uint(clock.substr(6, 2));
  int64_t nanos = 0;
  if (clock.size() > 8) {
    const string_view frac = clock.substr(9);
    if (clock[8] != '.' || !text::all_digits(frac)) return std::nullopt;
    int64_t scale = 100000000;
    for (size_t i = 0; i < frac.size() && i < 9; ++i, scale /= 10) nanos += (frac[i] - '0') * scale;
  }
  if (!hh || !mm || !ss || *day > 31 || *year > 9999) return std::nullopt;
  return text::civil_time(static_cast<int>(*year), month, static_cast<int>(*day),
                          static_cast<int>(*hh), static_cast<int>(*mm), static_cast<int>(*ss),
                          nanos, read.utc_offset_seconds);
}

// `IP`, `IP:PORT` or `[IPv6]:PORT`; IPv6 with a port is written without brackets by 2.4, so the
// last ':' splits only when what precedes it is an address.
void set_peer(string_view s, Fields& f) {
  if (text::is_ip(s)) {
    f.set("source.ip", s);
    return;
  }
  const size_t colon = s.rfind(':');
  if (colon == npos) return;
  string_view ip = s.substr(0, colon);
  if (ip.size() > 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
  const string_view port = s.substr(colon + 1);
  if (!text::is_ip(ip) || !text::is_port(port)) return;
  f.set("source.ip", ip);
  f.set("source.port", port);
}

bool is_error_code(string_view s) {
  return s.size() == 7 && s[0] == 'A' && s[1] == 'H' && text::all_digits(s.substr(2));
}

// What follows `prefix` in `s`; empty when `s` does not start with it.
string_view after(string_view s, string_view prefix) {
  return consume(s, prefix) ? s : string_view();
}

// The user NAME of mod_auth_basic / mod_auth_digest / mod_authz_* failures: "user NAME:
// authentication failure for ...", "user NAME: authorization failure for ...", "[Digest: ]user
// NAME: password mismatch: ...", "user NAME not found[: ...]", "Digest: user `NAME' in realm
// `R' not found: ...". Empty for other messages (and for the empty name of "user  not found").
string_view auth_user(string_view msg) {
  consume(msg, "Digest: ");
  if (!consume(msg, "user ")) return {};
  if (consume(msg, "`")) return msg.substr(0, msg.find('\''));  // digest quotes the name
  for (string_view tail :
       {": authentication failure for ", ": authorization failure for ", ": password mismatch"}) {
    if (const size_t at = msg.find(tail); at != npos) return msg.substr(0, at);
  }
  const size_t at = msg.find(" not found");
  if (at == npos) return {};
  const string_view rest = msg.substr(at + 10);
  return rest.empty() || rest.front() == ':' ? msg.substr(0, at) : string_view();
}

// Fields that Apache's own messages name: the file a refused or missing request mapped to, and the
// user of a failed Basic / Digest authentication (what an analyst asks first about a burst). 2.2
// writes the same texts without the AHnnnnn code, so the text decides, not the code.
void set_message_fields(string_view msg, Fields& f) {
  string_view v;
  if (!(v = after(msg, "client denied by server configuration: ")).empty() ||
      !(v = after(msg, "File does not exist: ")).empty()) {
    f.set("file.path", v);
  } else if (!(v = auth_user(msg)).empty() && v.find(' ') == npos) {
    f.set("user.name", v);
  }
}

}  // namespace

bool decode_apache_error(string_view line, const ReadTime& read, Fields& f,
                         std::optional<SysTime>& time) {
  string_view s = line;
  string_view group;
  if (!bracket(s, group)) return false;
  std::optional<SysTime> when;
  if (!is_level(group.substr(group.find(':') + 1))) {
    when = parse_date(group, read);
    if (!when || !bracket(s, group)) return false;
  }
  const size_t colon = group.find(':');
  const string_view level = colon == npos ? group : group.substr(colon + 1);
  if (!is_level(level)) return false;

  f.set("log.level", level);
  if (colon != npos && colon > 0) f.set("apache.error.module", group.substr(0, colon));
  string_view remote;
  bool client = false;
  for (string_view rest = s; bracket(rest, group); s = rest) {
    string_view g = group;
    if (consume(g, "pid ")) {
      const size_t tid = g.find(":tid ");
      const string_view pid = g.substr(0, tid);
      if (text::all_digits(pid)) f.set("process.pid", pid);
      if (tid != npos && text::all_digits(g.substr(tid + 5))) {
        f.set("process.thread.id", g.substr(tid + 5));
      }
    } else if (consume(g, "client ")) {
      set_peer(g, f);
      client = true;
    } else if (consume(g, "remote ")) {
      remote = g;
    } else {
      break;  // a bracket that is part of the message
    }
  }
  if (!client && !remote.empty()) set_peer(remote, f);

  const size_t code_end = s.find(": ");
  if (code_end != npos && is_error_code(s.substr(0, code_end))) {
    f.set("error.code", s.substr(0, code_end));
    s.remove_prefix(code_end + 2);
  }
  if (const size_t ref = s.rfind(", referer: "); ref != npos) {
    f.set("http.request.referrer", s.substr(ref + 11));
    s = s.substr(0, ref);
  }
  f.set("message", s);
  set_message_fields(s, f);
  set_modsecurity_fields(s, f);
  set_php_fields(s, f);
  set_web_error_fields(s, f);
  time = when;
  return true;
}

}  // namespace soc
