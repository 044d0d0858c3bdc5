// Fields from Kerio Connect's security log ("[13/Dec/2013 00:22:45] Failed SMTP login from IP
// with SASL method CRAM-MD5.").
#pragma once

#include <optional>
#include <string_view>

#include "collector/decode/event.h"
#include "collector/decode/syslog.h"

namespace soc {

// True when `line` starts with "[DD/Mon/YYYY HH:MM:SS] ".
bool looks_like_kerio_line(std::string_view line);

// Decodes a Kerio Connect security-log line (its timestamp sets `time`, in `read`'s offset).
// Sets service.name = "kerio", event.category, event.action, event.outcome, source.ip and
// user.name / email.to.address where present:
//   Failed SMTP login from IP with SASL method M.                smtp_auth, failure
//   Administration login into Web Administration from IP failed  admin_login, failure
//   Attempt to deliver to unknown recipient <T>, ..., IP address IP    smtp_unknown_recipient
//   SMTP: User U doesn't exist. Attempt from IP address IP.     smtp_unknown_recipient
//   Relay attempt from IP address IP, ...                        smtp_relay_denied
//   IP address IP found in DNS blacklist L, ...                  smtp_dnsbl
//   SMTP Spam attack detected from IP, ...                       smtp_protocol_error
//   Client with IP address IP has no reverse DNS entry, ... / Message from IP address IP, ...
//   rejected: ...                                                smtp_reject
// Anything else returns false and sets nothing but `time`.
bool decode_kerio(std::string_view line, const ReadTime& read, Fields& fields,
                  std::optional<SysTime>& time);

}  // namespace soc
