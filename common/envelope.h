// The event envelope: one JSON object per log line on topic soc.events (see DESIGN.md).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace soc {

inline constexpr int kEnvelopeVersion = 1;

struct Envelope {
  std::string agent;  // agent uuid, also the Kafka message key
  std::string host;
  std::string org;
  std::string src;  // e.g. "file:/var/log/auth.log"
  uint64_t seq = 0;
  std::string ts;   // RFC 3339 read time with zone
  std::string msg;  // the raw line, any bytes
  bool trunc = false;
  // Network inputs: who sent the line, e.g. "udp:10.0.0.5:514". Omitted when empty.
  std::string peer;
  // Structured fields the source already knew (journald's _SYSTEMD_UNIT, _PID ...), serialised
  // as a JSON object of strings. Omitted when empty.
  std::vector<std::pair<std::string, std::string>> fields;
};

// Serialises to one JSON line (no trailing newline). Control characters are JSON-escaped;
// bytes that are not valid UTF-8 become the text \xNN (JSON "\\xNN") so nothing is dropped.
std::string to_json(const Envelope& e);

// to_json in two parts, for writers that keep the per-agent head once and append only the body
// for each line (the agent's hot path): head = {"v":1,"agent":..,"host":..,"org":.. and
// body = ,"src":..,"seq":..,"ts":..,"msg":..[,"trunc"][,"peer"][,"fields"]}.
void append_envelope_head(std::string& out, std::string_view agent, std::string_view host,
                          std::string_view org);
void append_envelope_body(std::string& out, std::string_view src, uint64_t seq, std::string_view ts,
                          std::string_view msg, bool trunc, std::string_view peer,
                          const std::vector<std::pair<std::string, std::string>>* fields);

// Appends `bytes` to `out` as the body of a JSON string (without quotes), escaping as above.
// Returns the number of invalid UTF-8 bytes that were escaped.
size_t append_json_string(std::string& out, std::string_view bytes);

}  // namespace soc
