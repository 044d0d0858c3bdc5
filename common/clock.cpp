#include "common/clock.h"

#include <fmt/format.h>

#include <ctime>

namespace soc {
namespace {

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {  // H. Hinnant's algorithm
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

std::string format(SysTime t, bool local) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  const int millis = static_cast<int>(ms - static_cast<int64_t>(secs) * 1000);
  std::tm tm{};
  if (local) {
    localtime_r(&secs, &tm);
  } else {
    gmtime_r(&secs, &tm);
  }
  std::string zone = "Z";
  if (local) {
    const long off = tm.tm_gmtoff;
    zone = fmt::format("{}{:02}:{:02}", off < 0 ? '-' : '+', std::labs(off) / 3600,
                       (std::labs(off) % 3600) / 60);
  }
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}{}", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis, zone);
}

}  // namespace

std::string format_rfc3339_local(SysTime t) {
  return format(t, true);
}
std::string format_rfc3339_utc(SysTime t) {
  return format(t, false);
}

std::optional<int> rfc3339_offset_seconds(std::string_view s) {
  if (s.size() < 20) return std::nullopt;
  if (s.back() == 'Z' || s.back() == 'z') return 0;
  if (s.size() < 25) return std::nullopt;
  const size_t z = s.size() - 6;
  int hh = 0, mm = 0;
  if ((s[z] != '+' && s[z] != '-') || !digits(s, z + 1, 2, hh) || s[z + 3] != ':' ||
      !digits(s, z + 4, 2, mm)) {
    return std::nullopt;
  }
  const int off = hh * 3600 + mm * 60;
  return s[z] == '-' ? -off : off;
}

std::optional<SysTime> parse_rfc3339(std::string_view s) {
  int y, mo, d, h, mi, se;
  if (!digits(s, 0, 4, y) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !digits(s, 11, 2, h) || s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' ||
      !digits(s, 17, 2, se)) {
    return std::nullopt;
  }
  // Years outside this range would overflow the nanosecond clock; no log line carries them.
  if (y < 1900 || y > 2200) return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return std::nullopt;
  size_t pos = 19;
  int64_t nanos = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int64_t scale = 100000000;
    size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      nanos += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  const auto off = rfc3339_offset_seconds(s);
  const size_t zone_len = (s.back() == 'Z' || s.back() == 'z') ? 1 : 6;
  if (!off || pos + zone_len != s.size()) return std::nullopt;
  const int64_t secs =
      days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 +
      mi * 60 + se - *off;
  return SysTime(std::chrono::duration_cast<SysTime::duration>(std::chrono::seconds(secs) +
                                                               std::chrono::nanoseconds(nanos)));
}

}  // namespace soc
