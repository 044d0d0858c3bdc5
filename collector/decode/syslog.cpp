#include "collector/decode/syslog.h"

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace soc {
namespace {

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_digit(c)) return false;
  }
  return true;
}

// Reads exactly `n` digits at `pos`.
bool read_digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!is_digit(s[i])) return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

void skip_spaces(std::string_view& s) {
  size_t i = 0;
  while (i < s.size() && s[i] == ' ') ++i;
  s.remove_prefix(i);
}

// Splits off the next space-delimited token and the spaces after it.
std::string_view next_token(std::string_view& s) {
  const size_t end = s.find(' ');
  const std::string_view token = s.substr(0, end);
  s.remove_prefix(end == std::string_view::npos ? s.size() : end);
  skip_spaces(s);
  return token;
}

// `<PRI>`: 1 to 3 digits, at most 191 (facility 23, severity 7).
std::optional<int> read_priority(std::string_view& s) {
  if (s.size() < 3 || s[0] != '<') return std::nullopt;
  int value = 0;
  size_t i = 1;
  for (; i < s.size() && i <= 3 && is_digit(s[i]); ++i) value = value * 10 + (s[i] - '0');
  if (i == 1 || i >= s.size() || s[i] != '>' || value > 191) return std::nullopt;
  s.remove_prefix(i + 1);
  return value;
}

std::optional<SysTime> civil_time(int y, int mon, int d, int hh, int mm, int ss, int64_t nanos,
                                  int utc_offset) {
  using namespace std::chrono;
  const year_month_day date{year{y}, month{static_cast<unsigned>(mon)},
                            day{static_cast<unsigned>(d)}};
  if (!date.ok()) return std::nullopt;
  const auto t = sys_days{date} + hours{hh} + minutes{mm} + seconds{ss} - seconds{utc_offset} +
                 nanoseconds{nanos};
  return time_point_cast<SysTime::duration>(t);
}

// RFC 3164 has no year: the latest of the read time's year (in the read time's zone), the next
// and the one before that does not put the line more than a day after it was read. The next year
// is for a sender whose clock turned the year before the agent's did.
std::optional<SysTime> resolve_bsd_time(int month, int day, int hh, int mm, int ss, int64_t nanos,
                                        const ReadTime& read) {
  using namespace std::chrono;
  const year_month_day read_date{floor<days>(read.time + seconds{read.utc_offset_seconds})};
  const int y = static_cast<int>(read_date.year());
  for (int year : {y + 1, y, y - 1}) {
    const auto t = civil_time(year, month, day, hh, mm, ss, nanos, read.utc_offset_seconds);
    if (t && *t <= read.time + hours{24}) return t;
  }
  return std::nullopt;
}

// `Mmm dd hh:mm:ss` with the day as "dd", " d" or "d", and an optional fraction of a second.
bool read_bsd_timestamp(std::string_view& s, const ReadTime& read, SyslogLine& out) {
  if (s.size() < 14 || s[3] != ' ') return false;
  int month = 0;
  while (month < 12 && s.substr(0, 3) != kMonths[month]) ++month;
  if (month == 12) return false;
  size_t pos = 4;
  if (s[pos] == ' ') ++pos;  // space-padded single-digit day
  int day = 0;
  if (!read_digits(s, pos, 1, day)) return false;
  ++pos;
  if (pos < s.size() && is_digit(s[pos])) day = day * 10 + (s[pos++] - '0');
  int hh = 0, mm = 0, ss = 0;
  if (pos >= s.size() || s[pos] != ' ' || !read_digits(s, pos + 1, 2, hh) || pos + 3 >= s.size() ||
      s[pos + 3] != ':' || !read_digits(s, pos + 4, 2, mm) || pos + 6 >= s.size() ||
      s[pos + 6] != ':' || !read_digits(s, pos + 7, 2, ss)) {
    return false;
  }
  if (day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60) return false;
  pos += 9;
  int64_t nanos = 0;
  if (pos < s.size() && s[pos] == '.') {
    int64_t scale = 100000000;
    const size_t start = ++pos;
    for (; pos < s.size() && is_digit(s[pos]); ++pos) {
      nanos += (s[pos] - '0') * scale;
      scale /= 10;
    }
    if (pos == start) return false;
  }
  if (pos < s.size() && s[pos] != ' ') return false;
  out.time = resolve_bsd_time(month + 1, day, hh, mm, ss, nanos, read);
  s.remove_prefix(pos);
  skip_spaces(s);
  return true;
}

// `tag:` or `tag[pid]:` followed by a space or the end. The tag stops at ':', '[' or a space, so a
// host such as "2001:db8::1" or "web01" is never taken for one.
bool read_tag(std::string_view s, SyslogLine& out) {
  size_t i = 0;
  while (i < s.size() && s[i] != ' ' && s[i] != ':' && s[i] != '[') ++i;
  if (i == 0 || i == s.size() || s[i] == ' ') return false;
  const std::string_view tag = s.substr(0, i);
  std::string_view pid;
  if (s[i] == '[') {
    const size_t close = s.find(']', i);
    if (close == std::string_view::npos) return false;
    pid = s.substr(i + 1, close - i - 1);
    if (pid.find(' ') != std::string_view::npos) return false;
    i = close + 1;
  }
  if (i >= s.size() || s[i] != ':') return false;
  ++i;
  if (i < s.size() && s[i] != ' ') return false;
  out.tag = tag;
  out.program = tag.substr(0, tag.find('('));
  out.pid = all_digits(pid) ? pid : std::string_view();
  out.message = s.substr(i < s.size() ? i + 1 : i);
  return true;
}

// A tag in square brackets, as some relays write it: `[sshd]: msg` or `[sshd] msg`.
bool read_bracketed_tag(std::string_view s, SyslogLine& out) {
  if (s.size() < 3 || s[0] != '[') return false;
  const size_t close = s.find(']');
  if (close == std::string_view::npos || close == 1) return false;
  const std::string_view tag = s.substr(1, close - 1);
  for (char c : tag) {
    if (c == ' ' || c == ':' || c == '[') return false;
  }
  std::string_view rest = s.substr(close + 1);
  if (!rest.empty() && rest[0] == ':') rest.remove_prefix(1);
  if (!rest.empty() && rest[0] != ' ') return false;
  skip_spaces(rest);
  out.tag = tag;
  out.program = tag;
  out.message = rest;
  return true;
}

// What follows the timestamp in RFC 3164: `[host ]tag[pid]: msg`, or `host msg` without a tag.
void read_bsd_rest(std::string_view s, SyslogLine& out) {
  if (read_tag(s, out)) return;  // no host, e.g. "Nov 23 21:50:19 sshd[8148]: ..."
  if (read_bracketed_tag(s, out)) return;
  out.host = next_token(s);
  if (!read_tag(s, out)) out.message = s;
}

// RFC 5424 STRUCTURED-DATA: "-" or one or more [id param="value" ...] with \" \\ \] escapes in
// values. Returns the length consumed, or nothing when malformed.
std::optional<size_t> structured_data_length(std::string_view s) {
  if (!s.empty() && s[0] == '-') return 1;
  size_t i = 0;
  while (i < s.size() && s[i] == '[') {
    bool quoted = false;
    for (++i; i < s.size(); ++i) {
      const char c = s[i];
      if (quoted && c == '\\') {
        ++i;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && c == ']') {
        break;
      }
    }
    if (i >= s.size()) return std::nullopt;
    ++i;
  }
  if (i == 0) return std::nullopt;
  return i;
}

std::string_view nil_to_empty(std::string_view field) {
  return field == "-" ? "" : field;
}

// `<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD [MSG]`, PRI already read.
std::optional<SyslogLine> read_rfc5424(std::string_view s, SyslogLine out) {
  s.remove_prefix(2);  // "1 "
  const std::string_view ts = next_token(s);
  if (ts != "-") {
    out.time = parse_log_time(ts);
    if (!out.time) return std::nullopt;
  }
  out.host = nil_to_empty(next_token(s));
  out.tag = nil_to_empty(next_token(s));
  out.program = out.tag.substr(0, out.tag.find('('));
  const std::string_view procid = next_token(s);
  out.pid = all_digits(procid) ? procid : std::string_view();
  const std::string_view msgid = next_token(s);
  if (msgid.empty()) return std::nullopt;  // the header stops short
  if (const auto sd = structured_data_length(s)) {
    s.remove_prefix(*sd);
    if (!s.empty() && s[0] == ' ') s.remove_prefix(1);
  }
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (s.substr(0, kBom.size()) == kBom) s.remove_prefix(kBom.size());
  out.message = s;
  return out;
}

// A header without a timestamp, `[host ]tag[pid]: msg`: journal entries exported without their
// time (fail2ban's journal test files, `journalctl -o short` piped through tools that cut the
// date). The pid is required so that free text with a colon is never taken for a header.
std::optional<SyslogLine> read_timeless(std::string_view s, SyslogLine out) {
  if (read_tag(s, out) && !out.pid.empty()) return out;
  out = SyslogLine{.priority = out.priority};
  const std::string_view host = next_token(s);
  if (host.empty() || host.find_first_of(":[]/\"=") != std::string_view::npos) {
    return std::nullopt;
  }
  if (!read_tag(s, out) || out.pid.empty()) return std::nullopt;
  out.host = host;
  return out;
}

// An ISO 8601 timestamp as rsyslog, journalctl (`-o short-iso`, `short-iso-precise`) and most
// daemons write it: RFC 3339, or with a `+hhmm` offset, or without a zone (then the read time's
// zone applies, as for RFC 3164).
std::optional<SysTime> read_iso_timestamp(std::string_view ts, const ReadTime& read) {
  if (const auto t = parse_log_time(ts)) return t;
  // journalctl -o short-unix: seconds since the epoch with microseconds, "1795413600.123456".
  const size_t dot = ts.find('.');
  if ((dot == 9 || dot == 10) && all_digits(ts.substr(0, dot)) && all_digits(ts.substr(dot + 1)) &&
      ts.size() - dot <= 10) {
    int64_t secs = 0;
    for (char c : ts.substr(0, dot)) secs = secs * 10 + (c - '0');
    int64_t nanos = 0, scale = 100000000;
    for (char c : ts.substr(dot + 1)) {
      nanos += (c - '0') * scale;
      scale /= 10;
    }
    return std::chrono::time_point_cast<SysTime::duration>(
        SysTime(std::chrono::duration_cast<SysTime::duration>(std::chrono::seconds(secs) +
                                                              std::chrono::nanoseconds(nanos))));
  }
  if (ts.size() < 19 || ts.size() > 40) return std::nullopt;
  std::string fixed(ts);
  const size_t sign = fixed.find_first_of("+-", 19);
  if (sign == std::string::npos) {
    const int off = read.utc_offset_seconds;
    const int a = off < 0 ? -off : off;
    char zone[8];
    std::snprintf(zone, sizeof zone, "%c%02d:%02d", off < 0 ? '-' : '+', a / 3600 % 100,
                  a / 60 % 60);
    fixed += zone;
  } else if (fixed.size() == sign + 5 && fixed.find(':', sign) == std::string::npos) {
    fixed.insert(sign + 3, ":");  // +0700 -> +07:00
  } else {
    return std::nullopt;
  }
  return parse_log_time(fixed);
}

}  // namespace

std::optional<SysTime> parse_log_time(std::string_view rfc3339) {
  int y = 0;
  if (!read_digits(rfc3339, 0, 4, y) || y < 1900 || y > 2200) return std::nullopt;
  return parse_rfc3339(rfc3339);
}

std::optional<SyslogLine> parse_syslog(std::string_view line, const ReadTime& read) {
  SyslogLine out;
  std::string_view s = line;
  out.priority = read_priority(s);
  if (out.priority && s.size() >= 2 && s[0] == '1' && s[1] == ' ') return read_rfc5424(s, out);
  if (!s.empty() && is_digit(s[0])) {
    // rsyslog's RFC 3339 format: the timestamp carries its own year and zone.
    std::string_view rest = s;
    const std::string_view stamp = next_token(rest);
    out.time = read_iso_timestamp(stamp, read);
    if (!out.time) return std::nullopt;
    // journalctl's short-unix epoch is followed by one space, the host and a tag; Squid's native
    // access.log also starts with an epoch, then padded columns.
    const bool epoch = stamp.find('-') == std::string_view::npos;
    if (epoch && (rest.empty() || rest.front() == ' ')) return std::nullopt;
    read_bsd_rest(rest, out);
    // A service's own log file that starts with a timestamp (MongoDB "... [conn1] ...", exim,
    // dovecot) has no host and tag: the line's decoders read it whole.
    if (out.program.empty() || out.host.empty() || out.host.starts_with('[')) return std::nullopt;
    return out;
  }
  if (!read_bsd_timestamp(s, read, out)) return read_timeless(s, out);
  read_bsd_rest(s, out);
  return out;
}

void set_syslog_fields(const SyslogLine& line, Fields& fields) {
  if (!line.host.empty()) fields.set("host.name", line.host);
  if (!line.program.empty()) fields.set("process.name", line.program);
  if (line.tag != line.program) fields.set("log.syslog.appname", line.tag);
  if (!line.pid.empty()) fields.set("process.pid", line.pid);
  if (line.priority) fields.set("log.syslog.priority", std::to_string(*line.priority));
  fields.set("message", line.message);
}

}  // namespace soc
