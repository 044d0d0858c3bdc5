// Fields from SOGo groupware (sogod) logins, in its own log (/var/log/sogo/sogo.log, whose
// "sogod [PID]:" a syslog parser reads as a host name) or through syslog ("sogod[PID]:").
#pragma once

#include <string_view>

#include "collector/decode/event.h"

namespace soc {

// Decodes "SOGoRootPage Login from 'IP[, PROXY]' for user 'U' might not have worked - ..."
// (failure) and "SOGoRootPage successful login from 'IP' for user 'U' ..." (success), with an
// optional leading "[PID]: ". Sets service.name = "sogo", event.category = "authentication",
// event.action = "webmail_login", event.outcome, source.ip (the first address: the client),
// user.name and event.reason. Else false, nothing set.
bool decode_sogo(std::string_view message, Fields& fields);

}  // namespace soc
