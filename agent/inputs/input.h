// The one interface every agent input implements (file tail, syslog server, journald ...).
// The agent core knows nothing of any one input: it polls each, wraps every line in an envelope,
// ships it, and tells the input — in the order the input emitted them — when a line is safe, so
// the input can advance its own checkpoint.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agent/inputs/position_store.h"
#include "common/result.h"

namespace soc {

struct InputLine {
  std::string_view text;
  bool truncated = false;
  std::string_view src;   // envelope "src", e.g. "file:/var/log/auth.log"
  std::string_view peer;  // network sender ("udp:10.0.0.5:514"), empty for local inputs
  // Structured fields the source already knows (journald's trusted fields); may be null.
  const std::vector<std::pair<std::string, std::string>>* fields = nullptr;
};

using LineSink = std::function<void(const InputLine&)>;

// Counters an input reports for the heartbeat, /metrics and the periodic log line.
struct InputStats {
  std::string name;
  std::map<std::string, uint64_t> counters;  // e.g. lines, bytes, truncated_lines, rotations
  uint64_t lag_bytes = 0;                    // data waiting to be read, where measurable
};

class Input {
 public:
  virtual ~Input() = default;

  // Restores positions from the checkpoint and checks what a sysadmin must fix at once (an
  // unreadable file, a port in use). Called once before the first poll.
  virtual Status start(const PositionStore& checkpoints) = 0;

  // Hands at most `max_lines` lines to `emit`, oldest first. Returns how many.
  virtual size_t poll(size_t max_lines, const LineSink& emit) = 0;

  // The oldest emitted line not yet acknowledged is now safe (in Kafka); advance past it.
  virtual void acknowledge_oldest() = 0;

  // Writes the acknowledged positions into the checkpoint (the caller saves it to disk).
  virtual void save(PositionStore& checkpoints) const = 0;

  virtual InputStats stats() const = 0;

  // Per-source detail for the heartbeat and /metrics (one entry per file of a glob, say).
  virtual std::vector<InputStats> detailed_stats() const { return {stats()}; }
};

}  // namespace soc
