#include "collector/decode/webmail_files.h"

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

bool clock_at(string_view s, size_t at) {
  return s.size() >= at + 8 && s[at + 2] == ':' && s[at + 5] == ':' &&
         text::all_digits(s.substr(at, 2)) && text::all_digits(s.substr(at + 3, 2)) &&
         text::all_digits(s.substr(at + 6, 2));
}

string_view attribute(string_view s, string_view name) {
  const size_t at = s.find(name);
  if (at == npos) return {};
  const size_t start = at + name.size();
  const size_t end = s.find('"', start);
  return end == npos ? string_view{} : s.substr(start, end - start);
}

}  // namespace

bool decode_openwebmail(string_view line, const ReadTime& read, Fields& f,
                        std::optional<SysTime>& time) {
  // "Sat Dec 28 19:03:53 2013 - [72926] (IP) USER - ..."
  if (line.size() < 30 || line[3] != ' ' || line[7] != ' ' || !clock_at(line, 11) ||
      line[19] != ' ' || !text::all_digits(line.substr(20, 4)) || line.substr(24, 3) != " - ") {
    return false;
  }
  const int month = text::month_number(line.substr(4, 3));
  const string_view day = text::trim(line.substr(8, 2));
  if (month == 0 || !text::all_digits(day)) return false;
  time = text::civil_time(number(line.substr(20, 4)), month, number(day),
                          number(line.substr(11, 2)), number(line.substr(14, 2)),
                          number(line.substr(17, 2)), 0, read.utc_offset_seconds);
  string_view s = line.substr(27);
  if (!s.empty() && s.front() == '[') s.remove_prefix(std::min(s.size(), s.find("] ") + 2));
  if (!consume(s, "(")) return false;
  const size_t close = s.find(") ");
  if (close == npos) return false;
  const string_view ip = mail::clean_ip(s.substr(0, close));
  if (ip.empty()) return false;
  s.remove_prefix(close + 2);
  const size_t dash = s.find(" - ");
  if (dash == npos) return false;
  const string_view user = s.substr(0, dash);
  const string_view what = s.substr(dash + 3);
  if (what.substr(0, 12) != "login error " && what.substr(0, 15) != "userinfo error ") return false;
  f.set("source.ip", ip);
  if (!user.empty() && user.find(' ') == npos) f.set("user.name", user);
  f.set("event.reason", what);
  mail::set_event(f, "openwebmail", "authentication", "webmail_login", "failure");
  return true;
}

bool decode_squirrelmail(string_view line, const ReadTime& read, Fields& f,
                         std::optional<SysTime>& time) {
  // "10/06/2013 15:50:41 [LOGIN_ERROR] USER (DOMAIN) from IP: REASON"
  if (line.size() < 30 || line[2] != '/' || line[5] != '/' || line[10] != ' ' ||
      !clock_at(line, 11) || !text::all_digits(line.substr(0, 2)) ||
      !text::all_digits(line.substr(3, 2)) || !text::all_digits(line.substr(6, 4))) {
    return false;
  }
  string_view s = line.substr(20);
  const bool failed = consume(s, "[LOGIN_ERROR] ");
  if (!failed && !consume(s, "[LOGIN] ")) return false;
  time = text::civil_time(number(line.substr(6, 4)), number(line.substr(0, 2)),
                          number(line.substr(3, 2)), number(line.substr(11, 2)),
                          number(line.substr(14, 2)), number(line.substr(17, 2)), 0,
                          read.utc_offset_seconds);
  const size_t from = s.rfind(" from ");
  if (from == npos) return false;
  string_view ip = s.substr(from + 6);
  const size_t colon = ip.find(": ");
  const string_view reason = colon == npos ? string_view{} : ip.substr(colon + 2);
  ip = mail::clean_ip(ip.substr(0, colon == npos ? ip.size() : colon));
  if (ip.empty()) return false;
  string_view user = s.substr(0, from);
  user = user.substr(0, user.find(" ("));
  f.set("source.ip", ip);
  if (!user.empty()) f.set("user.name", user);
  if (!reason.empty()) f.set("event.reason", reason);
  mail::set_event(f, "squirrelmail", "authentication", "webmail_login",
                  failed ? "failure" : "success");
  return true;
}

bool decode_oracle_ims(string_view line, Fields& f) {
  if (line.substr(0, 4) != "<co ") return false;
  const string_view mi = attribute(line, " mi=\"");
  const bool failed = mi == "Bad password";
  if (!failed && mi.substr(0, 25) != "Authentication successful") return false;
  // tr="TCP|LOCAL|LPORT|REMOTE|RPORT"
  string_view tr = attribute(line, " tr=\"");
  string_view parts[5];
  for (auto& part : parts) {
    const size_t bar = tr.find('|');
    part = tr.substr(0, bar);
    tr = bar == npos ? string_view{} : tr.substr(bar + 1);
  }
  const string_view ip = mail::clean_ip(parts[3]);
  if (ip.empty()) return false;
  f.set("source.ip", ip);
  if (text::is_port(parts[4])) f.set("source.port", parts[4]);
  if (const string_view user = attribute(line, " us=\""); !user.empty()) f.set("user.name", user);
  f.set("event.reason", mi);
  mail::set_event(f, "oracle-ims", "authentication", "smtp_auth", failed ? "failure" : "success");
  return true;
}

// Their entries in the decoder registry (decoder_registry.h): file formats, found by their
// first bytes.
namespace {

constexpr std::string_view kWebmailFileFormats[] = {
    "OpenWebMail openwebmail.log", "SquirrelMail squirrel_logger log",
    "Oracle / Sun Messaging Server XML connection log"};

}  // namespace

extern constinit const DecoderSpec kWebmailFilesDecoder{
    .name = "webmail-files",
    .description = "OpenWebMail, SquirrelMail and Oracle Messaging Server login results",
    .programs = {},
    .formats = kWebmailFileFormats,
};

}  // namespace soc
