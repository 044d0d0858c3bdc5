// Durable agent state: per-file positions acknowledged by Kafka, and the event sequence counter.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "common/result.h"

namespace soc {

// A position in one file, identified by device and inode so that a new file under the same
// path (rotation) is not mistaken for the old one.
struct FilePosition {
  uint64_t dev = 0;
  uint64_t ino = 0;
  uint64_t offset = 0;  // every byte before this was acknowledged by Kafka
};

class CheckpointStore {
 public:
  // Loads STATE_DIR/checkpoint and STATE_DIR/seq when present. A corrupt file is an error naming
  // it, not a silent restart from zero.
  static Result<CheckpointStore> open(const std::string& state_dir);

  std::optional<FilePosition> get(const std::string& path) const;
  void set(const std::string& path, const FilePosition& pos);

  // Writes the checkpoint file atomically when something changed since the last save.
  Status save();

  // The next event sequence number. Numbers are reserved in blocks written to disk before use,
  // so a crash never makes the agent reuse one (the collector can tell a resend from a new line).
  Result<uint64_t> next_seq();

 private:
  std::string checkpoint_path_;
  std::string seq_path_;
  std::map<std::string, FilePosition> files_;
  bool dirty_ = false;
  uint64_t next_seq_ = 1;
  uint64_t reserved_until_ = 1;  // next_seq_ may grow up to here without another disk write
};

}  // namespace soc
