#include "collector/decode/fail2ban.h"

#include <cstdio>
#include <string>

#include "collector/decode/decoder_registry.h"
#include "collector/decode/text.h"

namespace soc {
namespace {

using std::string_view;
using text::consume;
using text::npos;

void skip_spaces(string_view& s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
}

}  // namespace

bool decode_fail2ban(string_view s, Fields& f) {
  skip_spaces(s);
  string_view level;
  if (!s.empty() && s.front() != '[') {
    level = text::next_token(s);  // also skips the padding after it
    if (level.empty() || level.size() > 8) return false;
  }
  if (s.empty() || s.front() != '[') return false;
  const size_t close = s.find("] ");
  if (close == npos || close < 2) return false;
  const string_view jail = s.substr(1, close - 1);
  if (jail.find(' ') != npos) return false;
  s.remove_prefix(close + 2);
  skip_spaces(s);
  string_view action;
  if (consume(s, "Ban ")) {
    action = "fail2ban_ban";
  } else if (consume(s, "Unban ")) {
    action = "fail2ban_unban";
  } else if (consume(s, "Found ")) {
    action = "fail2ban_found";
  } else {
    return false;
  }
  const string_view ip = text::next_token(s);
  if (!text::is_ip(ip)) return false;
  f.set("service.name", "fail2ban");
  f.set("rule.name", jail);
  f.set("source.ip", ip);
  if (!level.empty()) f.set("log.level", text::to_lower(level));
  f.set("event.action", action);
  f.set("event.category", "intrusion_detection");
  return true;
}

bool decode_fail2ban_log(string_view line, const ReadTime& read, Fields& f,
                         std::optional<SysTime>& time) {
  // "2006-02-13 15:52:30,388 fail2ban.actions[123]: ..."
  if (line.size() < 34 || line[4] != '-' || line[10] != ' ' || line[19] != ',') return false;
  string_view rest = line.substr(20);
  const string_view millis = rest.substr(0, rest.find(' '));
  if (!text::all_digits(millis)) return false;
  rest.remove_prefix(millis.size());
  skip_spaces(rest);
  if (!consume(rest, "fail2ban.")) return false;
  const size_t colon = rest.find(": ");
  if (colon == npos || colon > 40) return false;
  string_view logger = rest.substr(0, colon);
  const size_t bracket = logger.find('[');
  if (bracket != npos) logger = logger.substr(0, bracket);
  const std::string module(text::trim(logger));
  if (!decode_fail2ban(rest.substr(colon + 2), f)) return false;
  f.set("log.logger", "fail2ban." + module);
  const int off = read.utc_offset_seconds;
  const int a = off < 0 ? -off : off;
  char zone[8];
  std::snprintf(zone, sizeof zone, "%c%02d:%02d", off < 0 ? '-' : '+', a / 3600 % 100, a / 60 % 60);
  std::string iso(line.substr(0, 19));
  iso[10] = 'T';
  iso += "." + std::string(millis) + zone;
  if (const auto t = parse_log_time(iso)) time = t;
  return true;
}

// Its entry in the decoder registry (decoder_registry.h).
namespace {

constexpr std::string_view kFail2banPrograms[] = {"fail2ban", "fail2ban.actions", "fail2ban-server",
                                                  "fail2ban.filter"};
constexpr std::string_view kFail2banFormats[] = {"fail2ban log lines (syslog, journal)",
                                                 "/var/log/fail2ban.log"};

bool decode_fail2ban_program(std::string_view msg, const ReadTime& /*read*/, Fields& fields,
                             std::optional<SysTime>& /*time*/) {
  // fail2ban-server's journal lines repeat the logger: "fail2ban.actions [11524]: NOTICE ...".
  std::string_view s = msg;
  if (consume(s, "fail2ban.")) {
    const size_t colon = s.find(": ");
    if (colon == npos || colon > 40) return false;
    s.remove_prefix(colon + 2);
  }
  return decode_fail2ban(s, fields);
}

}  // namespace

extern constinit const DecoderSpec kFail2banDecoder{
    .name = "fail2ban",
    .description = "fail2ban bans and finds (another IPS's verdicts, the recidive jail's input)",
    .programs = kFail2banPrograms,
    .formats = kFail2banFormats,
    .decode = decode_fail2ban_program,
    .shape = {.test = text::starts_with_digit,
              .text = "a digit: fail2ban.log's own lines (else the next shapes)",
              .decode = decode_fail2ban_log,
              .final = false},
};

}  // namespace soc
