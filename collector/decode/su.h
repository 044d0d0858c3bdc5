// Fields from su (util-linux and shadow-utils) messages.
#pragma once

#include <string_view>

#include "collector/decode/event.h"

namespace soc {

// Decodes one su MSG (the syslog header already removed). "user.name" is who ran su and
// "user.effective.name" the account asked for, as for sudo. Shapes:
//   (to root) alice on pts/0                    util-linux, success
//   FAILED SU (to root) alice on pts/0          util-linux, failure
//   Successful su for root by alice             shadow-utils, success
//   FAILED su for root by alice                 shadow-utils, failure
//   + pts/0 alice:root  /  - pts/0 alice:root   shadow-utils sulog style, success / failure
// set "event.action" = "su", "event.outcome" and, when given, "process.tty.name". PAM lines
// (`pam_unix(su:auth): authentication failure; ... ruser=alice ... user=root`, `pam_unix(su-l:
// session): session opened for user root(uid=0) by alice(uid=1000)`) go to decode_pam (pam.h),
// which maps them the same way: the requester to "user.name", the target to
// "user.effective.name". Returns false and sets nothing for anything else.
bool decode_su(std::string_view message, Fields& fields);

}  // namespace soc
