// Fields from ASSP (Anti-Spam SMTP Proxy) maillog lines ("Apr-27-13 02:25:09 Blocking IP - too
// much AUTH errors (8);").
#pragma once

#include <optional>
#include <string_view>

#include "collector/decode/event.h"
#include "collector/decode/syslog.h"

namespace soc {

// True when `line` starts with "Mon-DD-YY HH:MM:SS ".
bool looks_like_assp_line(std::string_view line);

// Decodes an ASSP line (its timestamp sets `time`, in `read`'s offset). After the time, a
// message id ("m1-25391-06124") and bracketed tags ("[Worker_1] [TLS-out]") come before the
// client's address. Sets service.name = "assp", event.category, event.action, event.outcome,
// source.ip and event.reason:
//   Blocking IP - too much AUTH errors (N)                          smtp_auth, failure
//   IP max sender authentication errors (N) exceeded ...           smtp_auth, failure
//   IP [SMTP Error] 535 ... authentication failed: ...              smtp_auth, failure
//   [RelayAttempt] IP ... relay attempt blocked ...                 smtp_relay_denied
//   IP SSL negotiation with client failed: ...                      smtp_protocol_error
// Anything else returns false and sets nothing but `time`.
bool decode_assp(std::string_view line, const ReadTime& read, Fields& fields,
                 std::optional<SysTime>& time);

}  // namespace soc
