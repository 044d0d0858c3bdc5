// PAM messages any program logs: `MODULE(SERVICE:TYPE): TEXT`, e.g.
// `pam_unix(su:auth): authentication failure; logname=alice uid=1000 euid=0 tty=pts/0 ruser=alice
// rhost=  user=root`. The one parser of PAM's key=value list; sshd and su reuse it.
#pragma once

#include <string_view>

#include "collector/decode/event.h"

namespace soc {

// The `key=value` items after "authentication failure; ". Values are single tokens; an empty
// value ("rhost= ") stays empty. Views point into the parsed text.
struct PamAuthItems {
  std::string_view logname, uid, euid, tty, ruser, rhost, user;
};
PamAuthItems parse_pam_auth_items(std::string_view items);

// Sets the fields of an authentication failure (shared by every program, sshd included):
// "event.action" = "pam_auth_failure", "event.outcome" = "failure"; the acting user: "user.name"
// = ruser when it is set and differs from user (su: alice asks to become root), with "user.name"
// = user otherwise; "user.effective.name" = user in the first case; "source.ip" (rhost that is an
// address) or "source.domain" (any other non-empty rhost); "process.tty.name" (tty).
void set_pam_auth_failure(const PamAuthItems& items, Fields& fields);

// Decodes a PAM message (the syslog MSG). Sets "pam.module" and "pam.service" and, for the shapes
// it knows:
//   authentication failure; KEY=VALUE...     set_pam_auth_failure
//   session opened for user X(uid=N) by Y(uid=M)   "session_opened", success. The actor Y goes
//       to "user.name"/"user.id" and X to "user.effective.name"/"user.effective.id" when Y is
//       named and differs from X (sudo, su); otherwise X is "user.name"/"user.id" (sshd, or cron's
//       "by (uid=0)").
//   session closed for user X                "session_closed", success, "user.name" = X
//   password changed for X                   "password_changed", success, "user.name" = X (the
//                                            account whose password changed)
//   Consecutive login failures for user X account temporarily locked   (pam_faillock)
//                                            "account_locked", failure, "user.name" = X
//   user X (UID) tally N, deny M   /   user X (UID) has time limit [Ns left] since last failure.
//       (pam_tally2 / pam_tally refusing a locked account)   "account_locked", failure,
//       "user.name" = X, "user.id" = UID
// Returns false and sets nothing when the message is not `MODULE(SERVICE[:TYPE]): ...` or the text
// is none of these.
bool decode_pam(std::string_view message, Fields& fields);

}  // namespace soc
