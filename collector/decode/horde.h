// Fields from Horde / IMP webmail login failures ("[imp] FAILED LOGIN for U [IP] to ...").
#pragma once

#include <string_view>

#include "collector/decode/event.h"

namespace soc {

// Decodes "[[horde]|[imp] ]FAILED LOGIN for U [IP] to ..." and "Login success for U [IP] to ...".
// Sets service.name = "horde", event.category = "authentication", event.action =
// "webmail_login", event.outcome, source.ip and user.name. Else false, nothing set.
bool decode_horde(std::string_view message, Fields& fields);

}  // namespace soc
