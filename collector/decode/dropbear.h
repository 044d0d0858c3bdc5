// Dropbear SSH server.
#pragma once

#include <string_view>

#include "collector/decode/event.h"

namespace soc {

// Decodes a dropbear syslog MSG (optionally after the "[PID] Mon DD HH:MM:SS " that dropbear
// writes itself when logging to stderr / the journal). Sets service.name "dropbear",
// event.category "authentication", event.action "ssh_login", event.outcome, user.name,
// source.ip / source.port and event.reason:
//   Bad password attempt for 'U' from IP:PORT                       failure, bad_password
//   Login attempt for nonexistent user [('U') ]from IP:PORT         failure, unknown_user
//   Exit before auth [from <IP:PORT>]: (user 'U', N fails): Max auth tries reached - user 'U'
//   [from IP:PORT]                                                   failure, max_attempts
//   Exit before auth from <IP:PORT>: OTHER                           "ssh_preauth_disconnect",
//                                                                    outcome unknown
//   Password auth succeeded for 'U' from IP:PORT; Pubkey auth succeeded for 'U' with ... from
//   IP:PORT                                                          success
bool decode_dropbear(std::string_view msg, Fields& f);

}  // namespace soc
