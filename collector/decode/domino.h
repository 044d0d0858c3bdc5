// Fields from HCL (IBM Lotus) Domino SMTP server console / log.nsf text lines.
#pragma once

#include <optional>
#include <string_view>

#include "collector/decode/event.h"
#include "collector/decode/syslog.h"

namespace soc {

// Decodes a Domino line: an optional "[PID:TID-THREAD] ", a "DD-MM-YYYY HH:MM:SS" or
// "YYYY-MM-DD HH:MM:SS" time (sets `time`, in `read`'s offset), then:
//   smtp: USER [IP] authentication failure using internet password       smtp_auth, failure
//   SMTP Server[ [ID]]: Authentication failed for user U ; connecting host [IP]   smtp_auth
//   SMTP Server [ID] Connection from [IP] rejected for policy reasons. ...  smtp_reject
// Sets service.name = "domino", event.category, event.action, event.outcome, source.ip,
// user.name and event.reason. Anything else returns false and sets nothing but `time`.
bool decode_domino(std::string_view line, const ReadTime& read, Fields& fields,
                   std::optional<SysTime>& time);

}  // namespace soc
