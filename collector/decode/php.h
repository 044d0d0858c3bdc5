// PHP's own log lines: the error_log file ("[07-Dec-2026 10:00:00 UTC] PHP Warning:  ..."),
// PHP-FPM's log ("[07-Dec-2026 10:00:00] WARNING: [pool www] child 12 said into stderr: ..."),
// and Suhosin's alerts through syslog ("suhosin[PID]: ALERT - ... (attacker 'IP', file '...')").
#pragma once

#include <optional>
#include <string_view>

#include "collector/decode/event.h"
#include "collector/decode/syslog.h"

namespace soc {

// The fields of set_php_fields (web_error.h) plus "message" and "service.name" (php | suhosin);
// false, setting nothing, when the line holds no PHP error or Suhosin alert.
bool decode_php(std::string_view line, Fields& fields);

}  // namespace soc
