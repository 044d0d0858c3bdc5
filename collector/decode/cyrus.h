// Fields from Cyrus IMAP (imapd, pop3d, timsieved / sieve): badlogin and login lines.
#pragma once

#include <string_view>

#include "collector/decode/event.h"

namespace soc {

// Decodes one Cyrus MSG; `program` (the syslog tag, "cyrus/imaps", "timsieved") names the
// protocol. Sets service.name = "cyrus", event.category = "authentication", event.action
// (imap_login, pop3_login, sieve_login), event.outcome, source.ip, source.domain, user.name (when
// the line names one) and event.reason (the SASL error). Shapes:
//   badlogin: HOST [IP] MECH [USER] [SASL(-13): REASON]    failure
//   badlogin: HOST[IP] MECH authentication failure        failure (timsieved)
//   login: HOST [IP] USER MECH ... User logged in          success
// Anything else returns false and sets nothing.
bool decode_cyrus(std::string_view program, std::string_view message, Fields& fields);

}  // namespace soc
