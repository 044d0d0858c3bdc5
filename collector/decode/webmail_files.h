// Webmail and mail-server log files with their own line formats, recognised by their first bytes:
// OpenWebMail's openwebmail.log, SquirrelMail's squirrel_logger log and Oracle Communications
// Messaging Server (Sun Java System / iPlanet) XML connection log.
#pragma once

#include <optional>
#include <string_view>

#include "collector/decode/event.h"
#include "collector/decode/syslog.h"

namespace soc {

// OpenWebMail: "Www Mmm DD HH:MM:SS YYYY - [PID] (IP) USER - login error - REASON" (also
// "userinfo error"). Sets service.name = "openwebmail", event.category = "authentication",
// event.action = "webmail_login", event.outcome = "failure", source.ip, user.name,
// event.reason; `time` from the line.
bool decode_openwebmail(std::string_view line, const ReadTime& read, Fields& fields,
                        std::optional<SysTime>& time);

// SquirrelMail squirrel_logger: "MM/DD/YYYY HH:MM:SS [LOGIN_ERROR] USER (DOMAIN) from IP: REASON"
// (failure) and "[LOGIN] ..." (success). service.name = "squirrelmail", event.action =
// "webmail_login".
bool decode_squirrelmail(std::string_view line, const ReadTime& read, Fields& fields,
                         std::optional<SysTime>& time);

// Oracle / Sun Messaging Server XML connection records: `<co ts="..." ... tr="TCP|LOCAL|LPORT|
// REMOTE|RPORT" ap="SMTP" mi="Bad password" us="USER" .../>`. "Bad password" is a failed
// smtp_auth, "Authentication successful" a successful one. service.name = "oracle-ims".
bool decode_oracle_ims(std::string_view line, Fields& fields);

}  // namespace soc
