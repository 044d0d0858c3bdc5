// What the agent tells about itself: the heartbeat on topic soc.agents and /metrics.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "agent/inputs/input.h"

namespace soc {

struct AgentSnapshot {
  std::string agent;
  std::string host;
  std::string org;
  std::string version;
  std::string ts;  // RFC 3339, when the snapshot was taken
  int64_t uptime_s = 0;
  uint64_t lines_read = 0;     // lines inputs handed over
  uint64_t lines_sent = 0;     // lines given to Kafka (directly or drained from the spool)
  uint64_t lines_acked = 0;    // lines Kafka acknowledged
  uint64_t lines_spooled = 0;  // lines written to the disk spool
  uint64_t lines_redacted = 0;
  uint64_t in_flight = 0;  // lines and bytes librdkafka holds for us
  uint64_t in_flight_bytes = 0;
  uint64_t spool_bytes = 0;
  uint64_t spool_segments = 0;
  bool spooling = false;                       // Kafka was unreachable and lines go to disk
  std::map<std::string, uint64_t> dropped;     // reason -> lines; every reason always present
  std::map<std::string, uint64_t> redactions;  // kind -> matches
  std::map<std::string, uint64_t> events;      // spool_torn_tails, spool_write_errors ...
  std::vector<InputStats> inputs;
};

// One JSON object (no newline).
std::string heartbeat_json(const AgentSnapshot& s);

// Prometheus text exposition format 0.0.4.
std::string prometheus_text(const AgentSnapshot& s);

}  // namespace soc
