// Fields from Exim's main and reject logs (/var/log/exim4/mainlog, rejectlog), written to a file
// with their own "2026-11-23 12:00:00" timestamp, or through syslog under the tag "exim".
#pragma once

#include <optional>
#include <string_view>

#include "collector/decode/event.h"
#include "collector/decode/syslog.h"

namespace soc {

// True when `line` starts like an Exim log file line: "YYYY-MM-DD HH:MM:SS ".
bool looks_like_exim_line(std::string_view line);

// Decodes an Exim log line or syslog MSG. A leading "YYYY-MM-DD HH:MM:SS[.fff][ +zzzz] " sets
// `time` (zone-less times in `read`'s offset); a syslog-style "HOST exim[PID]: " after it, a
// "[PID] " and a message id are skipped. Sets service.name = "exim", event.category,
// event.action, event.outcome, source.ip / source.port (the H= or "from" client, never the I=
// interface or a bracketed HELO name), and user.name, email.from.address, email.to.address and
// event.reason where the line has them. Actions:
//   smtp_auth              NAME authenticator failed for ... [IP]: 535 ... (set_id=USER)
//                          (failure); "<= ... A=NAME:USER" (success)
//   smtp_relay_denied      rejected RCPT <to>: relay not permitted
//   smtp_unknown_recipient rejected RCPT <to>: Unknown user / Unrouteable address / unknown ...
//   smtp_dnsbl             rejected ...: ... black list / dnsbl / blacklisted / found in
//   smtp_reject            other rejected RCPT / MAIL / connection, rejected EHLO / HELO, sender
//                          verify fail, DROP in ACL, dropped by ACL
//   smtp_spam_reject       rejected by local_scan(), rejected after DATA, SA: Action: (spam)
//   smtp_protocol_error    SMTP protocol synchronization error / SMTP protocol error in (category
//                          network)
//   smtp_too_many_errors   SMTP call from ... dropped: too many ...
//   smtp_no_mail           no MAIL in SMTP connection from ... (outcome unknown)
//   smtp_lost_connection   unexpected disconnection while reading SMTP command from ... (unknown)
//   smtp_dns_mismatch      no host name found for IP address / no IP address found for host
//                          (outcome unknown)
// Anything else returns false and sets nothing but `time`.
bool decode_exim(std::string_view line, const ReadTime& read, Fields& fields,
                 std::optional<SysTime>& time);

}  // namespace soc
