#include "collector/decode/mail_file.h"

#include "collector/decode/decoder_registry.h"

#include "collector/decode/assp.h"
#include "collector/decode/domino.h"
#include "collector/decode/dovecot.h"
#include "collector/decode/exim.h"
#include "collector/decode/horde.h"
#include "collector/decode/kerio.h"
#include "collector/decode/roundcube.h"
#include "collector/decode/sogo.h"
#include "collector/decode/text.h"
#include "collector/decode/webmail_files.h"
#include "collector/decode/zimbra.h"

namespace soc {
namespace {

using std::string_view;

// "@" and 24 hex digits: 2^62 + TAI seconds, then nanoseconds. TAI runs 37 s ahead of UTC
// since 2017; multilog users care about the order of lines more than that difference.
std::optional<SysTime> tai64n(string_view label) {
  if (label.size() != 25 || label[0] != '@') return std::nullopt;
  uint64_t secs = 0;
  uint64_t nanos = 0;
  for (size_t i = 1; i < 25; ++i) {
    const char c = label[i];
    if (!text::is_hex_digit(c)) return std::nullopt;
    const uint64_t digit = text::is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
    if (i <= 16) {
      secs = secs * 16 + digit;
    } else {
      nanos = nanos * 16 + digit;
    }
  }
  constexpr uint64_t kEpoch = uint64_t{1} << 62;
  if (secs < kEpoch + 37 || nanos > 999999999) return std::nullopt;
  const auto unix_secs = static_cast<int64_t>(secs - kEpoch - 37);
  if (unix_secs > 7'000'000'000) return std::nullopt;  // beyond SysTime's range
  return SysTime(std::chrono::seconds(unix_secs)) +
         std::chrono::duration_cast<SysTime::duration>(std::chrono::nanoseconds(nanos));
}

}  // namespace

bool decode_mail_file_line(string_view line, const ReadTime& read, Fields& f,
                           std::optional<SysTime>& time) {
  if (line.empty()) return false;
  const char c = line.front();
  if (c == '[') {
    if (looks_like_roundcube_line(line)) return decode_roundcube(line, read, f, time);
    if (looks_like_kerio_line(line)) return decode_kerio(line, read, f, time);
    if (line.size() > 2 && text::is_digit(line[1])) {
      // sogo.log's "sogod [PID]: ..." (the syslog parser took "sogod" for a host), Domino's
      // "[PID:TID-THREAD] DD-MM-YYYY ...".
      return decode_sogo(line, f) || decode_domino(line, read, f, time);
    }
    // Horde's log: "HORDE [error] [imp] FAILED LOGIN ..." read as a syslog line from host HORDE.
    return line.substr(0, 40).find("] FAILED LOGIN for ") != std::string_view::npos &&
           decode_horde(line, f);
  }
  if (c == '@') {
    if (line.size() < 27 || line[25] != ' ') return false;
    const auto own = tai64n(line.substr(0, 25));
    if (!own) return false;
    time = own;
    return decode_dovecot({}, line.substr(26), f);
  }
  if (c == '<') return decode_oracle_ims(line, f);
  if (c >= 'A' && c <= 'W') {
    return (looks_like_assp_line(line) && decode_assp(line, read, f, time)) ||
           decode_openwebmail(line, read, f, time);
  }
  if (!text::is_digit(c)) return false;
  // Zimbra: "YYYY-MM-DD HH:MM:SS,mmm LEVEL [thread] [context] security - cmd=Auth; ...".
  if (line.size() > 20 && line[19] == ',') return decode_zimbra(line, read, f, time);
  if (looks_like_exim_line(line)) {
    if (decode_exim(line, read, f, time)) return true;
    // Dovecot's own log file: "YYYY-MM-DD HH:MM:SS SERVICE: ..." (time set by decode_exim).
    if (decode_dovecot({}, line.substr(20), f)) return true;
  }
  if (line.size() > 20 && line[2] == '/') return decode_squirrelmail(line, read, f, time);
  // Domino: "DD-MM-YYYY HH:MM:SS   smtp: ..." or "YYYY-MM-DD HH:MM:SS   SMTP Server ...".
  return line.size() > 20 && (line[2] == '-' || line[4] == '-') && line[10] == ' ' &&
         decode_domino(line, read, f, time);
}

namespace {

// The first bytes decode_mail_file_line looks at: it tests the rest itself.
bool mail_file_shape(string_view line) {
  const char c = line.front();
  return c == '[' || c == '@' || c == '<' || (c >= 'A' && c <= 'W') || text::is_digit(c);
}

constexpr string_view kMailFileFormats[] = {
    "exim mainlog / rejectlog",        "Dovecot's own log file",    "Roundcube errors log",
    "Kerio, SOGo, Domino, Horde logs", "multilog (TAI64N) dovecot", "Oracle Messaging Server",
    "ASSP, OpenWebMail, Zimbra audit", "SquirrelMail login log"};

}  // namespace

// Mail servers' own log files (no syslog header), before the other shapes: their lines start
// like access lines or JSON ('[', '@', digits) but are tested by their exact first bytes.
extern constinit const DecoderSpec kMailFilesDecoder{
    .name = "mail-files",
    .description = "mail servers' own log files (exim, dovecot, roundcube, ...), by line shape",
    .formats = kMailFileFormats,
    .shape = {.test = mail_file_shape,
              .text = "'[', '@', '<', A-W or a digit, then the file's exact first bytes (else the "
                      "next shapes)",
              .decode = decode_mail_file_line,
              .final = false},
};

}  // namespace soc
