// Fields from OpenSSH sshd messages: logins, invalid users, pre-auth disconnects and probes,
// refusals, PAM failures.
#pragma once

#include <string_view>

#include "collector/decode/event.h"

namespace soc {

// True for the program names sshd logs under: "sshd", and "sshd-session" / "sshd-auth" since
// OpenSSH 9.8 split the daemon.
bool is_sshd_program(std::string_view program);

// Decodes one sshd MSG (the syslog header already removed). On a recognised shape sets
// "event.action", "event.outcome" and whichever of "user.name", "source.ip", "source.port",
// "source.domain" (a PAM rhost or a host name that is not an address), "event.reason" and
// "ssh.method" the shape carries, then returns true. Actions:
//   ssh_login               Failed|Accepted METHOD for [invalid user ]USER from IP port N ...
//   ssh_invalid_user        Invalid user USER from IP [port N]
//   ssh_preauth_disconnect  Connection closed|reset by / Disconnected from authenticating|invalid
//                           user USER IP port N [preauth]
//   ssh_connection_closed   Connection closed|reset by IP [port N] [[preauth]]: no user named
//                           (scanners since OpenSSH 8); outcome "unknown", event.reason "closed"
//                           or "reset"
//   pam_auth_failure        [pam_unix(sshd:auth): ]authentication failure; ... rhost=H user=U
//                           (fields as set_pam_auth_failure in pam.h)
//   ssh_max_auth_attempts   [error: ]maximum authentication attempts exceeded for [invalid user ]
//                           USER from IP port N ssh2 [preauth]; and OpenSSH < 7's
//                           Disconnecting: Too many authentication failures for USER [preauth]
//                           (user.name only)
//   ssh_user_not_allowed    User USER [from HOST] not allowed because REASON (event.reason)
//   ssh_root_login_refused  ROOT LOGIN REFUSED FROM IP [port N] (user.name = root)
//   ssh_dns_mismatch        reverse mapping checking getaddrinfo for HOST [IP] failed - POSSIBLE
//                           BREAK-IN ATTEMPT!; Address IP maps to HOST, but this does not map
//                           back to the address - POSSIBLE BREAK-IN ATTEMPT! (source.domain = HOST)
// and pre-authentication probes, with source.ip / source.port and the text after the peer's
// address in "event.reason" (a leading "error: " / "fatal: " is ignored):
//   ssh_no_identification     Did not receive identification string from IP [port N]
//   ssh_banner_invalid        banner exchange: Connection from IP port N: REASON
//   ssh_negotiation_failed    Unable to negotiate with IP port N: REASON [preauth]
//   ssh_bad_protocol_version  Bad protocol version identification 'TEXT' from IP [port N]
//   ssh_preauth_timeout       Timeout before authentication for IP port N
// Each login attempt logs a PAM failure and a "Failed password" line; distinct actions keep
// threshold rules from counting it twice. Anything else returns false and sets nothing.
bool decode_sshd(std::string_view message, Fields& fields);

}  // namespace soc
