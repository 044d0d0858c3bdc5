// Fields from solid-pop3d's login failures ("authentication failed for user U - IP").
#pragma once

#include <string_view>

#include "collector/decode/event.h"

namespace soc {

// Decodes a solid-pop3d MSG ending in " - IP": "[APOP ]authentication failed for [mapped ]user
// U", "authentication failed: no such user: U", "authentication failed: can't map user name: U",
// "can't find APOP secret for user U", "root login not allowed". Sets service.name =
// "solid-pop3d", event.category = "authentication", event.action = "pop3_login",
// event.outcome = "failure", source.ip, user.name and event.reason. Else false, nothing set.
bool decode_solid_pop3d(std::string_view message, Fields& fields);

}  // namespace soc
