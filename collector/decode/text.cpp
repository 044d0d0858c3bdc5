#include "collector/decode/text.h"

#include <arpa/inet.h>

#include <array>
#include <chrono>
#include <cstring>

namespace soc::text {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_digit(c)) return false;
  }
  return true;
}

bool is_hex_string(std::string_view s) {
  if (s.empty() || s.size() % 2 != 0) return false;
  for (char c : s) {
    if (!is_hex_digit(c)) return false;
  }
  return true;
}

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}
}  // namespace

std::string hex_decode(std::string_view s) {
  std::string out;
  if (!is_hex_string(s)) return out;
  out.resize(s.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<char>(hex_value(s[2 * i]) * 16 + hex_value(s[2 * i + 1]));
  }
  return out;
}

bool is_ip(std::string_view s) {
  // inet_pton wants a C string; the longest IPv6 text form is 45 characters.
  std::array<char, 64> buf{};
  if (s.empty() || s.size() >= buf.size()) return false;
  std::memcpy(buf.data(), s.data(), s.size());
  std::array<unsigned char, 16> addr{};
  return inet_pton(s.find(':') == npos ? AF_INET : AF_INET6, buf.data(), addr.data()) == 1;
}

bool is_port(std::string_view s) {
  if (s.empty() || s.size() > 5) return false;
  unsigned value = 0;
  for (char c : s) {
    if (!is_digit(c)) return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return value <= 65535;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view next_token(std::string_view& s) {
  const size_t end = s.find(' ');
  const std::string_view token = s.substr(0, end);
  s.remove_prefix(end == npos ? s.size() : end);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return token;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

int month_number(std::string_view s) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (s == kMonths[i]) return static_cast<int>(i) + 1;
  }
  return 0;
}

std::optional<int64_t> parse_uint(std::string_view s) {
  if (!all_digits(s) || s.size() > 18) return std::nullopt;
  int64_t v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

std::string json_string_array(const std::string* items, size_t count) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "[";
  for (size_t i = 0; i < count; ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (const char c : items[i]) {
      const auto u = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        out += '\\';
        out += c;
      } else if (u < 0x20) {
        out += "\\u00";
        out += kHex[u >> 4];
        out += kHex[u & 15];
      } else {
        out += c;
      }
    }
    out += '"';
  }
  out += ']';
  return out;
}

std::optional<SysTime> civil_time(int year, int month, int day, int hh, int mm, int ss,
                                  int64_t nanos, int utc_offset_seconds) {
  using namespace std::chrono;
  if (year < 1900 || year > 2200 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60) {
    return std::nullopt;
  }
  const year_month_day date{std::chrono::year{year},
                            std::chrono::month{static_cast<unsigned>(month)},
                            std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok()) return std::nullopt;
  const auto t = sys_days{date} + hours{hh} + minutes{mm} + seconds{ss} -
                 seconds{utc_offset_seconds} + nanoseconds{nanos};
  return time_point_cast<SysTime::duration>(t);
}

}  // namespace soc::text
