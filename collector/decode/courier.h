// Fields from Courier mail server: imapd / pop3d logins (authdaemon) and courieresmtpd errors.
#pragma once

#include <string_view>

#include "collector/decode/event.h"

namespace soc {

// Decodes one Courier MSG; `program` (the syslog tag) tells POP3 from IMAP. Sets service.name =
// "courier", event.category, event.action, event.outcome, source.ip ("::ffff:" dropped),
// source.port and user.name where present. Shapes:
//   LOGIN FAILED, [user=U, ][method=M, ]ip=[IP][, port=[N]]   imap_login / pop3_login, failure
//   LOGIN, user=U, ip=[IP], ...                                imap_login / pop3_login, success
//   error,relay=IP,[port=N,]msg="535 Authentication failed.",cmd: ...   smtp_auth, failure
//   error,relay=IP,...,from=<F>,to=<T>: 550 User unknown.      smtp_unknown_recipient
//   error,relay=IP,...: REPLY (another 5xx)                     smtp_reject
// Anything else returns false and sets nothing.
bool decode_courier(std::string_view program, std::string_view message, Fields& fields);

}  // namespace soc
