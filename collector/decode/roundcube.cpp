#include "collector/decode/roundcube.h"

#include "collector/decode/decoder_registry.h"
#include "collector/decode/mail_common.h"
#include "collector/decode/text.h"

namespace soc {
namespace {

using std::string_view;
using text::consume;
using text::npos;

int number(string_view s) {
  int n = 0;
  for (const char c : s) n = n * 10 + (c - '0');
  return n;
}

// "[DD-Mon-YYYY HH:MM:SS +zzzz]: " (the zone optional); removes it from `s`.
std::optional<SysTime> take_time(string_view& s, const ReadTime& read) {
  if (!looks_like_roundcube_line(s)) return std::nullopt;
  const int day = number(s.substr(1, 2));
  const int month = text::month_number(s.substr(4, 3));
  const int year = number(s.substr(8, 4));
  const int hh = number(s.substr(13, 2)), mm = number(s.substr(16, 2)),
            ss = number(s.substr(19, 2));
  string_view rest = s.substr(21);
  int offset = read.utc_offset_seconds;
  if (rest.size() > 6 && rest[0] == ' ' && (rest[1] == '+' || rest[1] == '-') &&
      text::all_digits(rest.substr(2, 4))) {
    offset = (rest[1] == '-' ? -1 : 1) *
             (number(rest.substr(2, 2)) * 3600 + number(rest.substr(4, 2)) * 60);
    rest.remove_prefix(6);
  }
  if (!consume(rest, "]")) return std::nullopt;
  consume(rest, ":");
  consume(rest, " ");
  s = rest;
  return text::civil_time(year, month, day, hh, mm, ss, 0, offset);
}

// The last " from ADDRESS" in `s` (a trailing '.' dropped).
string_view last_from(string_view s) {
  for (size_t end = s.size(); end != 0;) {
    const size_t at = s.rfind(" from ", end - 1);
    if (at == npos) break;
    end = at;
    string_view ip = s.substr(at + 6);
    ip = ip.substr(0, ip.find_first_of(" ("));  // "IP(X-Forwarded-For: ...)"
    while (!ip.empty() && (ip.back() == '.' || ip.back() == ',')) ip.remove_suffix(1);
    if (const string_view clean = mail::clean_ip(ip); !clean.empty()) return clean;
  }
  return {};
}

bool login(string_view s, string_view outcome, Fields& f) {
  // The message part ends where Roundcube appends the IMAP reply or the PHP location.
  size_t end = s.size();
  for (const string_view stop : {". AUTHENTICATE", ". LOGIN", " in /", " in session "}) {
    end = std::min(end, s.find(stop));
  }
  const string_view head = s.substr(0, end);
  const string_view ip = last_from(head);
  if (ip.empty()) return false;
  string_view user = s.substr(0, s.find(' '));
  f.set("source.ip", ip);
  if (!user.empty()) f.set("user.name", user);
  if (end < s.size() && s[end] == '.') {
    string_view reason = s.substr(end + 2);
    reason = reason.substr(0, reason.find(" in /"));
    f.set("event.reason", reason);
  } else if (const size_t error = s.find("(error: "); error != npos) {
    f.set("event.reason", s.substr(error + 1, s.find(')', error) - error - 1));
  }
  mail::set_event(f, "roundcube", "authentication", "webmail_login", outcome);
  return true;
}

}  // namespace

bool looks_like_roundcube_line(string_view s) {
  return s.size() > 22 && s[0] == '[' && s[3] == '-' && s[7] == '-' && s[12] == ' ' &&
         s[15] == ':' && s[18] == ':' && text::all_digits(s.substr(1, 2)) &&
         text::all_digits(s.substr(8, 4));
}

bool decode_roundcube(string_view line, const ReadTime& read, Fields& f,
                      std::optional<SysTime>& time) {
  string_view s = line;
  if (const auto own = take_time(s, read)) time = own;
  // A session tag: "<crk9n97i> " or "[crk9n97i] ".
  if (!s.empty() && (s.front() == '<' || s.front() == '[')) {
    const size_t close = s.find_first_of(">]");
    if (close != npos && close < 48 && close + 1 < s.size() && s[close + 1] == ' ') {
      s.remove_prefix(close + 2);
    }
  }
  if (consume(s, "IMAP Error: Login failed for ") || consume(s, "Failed login for ") ||
      consume(s, "FAILED login for ")) {
    return login(s, "failure", f);
  }
  if (consume(s, "Successful login for ")) return login(s, "success", f);
  return false;
}

// Its entry in the decoder registry (decoder_registry.h). Roundcube's own log files have no
// syslog header: the line-shape rule sends "[DD-Mon-YYYY ..." lines here.
namespace {

constexpr std::string_view kRoundcubePrograms[] = {"roundcube", "roundcubemail"};
constexpr std::string_view kRoundcubeFormats[] = {"Roundcube errors / userlogins log",
                                                  "Roundcube messages through syslog"};

}  // namespace

extern constinit const DecoderSpec kRoundcubeDecoder{
    .name = "roundcube",
    .description = "Roundcube webmail login failures and successes",
    .programs = kRoundcubePrograms,
    .formats = kRoundcubeFormats,
    .decode = decode_roundcube,
};

}  // namespace soc
