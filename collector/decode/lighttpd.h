// lighttpd's error log (server.errorlog): "YYYY-MM-DD HH:MM:SS: (SOURCE.c.LINE) MESSAGE", in a
// file or through syslog ("lighttpd[PID]: (SOURCE.c.LINE) MESSAGE").
#pragma once

#include <optional>
#include <string_view>

#include "collector/decode/event.h"
#include "collector/decode/syslog.h"

namespace soc {

// Sets "log.origin.file.name" (SOURCE.c), "message", "service.name" (lighttpd) and, for mod_auth
// failures ("password doesn't match for URI username: NAME, IP: ADDR", "digest: auth failed for
// NAME : wrong password, IP: ADDR", "get_password failed, IP: ADDR"), "event.category"
// (authentication), "event.action" (http_auth), "event.outcome" (failure), "source.ip",
// "user.name", "url.path" and "event.reason". False when the line is not lighttpd's.
bool decode_lighttpd(std::string_view line, const ReadTime& read, Fields& fields,
                     std::optional<SysTime>& time);

}  // namespace soc
