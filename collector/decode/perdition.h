// Fields from the perdition IMAP/POP3 proxy's authentication lines.
#pragma once

#include <string_view>

#include "collector/decode/event.h"

namespace soc {

// Decodes "Auth: IP:PORT->IP:PORT ... authentication_id="U" ... status="STATUS"" (success when
// STATUS is "ok") and "Fatal Error reading authentication information from client IP:PORT->...".
// Sets service.name = "perdition", event.category = "authentication", event.action
// (imap_login / pop3_login by the program), event.outcome, source.ip, source.port, user.name and
// event.reason. Anything else returns false and sets nothing.
bool decode_perdition(std::string_view program, std::string_view message, Fields& fields);

}  // namespace soc
