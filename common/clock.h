// Time formatting and parsing shared by agent and collector.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace soc {

using SysTime = std::chrono::system_clock::time_point;

// RFC 3339 with milliseconds and the host's local UTC offset, e.g. 2026-11-23T19:47:00.123+07:00.
std::string format_rfc3339_local(SysTime t);

// RFC 3339 in UTC with milliseconds, e.g. 2026-11-23T12:47:00.123Z.
std::string format_rfc3339_utc(SysTime t);

// Parses RFC 3339 (fraction optional, 'Z' or ±HH:MM). Returns nothing for malformed input.
std::optional<SysTime> parse_rfc3339(std::string_view s);

// The UTC offset in seconds carried by an RFC 3339 string (0 for 'Z'), if well formed.
std::optional<int> rfc3339_offset_seconds(std::string_view s);

// Seconds since the epoch.
inline int64_t to_unix_seconds(SysTime t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace soc
