// The alert an analyst sees: one Detection id with every firing folded in, plus its lifecycle.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>  // not json.hpp: this header reaches the collector pipeline

#include "collector/model/rule_meta.h"
#include "common/clock.h"
#include "common/envelope.h"
#include "common/result.h"

namespace soc {

// Lifecycle states. Later changes add the transitions between them; the store only creates "new".
inline constexpr std::string_view kAlertStatusNew = "new";
inline constexpr std::string_view kAlertStatusAcknowledged = "acknowledged";
inline constexpr std::string_view kAlertStatusInProgress = "in_progress";
inline constexpr std::string_view kAlertStatusResolved = "resolved";
inline constexpr std::string_view kAlertStatusFalsePositive = "false_positive";

struct Alert {
  std::string id;  // the Detection's content-derived alert_id
  RuleMeta rule;   // the rule that raised it, as it was when the alert was created
  std::string host;
  std::string org;
  std::string agent;
  std::vector<std::pair<std::string, std::string>> group;  // group-by field → value, rule order
  std::string status{kAlertStatusNew};
  SysTime window_start{};
  SysTime first_seen{};            // event time of the earliest event folded in
  SysTime last_seen{};             // event time of the latest
  SysTime created_at{};            // wall clock when the store created the alert
  SysTime updated_at{};            // wall clock of the last change
  uint64_t count = 0;              // events folded in
  std::vector<Envelope> evidence;  // raw events kept as proof, bounded by the store
};

// JSON form used by the store, `socctl --format json` and the API:
//   {"id","rule_id","title","title_vi","severity":"high","mitre":[..],"host","org","agent",
//    "group":[{"key":"source.ip","value":"203.0.113.9"}, ..],   // jq: .group | from_entries
//    "status","window_start","first_seen","last_seen","created_at","updated_at",  // RFC 3339 UTC
//    "count", "evidence":[<envelope objects as on topic soc.events>]}
// Times keep millisecond precision. Bytes of an evidence line that are not valid UTF-8 become the
// text \xNN, exactly as in the envelope, so the JSON is always valid and nothing is dropped.
nlohmann::json to_json(const Alert& a);

// Serialised JSON text of an alert (compact unless indent >= 0). Never throws: text fields that
// are not valid UTF-8 have those bytes replaced by U+FFFD (evidence lines are escaped as above).
std::string alert_to_json_string(const Alert& a, int indent = -1);

// Parses what to_json produced. Errors name the offending field.
Result<Alert> alert_from_json(std::string_view json);
Result<Alert> alert_from_json_value(const nlohmann::json& j);  // same, already parsed

}  // namespace soc
