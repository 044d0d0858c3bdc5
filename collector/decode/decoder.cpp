#include "collector/decode/decoder.h"

#include <ctime>
#include <string>
#include <string_view>

#include "collector/decode/sshd.h"
#include "collector/decode/sudo.h"
#include "collector/decode/syslog.h"
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

ReadTime read_time(const Envelope& env) {
  if (const auto ts = parse_log_time(env.ts)) {
    return {*ts, rfc3339_offset_seconds(env.ts).value_or(0)};
  }
  const SysTime now = std::chrono::system_clock::now();
  return {now, local_offset_seconds(now)};
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
  f.set("event.repeat_count", std::string(count));
  const std::string_view inner = rest.substr(middle + kMiddle.size());
  return inner.substr(0, inner.size() - 1);
}

}  // namespace

Decoder::Decoder() = default;

void Decoder::decode(Event& event) const {
  const Envelope& env = event.env;
  Fields& f = event.fields;
  f.clear();  // a reused Event must not keep the previous line's source.ip
  f.set("event.original", env.msg);
  f.set("agent.id", env.agent);
  f.set("organization.id", env.org);
  std::string_view path = env.src;
  if (path.substr(0, 5) == "file:") path.remove_prefix(5);
  f.set("log.file.path", std::string(path));

  // A CR left by a CRLF file or device is not part of anything the decoders look for.
  std::string_view text = env.msg;
  while (!text.empty() && (text.back() == '\r' || text.back() == '\n')) text.remove_suffix(1);

  const ReadTime read = read_time(env);
  const auto line = parse_syslog(text, read);
  if (!line) {
    f.set("host.name", env.host);
    f.set("message", std::string(text));
    event.time = read.time;
    return;
  }
  if (line->host.empty()) f.set("host.name", env.host);
  set_syslog_fields(*line, f);
  event.time = line->time.value_or(read.time);

  const std::string_view msg = unwrap_repeated(line->message, f);
  if (is_sshd_program(line->program)) {
    decode_sshd(msg, f);
  } else if (line->program == "sudo") {
    decode_sudo(msg, f);
  }
}

}  // namespace soc
