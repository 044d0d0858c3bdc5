// What detection hands to the store: one rule firing for one group of events.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/envelope.h"

namespace soc {

enum class Severity { kLow, kMedium, kHigh, kCritical };
std::string_view to_string(Severity s);
std::optional<Severity> parse_severity(std::string_view s);

struct Detection {
  // Content-derived: the same rule, host, group values and window always give the same id, so a
  // replayed event updates the existing alert instead of creating a second one.
  std::string alert_id;
  std::string rule_id;
  std::string title;
  std::string title_vi;
  Severity severity = Severity::kMedium;
  std::vector<std::string> mitre;
  // Attribution of rules converted from Sigma (the DRL licence asks alerts to keep the author).
  std::string author;
  std::string sigma_id;
  std::vector<std::string> references;
  std::string host;
  std::string org;
  std::string agent;
  std::vector<std::pair<std::string, std::string>> group;  // the group-by fields and their values
  SysTime window_start{};
  SysTime first_seen{};            // event time of the earliest event folded in here
  SysTime last_seen{};             // event time of the latest
  uint64_t count = 0;              // events folded into this detection
  std::vector<Envelope> evidence;  // raw events kept as proof (bounded by the rule)
  uint32_t evidence_max = 10;      // the rule's bound on evidence the alert keeps
};

// Hex of the first 16 bytes of SHA-256 over the length-prefixed parts.
std::string make_alert_id(std::string_view rule_id, std::string_view host,
                          const std::vector<std::pair<std::string, std::string>>& group,
                          int64_t window_start_unix);

}  // namespace soc
