// What detection hands to the store: one rule firing for one group of events.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "collector/model/rule_meta.h"
#include "common/clock.h"
#include "common/envelope.h"

namespace soc {

struct Detection {
  // Content-derived (collector/detect/alert_id.h): the same rule, host, group values and window
  // always give the same id, so a replayed event updates the existing alert instead of creating a
  // second one.
  std::string alert_id;
  RuleMeta rule;  // the rule that fired
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
  // Envelope seq of the events counted into this detection; filled only when the Detector is asked
  // to (Detector::set_track_folded, for measuring tools), never stored.
  std::vector<uint64_t> folded_seqs;
};

}  // namespace soc
