// Fields from Apache httpd's error log, 2.2 and 2.4 formats, from a file or through syslog.
#pragma once

#include <optional>
#include <string_view>

#include "collector/decode/event.h"
#include "collector/decode/syslog.h"
#include "common/clock.h"

namespace soc {

// Decodes
//   [Sun Dec 04 04:47:44 2005] [error] [client 1.2.3.4] MESSAGE                       (2.2)
//   [Wed Oct 11 14:32:52.123456 2026] [core:error] [pid 1234:tid 5678] [client 1.2.3.4:5678]
//       AH00126: MESSAGE[, referer: URL]                                              (2.4)
// The date group may be absent (ErrorLog syslog). Sets "log.level" (error, warn, notice ...),
// "apache.error.module" (2.4's "core"), "process.pid", "process.thread.id", "source.ip" and
// "source.port" (from [client ...]; [remote ...] when there is no client), "error.code" (AHnnnnn),
// "http.request.referrer" (the ", referer: " tail) and "message" (what remains: the text after the
// code). From the message: "user.name" of a failed HTTP authentication (AH01617 "user NAME:
// authentication failure for ...", AH01618 "user NAME not found: ...", AH01631 authorization
// failures, AH01790 / AH01792 digest "user `NAME' in realm ..." / "password mismatch"; a name
// with spaces is left out), "file.path" of a request
// refused by the configuration (AH01630 / AH01797 "client denied by server configuration: PATH")
// or of a missing file ("File does not exist: PATH"), and the fields of set_modsecurity_fields,
// set_php_fields and set_web_error_fields (web_error.h). The date has no zone: it is taken in
// `read`'s zone; `time` is set when it parses. Returns false and sets nothing when the line does
// not have the [level] group.
bool decode_apache_error(std::string_view line, const ReadTime& read, Fields& fields,
                         std::optional<SysTime>& time);

}  // namespace soc
