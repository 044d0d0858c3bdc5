// Small std::string_view helpers the decoders share. All take any bytes and never throw.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"

namespace soc::text {

inline constexpr size_t npos = std::string_view::npos;

inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

inline bool is_hex_digit(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// A text whose first byte is an ASCII digit (a line shape: files led by a date or a time).
inline bool starts_with_digit(std::string_view s) {
  return !s.empty() && is_digit(s.front());
}

// Removes `prefix` from the front of `s` when it is there.
inline bool consume(std::string_view& s, std::string_view prefix) {
  if (s.substr(0, prefix.size()) != prefix) return false;
  s.remove_prefix(prefix.size());
  return true;
}

inline bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// One or more ASCII digits and nothing else.
bool all_digits(std::string_view s);

// A non-empty, even-length run of hex digits: how auditd writes a value it had to encode.
bool is_hex_string(std::string_view s);

// Decodes pairs of hex digits; a string that is not is_hex_string yields "".
std::string hex_decode(std::string_view s);

// A numeric IPv4 or IPv6 address (inet_pton's grammar).
bool is_ip(std::string_view s);

// A decimal port, 0..65535.
bool is_port(std::string_view s);

// Removes leading and trailing spaces (and tabs).
std::string_view trim(std::string_view s);

// Splits off the next space-delimited token and the spaces after it.
std::string_view next_token(std::string_view& s);

// ASCII lower case; other bytes unchanged.
std::string to_lower(std::string_view s);

// "Jan".."Dec" to 1..12, 0 otherwise.
int month_number(std::string_view s);

// Non-negative decimal that fits in int64, else nothing.
std::optional<int64_t> parse_uint(std::string_view s);

// A list of strings as a JSON array text (["a","b c"]): how a field holds ECS's arrays such as
// process.args, unambiguous whatever the items contain.
std::string json_string_array(const std::string* items, size_t count);

// A civil date and time at a UTC offset (seconds east), or nothing for an impossible date or a
// year outside 1900..2200 (SysTime overflows after 2262).
std::optional<SysTime> civil_time(int year, int month, int day, int hh, int mm, int ss,
                                  int64_t nanos, int utc_offset_seconds);

}  // namespace soc::text
