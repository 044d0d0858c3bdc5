// Fields from Zimbra Collaboration's audit.log / mailbox.log authentication lines (the mail suite
// many Vietnamese government bodies run), e.g.
// `2026-11-23 12:00:00,123 WARN  [ImapSSLServer-7] [name=u@example.gov.vn;ip=10.0.0.5;
// oip=203.0.113.9;] security - cmd=Auth; account=u@example.gov.vn; protocol=imap;
// error=authentication failed for [u@example.gov.vn], invalid password;`
#pragma once

#include <optional>
#include <string_view>

#include "collector/decode/event.h"
#include "collector/decode/syslog.h"

namespace soc {

// Decodes a Zimbra "security - cmd=Auth" (or cmd=AdminAuth) line; its
// "YYYY-MM-DD HH:MM:SS,mmm" time (in `read`'s offset) sets `time`. Sets service.name = "zimbra",
// event.category = "authentication", event.action (imap_login, pop3_login, webmail_login for
// soap/http/zsync, admin_login for AdminAuth, mail_auth otherwise), event.outcome (failure when
// the line has error=), source.ip (oip=, the client behind the proxy, else ip=), user.name
// (account=) and event.reason (error=). Anything else returns false.
bool decode_zimbra(std::string_view line, const ReadTime& read, Fields& fields,
                   std::optional<SysTime>& time);

}  // namespace soc
