// Mail-server lines written to their own files, without a syslog header: Exim's mainlog /
// rejectlog ("2026-11-23 12:00:00 ..."), Dovecot's log_path ("2026-11-23 12:00:00 imap-login:
// ..."), Roundcube's errors log ("[23-Nov-2026 12:00:00 +0700]: ...") and daemontools / s6
// multilog lines stamped with TAI64N ("@4000000069... imap-login: ..."); Kerio Connect's
// security log, ASSP's maillog, Domino's SMTP log, Zimbra's audit.log, and the SOGo and Horde logs
// whose headers a syslog parser half-reads.
#pragma once

#include <optional>
#include <string_view>

#include "collector/decode/event.h"
#include "collector/decode/syslog.h"

namespace soc {

// Decodes `line` when its first bytes are one of the shapes above (a cheap test: other lines
// return false at once). Sets `time` from the line's own timestamp.
bool decode_mail_file_line(std::string_view line, const ReadTime& read, Fields& fields,
                           std::optional<SysTime>& time);

}  // namespace soc
