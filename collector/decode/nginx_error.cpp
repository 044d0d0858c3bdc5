#include "collector/decode/nginx_error.h"

#include <array>
#include <string>

#include "collector/decode/access_log.h"
#include "collector/decode/text.h"
#include "collector/decode/web_error.h"

namespace soc {
namespace {

using std::string_view;
using text::consume;
using text::npos;

// `yyyy/mm/dd hh:mm:ss` (19 characters).
std::optional<SysTime> parse_date(string_view s, const ReadTime& read) {
  if (s.size() != 19 || s[4] != '/' || s[7] != '/' || s[10] != ' ' || s[13] != ':' ||
      s[16] != ':') {
    return std::nullopt;
  }
  const auto num = [&](size_t pos, size_t n) {
    return static_cast<int>(text::parse_uint(s.substr(pos, n)).value_or(-1));
  };
  const int y = num(0, 4), mo = num(5, 2), d = num(8, 2), hh = num(11, 2), mm = num(14, 2),
            ss = num(17, 2);
  if (y < 0 || mo < 0 || d < 0 || hh < 0 || mm < 0 || ss < 0) return std::nullopt;
  return text::civil_time(y, mo, d, hh, mm, ss, 0, read.utc_offset_seconds);
}

bool is_level(string_view l) {
  static constexpr std::array<string_view, 8> kLevels = {"debug", "info", "notice", "warn",
                                                         "error", "crit", "alert",  "emerg"};
  for (string_view k : kLevels) {
    if (l == k) return true;
  }
  return false;
}

// The value of `, KEY: VALUE` in the context tail; quoted values end at the closing quote.
string_view context_value(string_view tail, string_view key) {
  const std::string needle = ", " + std::string(key) + ": ";
  const size_t at = tail.find(needle);
  if (at == npos) return {};
  string_view v = tail.substr(at + needle.size());
  if (consume(v, "\"")) {
    const size_t close = v.find('"');
    return v.substr(0, close);
  }
  return v.substr(0, v.find(", "));
}

}  // namespace

bool decode_nginx_error(string_view line, const ReadTime& read, Fields& f,
                        std::optional<SysTime>& time) {
  string_view s = line;
  std::optional<SysTime> when;
  if (!s.empty() && text::is_digit(s.front())) {
    when = parse_date(s.substr(0, 19), read);
    if (!when || s.size() < 20) return false;
    s.remove_prefix(20);
  }
  if (!consume(s, "[")) return false;
  const size_t close = s.find("] ");
  if (close == npos || !is_level(s.substr(0, close))) return false;
  const string_view level = s.substr(0, close);
  s.remove_prefix(close + 2);
  const size_t hash = s.find('#');
  const size_t colon = s.find(": ");
  if (hash == npos || colon == npos || hash > colon) return false;
  const string_view pid = s.substr(0, hash);
  const string_view tid = s.substr(hash + 1, colon - hash - 1);
  if (!text::all_digits(pid) || !text::all_digits(tid)) return false;
  s.remove_prefix(colon + 2);
  if (!s.empty() && s.front() == '*') {  // the connection number
    const size_t sp = s.find(' ');
    if (sp != npos && text::all_digits(s.substr(1, sp - 1))) s.remove_prefix(sp + 1);
  }

  f.set("log.level", level);
  f.set("process.pid", pid);
  f.set("process.thread.id", tid);
  // The context starts at ", client: "; the message itself may hold ", ".
  const size_t ctx = s.find(", client: ");
  const string_view message = s.substr(0, ctx);
  if (ctx != npos) {
    const string_view tail = s.substr(ctx);
    const string_view client = context_value(tail, "client");
    if (text::is_ip(client)) f.set("source.ip", client);
    const string_view host = context_value(tail, "host");
    if (!host.empty()) f.set("url.domain", host);
    const string_view referrer = context_value(tail, "referrer");
    if (!referrer.empty()) f.set("http.request.referrer", referrer);
    const string_view request = context_value(tail, "request");
    if (!request.empty()) set_http_request(request, f);
  }
  f.set("message", message);
  // ngx_http_auth_basic: `user "NAME": password mismatch`, `user "NAME" was not found in "FILE"`.
  if (string_view m = message; consume(m, "user \"")) {
    const size_t end = m.find('"');
    const string_view rest = end == npos ? string_view() : m.substr(end);
    if (end > 0 &&
        (rest.starts_with("\": password mismatch") || rest.starts_with("\" was not found in "))) {
      f.set("user.name", m.substr(0, end));
    }
  }
  set_modsecurity_fields(message, f);
  set_php_fields(message, f);
  set_web_error_fields(message, f);
  time = when;
  return true;
}

}  // namespace soc
