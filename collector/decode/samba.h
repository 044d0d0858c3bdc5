// Samba (smbd, winbindd, samba AD DC): authentication results.
#pragma once

#include <string_view>

#include "collector/decode/event.h"

namespace soc {

// Decodes a Samba syslog MSG. Sets service.name "samba", event.category "authentication",
// event.action "smb_login", event.outcome, user.name, user.domain, source.ip / source.port,
// event.reason (from the NT status: NO_SUCH_USER unknown_user, WRONG_PASSWORD bad_password,
// ACCOUNT_LOCKED_OUT / ACCOUNT_DISABLED locked, LOGON_FAILURE bad_credentials) and samba.status:
//   Auth: [SERVICE,AUTH] user [DOMAIN]\[USER] at [DATE] with [METHOD] status [NT_STATUS_X]
//         workstation [W] remote host [ipv4:IP:PORT] ...            (auth audit, Samba >= 4.5)
//   [auth_]check_ntlm_password: Authentication for user [U] -> [U] FAILED with error
//         NT_STATUS_X[, authoritative=N]                             (no peer address)
//   check_ntlm_password: authentication for user [U] -> [U] -> [U] succeeded
bool decode_samba(std::string_view msg, Fields& f);

}  // namespace soc
