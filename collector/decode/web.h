// A web server's line, from a file or through syslog: access log, Apache error log or nginx error
// log, told apart by the line's first bytes.
#pragma once

#include <optional>
#include <string_view>

#include "collector/decode/event.h"
#include "collector/decode/syslog.h"

namespace soc {

// A '['-led line as an Apache error line, else an nginx one; any other as an access line (any
// NCSA common / combined form), else an nginx or lighttpd error line; failing those, a PHP line
// (php.h) or a web application's login line (webapp_auth.h). False when none of them matches.
bool decode_web(std::string_view msg, const ReadTime& read, Fields& fields,
                std::optional<SysTime>& time);

}  // namespace soc
