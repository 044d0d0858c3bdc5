// Fields from sudo's log line: `USER : [REASON ; ]TTY=... ; PWD=... ; USER=... ; COMMAND=...`.
#pragma once

#include <string_view>

#include "collector/decode/event.h"

namespace soc {

// Decodes one sudo MSG (the syslog header already removed). When it is a command line log, sets
// "user.name" (who ran sudo), "user.effective.name" (USER=), "process.working_directory" (PWD=),
// "process.env_vars" (ENV=, the variables the user set on the command line, as logged:
// "LD_PRELOAD=/tmp/x.so TERM=xterm"), "process.command_line" (COMMAND=, everything after it),
// "event.action" = "sudo" and "event.outcome": "success", or "failure" with "event.reason" when a
// reason precedes the keys
// ("3 incorrect password attempts", "user NOT in sudoers", "command not allowed"). Returns false
// and sets nothing for other sudo messages (PAM session lines, "unable to resolve host").
bool decode_sudo(std::string_view message, Fields& fields);

}  // namespace soc
