// Syslog headers: RFC 3164 (BSD), the same with an RFC 3339 timestamp, and RFC 5424.
#pragma once

#include <optional>
#include <string_view>

#include "collector/decode/event.h"
#include "common/clock.h"

namespace soc {

// An RFC 3164 timestamp has no year and no zone; both come from the agent's read time.
struct ReadTime {
  SysTime time;
  int utc_offset_seconds = 0;
};

// parse_rfc3339 for times found in logs and envelopes: years outside 1900..2200 are refused, as
// no log line is from then and SysTime (int64 nanoseconds) overflows after 2262.
std::optional<SysTime> parse_log_time(std::string_view rfc3339);

// A syslog line split at its header. The views point into the parsed line.
struct SyslogLine {
  std::optional<SysTime> time;  // none for an RFC 5424 "-" or an impossible date
  std::optional<int> priority;  // <PRI>, when present
  std::string_view host;        // empty when the header has none
  std::string_view tag;         // as written, e.g. "sshd(pam_unix)"; empty when there is none
  std::string_view program;     // the tag up to any '(': "sshd" for "sshd(pam_unix)"
  std::string_view pid;         // decimal digits, or empty
  std::string_view message;     // the MSG part
};

// Recognises `[<PRI>]Mmm dd hh:mm:ss host tag[pid]: msg` (day may be space-padded, host may be
// absent, the tag may be written `[tag]`), the same with an ISO 8601 timestamp in place of
// `Mmm dd hh:mm:ss` (rsyslog's high-precision format and journalctl's short-iso: its own zone as
// `+hh:mm`, `+hhmm` or `Z`, else the read time's zone) or journalctl short-unix's epoch seconds,
// RFC 5424, and `[host ]tag[pid]: msg` without a timestamp (the time stays unset). Returns nothing
// when the line has no syslog header. RFC 3164 times take the year and zone of `read`; a time more
// than a day after `read` is taken to be from the year before (a December line read in January).
std::optional<SyslogLine> parse_syslog(std::string_view line, const ReadTime& read);

// Sets "host.name" (when the header has a host), "process.name" (the program), "process.pid"
// (when present), "log.syslog.appname" (when the tag differs from the program),
// "log.syslog.priority" (when present) and "message".
void set_syslog_fields(const SyslogLine& line, Fields& fields);

}  // namespace soc
