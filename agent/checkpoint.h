// Durable agent state: each input's acknowledged position, and the event sequence counter.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "agent/inputs/position_store.h"
#include "common/result.h"

namespace soc {

// The inputs' positions (see PositionStore) kept on disk.
class CheckpointStore : public PositionStore {
 public:
  // Loads STATE_DIR/checkpoint and STATE_DIR/seq when present. A corrupt file is an error naming
  // it, not a silent restart from zero.
  static Result<CheckpointStore> open(const std::string& state_dir);

  std::optional<std::string> get(const std::string& key) const override;
  void set(const std::string& key, std::string value) override;

  // Writes the checkpoint file atomically when something changed since the last save.
  Status save();

  // The next event sequence number. Numbers are reserved in blocks written to disk before use,
  // so a crash never makes the agent reuse one (the collector can tell a resend from a new line).
  Result<uint64_t> next_seq();

 private:
  std::string checkpoint_path_;
  std::string seq_path_;
  std::map<std::string, std::string> positions_;
  bool dirty_ = false;
  uint64_t next_seq_ = 1;
  uint64_t reserved_until_ = 1;  // next_seq_ may grow up to here without another disk write
};

}  // namespace soc
