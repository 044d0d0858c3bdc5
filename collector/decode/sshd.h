// Fields from OpenSSH sshd messages: logins, invalid users, pre-auth disconnects, PAM failures.
#pragma once

#include <string_view>

#include "collector/decode/event.h"

namespace soc {

// True for the program names sshd logs under: "sshd", and "sshd-session" / "sshd-auth" since
// OpenSSH 9.8 split the daemon.
bool is_sshd_program(std::string_view program);

// Decodes one sshd MSG (the syslog header already removed). On a recognised shape sets
// "event.action", "event.outcome" and whichever of "user.name", "source.ip", "source.port",
// "source.domain" (a PAM rhost that is not an address) and "ssh.method" the shape carries, then
// returns true. Actions:
//   ssh_login               Failed|Accepted METHOD for [invalid user ]USER from IP port N ...
//   ssh_invalid_user        Invalid user USER from IP [port N]
//   ssh_preauth_disconnect  Connection closed by|Disconnected from authenticating|invalid user
//                           USER IP port N [preauth]
//   pam_auth_failure        [pam_unix(sshd:auth): ]authentication failure; ... rhost=H user=U
//                           (fields as set_pam_auth_failure in pam.h)
// Each login attempt logs a PAM failure and a "Failed password" line; distinct actions keep
// threshold rules from counting it twice. Anything else returns false and sets nothing.
bool decode_sshd(std::string_view message, Fields& fields);

}  // namespace soc
