#include "collector/decode/lighttpd.h"

#include "collector/decode/decoder_registry.h"
#include "collector/decode/text.h"
#include "collector/decode/web_error.h"
#include "common/event_dataset.h"

namespace soc {
namespace {

using std::string_view;
using text::consume;
using text::npos;

// `YYYY-MM-DD HH:MM:SS: ` in `read`'s zone; consumes it.
std::optional<SysTime> parse_stamp(string_view& s, const ReadTime& read) {
  if (s.size() < 21 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' ||
      s[19] != ':' || s[20] != ' ') {
    return std::nullopt;
  }
  const auto num = [&](size_t pos, size_t n) {
    return static_cast<int>(text::parse_uint(s.substr(pos, n)).value_or(-1));
  };
  const int y = num(0, 4), mo = num(5, 2), d = num(8, 2), hh = num(11, 2), mm = num(14, 2),
            ss = num(17, 2);
  if (y < 0 || mo < 1 || d < 1 || hh < 0 || mm < 0 || ss < 0) return std::nullopt;
  s.remove_prefix(21);
  return text::civil_time(y, mo, d, hh, mm, ss, 0, read.utc_offset_seconds);
}

void auth_failure(string_view ip, string_view user, string_view reason, Fields& f) {
  f.set("event.category", "authentication");
  f.set("event.action", "http_auth");
  f.set("event.outcome", "failure");
  if (text::is_ip(ip)) f.set("source.ip", ip);
  user = text::trim(user);
  if (!user.empty()) f.set("user.name", user);
  f.set("event.reason", reason);
}

// The address after ", IP: " (the end of every mod_auth failure line).
string_view client_ip(string_view m) {
  const size_t at = m.rfind("IP: ");
  if (at == npos) return {};
  return text::trim(m.substr(at + 4));
}

void set_auth_fields(string_view m, Fields& f) {
  if (const size_t at = m.find("password doesn't match for "); at != npos) {
    string_view rest = m.substr(at + 27);
    const size_t user_at = rest.find(" username: ");
    if (user_at == npos) return;
    f.set("url.path", rest.substr(0, user_at));
    rest.remove_prefix(user_at + 11);
    size_t user_end = rest.find(", IP: ");
    if (user_end == npos) user_end = rest.find(" IP: ");  // 1.4.59+ drops the comma
    auth_failure(client_ip(m), rest.substr(0, user_end), "wrong password", f);
  } else if (const size_t d = m.find("auth failed"); d != npos) {
    string_view rest = m.substr(d + 11);
    if (!text::consume(rest, " for ")) rest = string_view();
    const size_t colon = rest.find(" : ");
    const string_view reason = colon == npos ? string_view("auth failed") : rest.substr(colon + 3);
    auth_failure(client_ip(m), rest.substr(0, colon), reason.substr(0, reason.find(',')), f);
  } else if (m.find("get_password failed") != npos) {
    auth_failure(client_ip(m), {}, "unknown user", f);
  }
}

bool decode_lighttpd_program(string_view msg, const ReadTime& read, Fields& f,
                             std::optional<SysTime>& time) {
  return decode_lighttpd(msg, read, f, time);
}

constexpr string_view kPrograms[] = {"lighttpd"};
constexpr string_view kFormats[] = {"lighttpd error log (server.errorlog), file or syslog"};

}  // namespace

bool decode_lighttpd(string_view line, const ReadTime& read, Fields& f,
                     std::optional<SysTime>& time) {
  string_view s = line;
  const std::optional<SysTime> when = parse_stamp(s, read);
  // The "(" is sometimes lost (fail2ban's samples keep such a line): the origin decides.
  if (!consume(s, "(") && !when) return false;
  const size_t close = s.find(") ");
  if (close == npos) return false;
  const string_view origin = s.substr(0, close);  // "http_auth.c.875"
  const size_t dot_c = origin.find(".c.");
  if (dot_c == npos || !text::all_digits(origin.substr(dot_c + 3))) return false;
  s.remove_prefix(close + 2);
  f.set("log.origin.file.name", origin.substr(0, dot_c + 2));
  f.set("service.name", "lighttpd");
  f.set("event.dataset", kDatasetWebError);
  f.set("message", s);
  set_auth_fields(s, f);
  set_php_fields(s, f);  // FastCGI-stderr: PHP errors and Suhosin alerts
  if (when) time = when;
  return true;
}

extern constinit const DecoderSpec kLighttpdDecoder{
    .name = "lighttpd",
    .description = "lighttpd error log: mod_auth failures and the other messages",
    .programs = kPrograms,
    .formats = kFormats,
    .decode = decode_lighttpd_program,
};

}  // namespace soc
