#include "collector/decode/decoder.h"

#include <date/tz.h>

#include <algorithm>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "collector/decode/access_log.h"
#include "collector/decode/auditd.h"
#include "collector/decode/decoder_registry.h"
#include "collector/decode/fail2ban.h"
#include "collector/decode/journald_fields.h"
#include "collector/decode/json.h"
#include "collector/decode/pam.h"
#include "collector/decode/portscan.h"
#include "collector/decode/syslog.h"
#include "collector/decode/text.h"
#include "collector/decode/web.h"
#include "common/clock.h"

namespace soc {
namespace {

// The collector's own UTC offset now: the zone of last resort for a zone-less line when the
// envelope's ts is unusable.
int local_offset_seconds(SysTime t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&secs, &tm);
  return static_cast<int>(tm.tm_gmtoff);
}

ReadTime read_time(const Envelope& env, const LogZone& zone) {
  if (const auto ts = parse_log_time(env.ts)) {
    return {*ts, zone.offset_at(*ts, rfc3339_offset_seconds(env.ts).value_or(0))};
  }
  const SysTime now = std::chrono::system_clock::now();
  return {now, zone.offset_at(now, local_offset_seconds(now))};
}

// "+07:00", "-0330", "UTC", "Z": seconds east of UTC.
std::optional<int> fixed_offset(const std::string& s) {
  if (s == "UTC" || s == "Z" || s == "utc") return 0;
  if (s.size() != 6 && s.size() != 5) return std::nullopt;
  if (s[0] != '+' && s[0] != '-') return std::nullopt;
  const std::string digits = s.size() == 6 ? s.substr(1, 2) + s.substr(4, 2) : s.substr(1);
  if (s.size() == 6 && s[3] != ':') return std::nullopt;
  if (!text::all_digits(digits)) return std::nullopt;
  const auto hh = *text::parse_uint(std::string_view(digits).substr(0, 2));
  const auto mm = *text::parse_uint(std::string_view(digits).substr(2, 2));
  if (hh > 14 || mm > 59) return std::nullopt;
  return (s[0] == '-' ? -1 : 1) * static_cast<int>(hh * 3600 + mm * 60);
}

// rsyslog's repeated-message reduction: `message repeated N times: [ MSG]`. Returns MSG and sets
// the count, or returns the message unchanged.
std::string_view unwrap_repeated(std::string_view msg, Fields& f) {
  constexpr std::string_view kPrefix = "message repeated ";
  constexpr std::string_view kMiddle = " times: [ ";
  if (msg.substr(0, kPrefix.size()) != kPrefix || msg.back() != ']') return msg;
  const std::string_view rest = msg.substr(kPrefix.size());
  const size_t middle = rest.find(kMiddle);
  if (middle == std::string_view::npos || middle == 0 || middle > 9) return msg;
  const std::string_view count = rest.substr(0, middle);
  for (char c : count) {
    if (c < '0' || c > '9') return msg;
  }
  f.set("event.repeat_count", count);
  const std::string_view inner = rest.substr(middle + kMiddle.size());
  return inner.substr(0, inner.size() - 1);
}

bool is_hex_letter(char c) {
  return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// The decoder a text's first bytes point to: the dispatch for lines without a syslog header and
// for MSGs of programs without a decoder of their own (or that it did not recognise).
bool decode_by_shape(std::string_view msg, const ReadTime& read, Fields& f,
                     std::optional<SysTime>& time) {
  if (msg.empty()) return false;
  const char c = msg.front();
  if (c == '{' || c == '@') return looks_like_json(msg) && decode_json(msg, f, time);
  if ((c == 'p' || c == '(' || c == 'a') && decode_pam(msg, f)) return true;
  if (c == 't' || c == 'n' || (c == 'a' && msg.substr(0, 5) == "audit")) {
    if (decode_auditd(msg, f, time)) return true;
  }
  if (c == '[') return decode_web(msg, read, f, time);
  if ((c >= '0' && c <= '9') || c == ':' || is_hex_letter(c)) {
    if (c >= '0' && c <= '9' &&
        (decode_fail2ban_log(msg, read, f, time) || decode_portsentry_history(msg, f, time))) {
      return true;
    }
    return decode_web(msg, read, f, time);
  }
  // An access line led by a virtual host ("portal.example.gov.vn:443 203.0.113.7 - - [...] "GET")
  // or a client host name (HostnameLookups On) starts with any letter.
  if (msg.find("] \"") != std::string_view::npos) return decode_access_log(msg, f, time);
  return false;
}

}  // namespace

LogZone::LogZone() : name_(kDefault) {
  try {
    zone_ = date::locate_zone(kDefault);
  } catch (const std::exception&) {
    fixed_ = 7 * 3600;  // no tzdata: Vietnam has kept +07:00 without DST since 1975
  }
}

Result<LogZone> LogZone::parse(const std::string& spec) {
  LogZone z;
  z.name_ = spec;
  z.zone_ = nullptr;
  z.fixed_.reset();
  if (spec == "agent") return z;
  if (const auto fixed = fixed_offset(spec)) {
    z.fixed_ = *fixed;
    return z;
  }
  try {
    z.zone_ = date::locate_zone(spec);
  } catch (const std::exception& e) {
    return Error{"unknown time zone '" + spec +
                 "' (expected an IANA name such as Asia/Ho_Chi_Minh, an offset such as +07:00, "
                 "UTC or agent): " +
                 e.what()};
  }
  return z;
}

int LogZone::offset_at(SysTime read, int agent_offset) const {
  if (zone_ != nullptr) {
    const auto info = zone_->get_info(std::chrono::time_point_cast<std::chrono::seconds>(read));
    return static_cast<int>(info.offset.count());
  }
  return fixed_.value_or(agent_offset);
}

Decoder::Decoder() : registry_(&DecoderRegistry::builtin()) {}

Decoder::Decoder(UserDecoders user, LogZone zone, std::chrono::seconds future_tolerance)
    : registry_(&DecoderRegistry::builtin()),
      user_(user.size() == 0 ? nullptr : std::make_shared<const UserDecoders>(std::move(user))),
      zone_(std::move(zone)),
      future_tolerance_(std::max(std::chrono::seconds(0), future_tolerance)) {}

UserDecoders::Stats Decoder::user_decoder_stats() const {
  return user_ ? user_->stats() : UserDecoders::Stats{};
}

void Decoder::decode(Event& event) const {
  const Envelope& env = event.env;
  Fields& f = event.fields;
  f.clear();  // a reused Event must not keep the previous line's source.ip
  f.set("event.original", env.msg);
  f.set("agent.id", env.agent);
  f.set("organization.id", env.org);
  std::string_view path = env.src;
  if (path.substr(0, 5) == "file:") path.remove_prefix(5);
  f.set("log.file.path", path);

  // A CR left by a CRLF file or device is not part of anything the decoders look for.
  std::string_view text = env.msg;
  while (!text.empty() && (text.back() == '\r' || text.back() == '\n')) text.remove_suffix(1);

  const ReadTime read = read_time(env, zone_);
  std::optional<SysTime> own_time;  // a time the decoded text carries, more precise than syslog's
  // A journald entry has no syslog header: its trusted fields say what one would.
  const auto line =
      is_journald(env) ? std::optional(journald_line(env, text, f)) : parse_syslog(text, read);
  if (!line) {
    f.set("host.name", env.host);
    f.set("message", text);
    decode_by_shape(text, read, f, own_time);
    if (user_) user_->apply({}, text, f);
    set_time(event, own_time.value_or(read.time), read.time);
    return;
  }
  if (line->host.empty()) f.set("host.name", env.host);
  set_syslog_fields(*line, f);

  const std::string_view msg = unwrap_repeated(line->message, f);
  const DecoderSpec* spec = registry_->for_program(line->program);
  if (spec == nullptr || !spec->decode(msg, read, f, own_time)) {
    decode_by_shape(msg, read, f, own_time);
  }
  if (user_) user_->apply(line->program, msg, f);
  set_time(event, own_time ? *own_time : line->time.value_or(read.time), read.time);
}

void Decoder::set_time(Event& event, SysTime claimed, SysTime read) const {
  // Thresholds run on event time and a host's newest time expires its open groups: one line
  // dated ahead would otherwise end a brute force's count (issue 11, item 3).
  event.time_untrusted = claimed > read + future_tolerance_;
  event.time = event.time_untrusted ? read : claimed;
  if (event.time_untrusted) event.fields.set("event.time_untrusted", "true");
}

}  // namespace soc
