#include "collector/decode/service_lines.h"

#include <algorithm>

#include "collector/decode/database.h"
#include "collector/decode/decoder_registry.h"
#include "collector/decode/dns.h"
#include "collector/decode/dropbear.h"
#include "collector/decode/ftp.h"
#include "collector/decode/proxy.h"
#include "collector/decode/remote_access.h"
#include "collector/decode/text.h"
#include "collector/decode/voip.h"
#include "collector/decode/vpn.h"

namespace soc {

namespace {

// BIND's logging categories, which a "category: severity: message" line written to syslog
// without a tag shows in the tag's place.
bool is_bind_category(std::string_view program) {
  static constexpr std::string_view kCategories[] = {
      "security", "update-security", "update",     "xfer-in",      "xfer-out", "notify", "client",
      "queries",  "query-errors",    "rate-limit", "lame-servers", "default",  "general"};
  for (const std::string_view c : kCategories) {
    if (program == c) return true;
  }
  return false;
}

// "[ISO-TIME ]HOST PROGRAM[PID]: MSG" without a syslog timestamp the parser reads: hands MSG to
// PROGRAM's decoder.
bool decode_short_journal_line(std::string_view text, const ReadTime& read, Fields& f,
                               std::optional<SysTime>& time) {
  std::string_view s = text;
  if (s.size() > 20 && text::is_digit(s[0]) && s[4] == '-' && s[10] == 'T') {
    s.remove_prefix(std::min(s.size(), s.find(' ') + 1));
  }
  const std::string_view host = text::next_token(s);
  const size_t open = s.find('[');
  const size_t close = s.find("]: ");
  if (host.empty() || open == std::string_view::npos || close == std::string_view::npos ||
      open > close || s.substr(0, close).find(' ') != std::string_view::npos) {
    return false;
  }
  const std::string_view program = s.substr(0, open);
  const std::string_view pid = s.substr(open + 1, close - open - 1);
  const DecoderSpec* spec = DecoderRegistry::builtin().for_program(program);
  if (spec == nullptr || !text::all_digits(pid)) return false;
  const std::string_view msg = s.substr(close + 3);
  // Decoders read the program (and the pid: connection tables) from the fields. Left set when
  // the decoder does not know the MSG: the line does name its program.
  f.set("process.name", program);
  f.set("process.pid", pid);
  if (!spec->decode(msg, read, f, time)) return false;
  f.set("host.name", host);
  f.set("message", msg);
  return true;
}

// A dropbear message without its syslog header (its own stderr): the shapes start with a
// distinctive phrase, so this costs a few byte compares.
bool decode_bare_dropbear(std::string_view text, Fields& f) {
  if (!decode_dropbear(text, f)) return false;
  f.set("process.name", "dropbear");
  return true;
}

}  // namespace

bool decode_service_line(std::string_view program, std::string_view text, const ReadTime& read,
                         Fields& f, std::optional<SysTime>& time) {
  if (text.empty()) return false;
  if (program.empty()) {
    // A line without a syslog header: a service's own log file. Those start with a date, a
    // bracketed date or level, Murmur's "<W>", or a word (vsftpd's day name, a host); anything
    // else ("- 1131566461 ..." of an archive) is spared the text searches below.
    const char c = text.front();
    const bool alnum = text::is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    if (!alnum && c != '[' && c != '<') return false;
    if (decode_short_journal_line(text, read, f, time)) return true;
    return decode_ftp_file_line(text, f) || decode_dns_file_line(text, f) ||
           decode_proxy_file_line(text, f) || decode_database_file_line(text, f) ||
           decode_vpn_text(program, text, f) || decode_voip(text, f) ||
           decode_remote_access(program, text, f) || decode_bare_dropbear(text, f);
  }
  // A syslog line of a program no decoder claims: only the few tags that are not the service's
  // program are tried, so that the busy programs of a host (ntpd, dhcpd, gmetad ...) pay one
  // lookup and no text searches.
  if (is_bind_category(program)) return decode_dns_file_line(text, f);
  if (program.starts_with("ovpn-") || program == "kernel" || program.starts_with("vpn")) {
    return decode_vpn_text(program, text, f);
  }
  if (program.starts_with("tomcat") || program == "catalina" || program == "java" ||
      program.starts_with("guacd")) {
    return decode_remote_access(program, text, f);
  }
  return false;
}

void refine_service_json(Fields& f) {
  decode_mongodb_json(f);
}

}  // namespace soc
