// Fields from login(1) (shadow-utils / util-linux) messages: console and serial logins.
#pragma once

#include <string_view>

#include "collector/decode/event.h"

namespace soc {

// Decodes one login MSG (the syslog header already removed):
//   ROOT LOGIN ON tty1 [FROM host]            "user.name" root, success
//   LOGIN ON tty1 BY alice [FROM host]        "user.name" alice, success
//   FAILED LOGIN 1 FROM tty1 FOR root, Authentication failure
//   FAILED LOGIN (1) on '/dev/tty1' FOR 'root', Authentication failure      (util-linux)
//   TOO MANY LOGIN TRIES (5) FROM tty1 FOR root, Authentication failure
// sets "event.action" (login, or login_too_many_tries), "event.outcome", "process.tty.name" (the
// terminal, when the line names one) and "source.address" (a remote host after FROM, when the
// line names one), with "event.reason" for failures. Returns false and sets nothing for anything
// else (PAM lines of login go to decode_pam).
bool decode_login(std::string_view message, Fields& fields);

}  // namespace soc
