// Fields from Dovecot's login processes (imap-login, pop3-login, managesieve-login,
// submission-login) and its authentication processes (auth, auth-worker).
#pragma once

#include <string_view>

#include "collector/decode/event.h"

namespace soc {

// Decodes one Dovecot message. `service` is the Dovecot process that logged it ("imap-login",
// "auth-worker"), or empty when `message` starts with it ("imap-login: Info: ...", as under the
// syslog tag "dovecot"). A leading "dovecot: " and log-level words ("Info: ", "Warning: ") are
// skipped. Sets service.name = "dovecot", event.category = "authentication", event.action,
// event.outcome and whichever of source.ip (rip=), destination.ip (lip=), user.name and
// event.reason the line carries. Actions:
//   PROTO_login (imap_login, pop3_login, managesieve_login, submission_login):
//     Login: user=<U>, method=M, rip=IP ...                          success
//     ... (auth failed, N attempts[ in T secs]) ...                   failure
//     ... (tried to use disabled|disallowed plaintext|... auth) ...   failure
//     ... (proxy dest auth failed) ...                                failure
//   PROTO_connection: a connection that ended without trying to log in ("no auth attempts",
//     "disconnected before auth was ready", "client didn't finish SASL auth", "disconnected
//     during TLS handshake"); outcome unknown: only many of them matter (scanners)
//   mail_auth: the password database's verdict, `DRIVER(USER,IP[,...]): RESULT` from auth /
//     auth-worker: "unknown user", "Password mismatch", "pam_authenticate() failed: ...",
//     "invalid credentials"                                          failure
// event.reason is the text in parentheses (login processes) or RESULT (auth). Anything else
// returns false and sets nothing.
bool decode_dovecot(std::string_view service, std::string_view message, Fields& fields);

}  // namespace soc
