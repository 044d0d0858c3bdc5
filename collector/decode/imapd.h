// The IMAP / POP3 daemons that share syslog tags ("imapd", "pop3d", "imap" ...): UW IMAP's
// imapd / ipop3d, Courier and Cyrus. The decoder for those tags tries each server's shapes.
#pragma once

#include <string_view>

#include "collector/decode/event.h"

namespace soc {

// UW IMAP (imapd, ipop3d). Sets service.name = "uw-imap", event.category = "authentication",
// event.action (imap_login / pop3_login by the program), event.outcome, user.name, source.ip,
// source.domain and event.reason. Shapes:
//   Login failed user=U auth=A host=H [IP]                  failure, "Login failed"
//   Login excessive login failures user=U auth=A host=H [IP]   failure
//   Login disabled user=U auth=A host=H [IP]                failure
//   Failed uwmaster override of user=U host=H [IP]          failure
//   Login user=U host=H [IP] / Auth user=U host=H [IP] ...  success
// Anything else returns false and sets nothing.
bool decode_uwimap(std::string_view program, std::string_view message, Fields& fields);

}  // namespace soc
