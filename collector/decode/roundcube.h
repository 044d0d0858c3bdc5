// Fields from Roundcube webmail: its errors / userlogins log files ("[10-May-2015 13:02:52
// -0400]: <sess> Failed login for U from IP ...") and the same messages through syslog.
#pragma once

#include <optional>
#include <string_view>

#include "collector/decode/event.h"
#include "collector/decode/syslog.h"

namespace soc {

// True when `line` starts with Roundcube's file timestamp "[DD-Mon-YYYY HH:MM:SS".
bool looks_like_roundcube_line(std::string_view line);

// Decodes a Roundcube message, with or without the file timestamp (which then sets `time`). A
// "<SESSION> " / "[SESSION] " tag is skipped. Sets service.name = "roundcube", event.category =
// "authentication", event.action = "webmail_login", event.outcome, user.name, source.ip (the last
// "from ADDRESS" of the message part: proxies log "from PROXY from CLIENT") and event.reason:
//   IMAP Error: Login failed for U [against HOST ]from IP[. REASON]   failure
//   Failed login for U from IP in session S (error: N)                failure
//   Successful login for U (ID: N) from IP in session S               success
// Anything else returns false and sets nothing but `time`.
bool decode_roundcube(std::string_view line, const ReadTime& read, Fields& fields,
                      std::optional<SysTime>& time);

}  // namespace soc
