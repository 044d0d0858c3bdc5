// Fields from nginx's error log, from a file or through syslog.
#pragma once

#include <optional>
#include <string_view>

#include "collector/decode/event.h"
#include "collector/decode/syslog.h"
#include "common/clock.h"

namespace soc {

// Decodes `[yyyy/mm/dd hh:mm:ss ][LEVEL] PID#TID: [*CONN ]MESSAGE[, client: IP][, server: NAME]
// [, request: "REQ"][, upstream: "URL"][, host: "HOST"][, referrer: "URL"]`. Sets "log.level",
// "process.pid", "process.thread.id", "message" (MESSAGE), "source.ip" (client), "url.domain"
// (host), "http.request.referrer", the request fields of set_http_request (access_log.h),
// "user.name" of a failed Basic authentication (`user "NAME": password mismatch`, `user "NAME" was
// not found in "FILE"`), the fields of set_modsecurity_fields,
// set_php_fields and set_web_error_fields (web_error.h), and `time` (the date in `read`'s zone;
// nginx writes local time without a zone). Returns false and sets nothing for other lines.
bool decode_nginx_error(std::string_view line, const ReadTime& read, Fields& fields,
                        std::optional<SysTime>& time);

}  // namespace soc
