// OpenBSD doas and OpenDoas on Linux.
#pragma once

#include <string_view>

#include "collector/decode/event.h"

namespace soc {

// Decodes a doas syslog MSG. Sets service.name "doas", event.category "authentication",
// event.action "doas", event.outcome, user.name (the invoking user), user.effective.name (the
// target) and process.command_line / process.working_directory where the line has them:
//   USER ran command CMD as TARGET from DIR     success
//   failed auth for USER                        failure, bad_password
//   command not permitted for USER: CMD         failure, not_allowed
//   USER: command not permitted: CMD            failure, not_allowed (OpenBSD)
bool decode_doas(std::string_view msg, Fields& f);

}  // namespace soc
