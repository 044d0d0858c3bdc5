// Input: follows one log file like `tail -F`, across rename-and-create rotation and truncation.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "agent/agent_config.h"
#include "agent/checkpoint.h"
#include "agent/inputs/input.h"
#include "common/result.h"

namespace soc {

struct TailCounters {
  uint64_t lines = 0;
  uint64_t bytes = 0;
  uint64_t truncated_lines = 0;  // longer than max_line_bytes: shipped cut, flagged trunc
  uint64_t partial_flushes = 0;  // unterminated last lines shipped after the quiet time
  uint64_t rotations = 0;
  uint64_t truncations = 0;  // file shrank under us (copytruncate): restarted at 0
  uint64_t open_errors = 0;
};

// A position in one file, identified by device and inode so that a new file under the same
// path (rotation) is not mistaken for the old one.
struct FilePosition {
  uint64_t dev = 0;
  uint64_t ino = 0;
  uint64_t offset = 0;  // every byte before this has been shipped
};

class FileTail : public Input {
 public:
  // One complete line. `end` is the position just after it: once Kafka acknowledged this line and
  // every earlier one, `end` is where a restarted agent resumes.
  struct Line {
    std::string_view text;
    bool truncated;
    FilePosition end;
  };
  using Emit = std::function<void(const Line&)>;

  FileTail(FileInputConfig config, size_t max_line_bytes, std::chrono::milliseconds partial_flush);

  // Input: restores the acknowledged position, and fails for a file that exists but cannot be
  // read (a configuration error the sysadmin must see at once). A missing file is fine: it is
  // followed as soon as it appears.
  Status start(const CheckpointStore& checkpoints) override;
  size_t poll(size_t max_lines, const LineSink& emit) override;
  void acknowledge_oldest() override;
  void save(CheckpointStore& checkpoints) const override;
  InputStats stats() const override;

  // The position a previous run acknowledged; used when the file's identity still matches.
  void restore(const FilePosition& pos) { restored_ = pos; }
  Status check_readable() const;
  // Reads at most `max_lines` complete lines and hands each to `emit`, without tracking
  // acknowledgements (poll() does). Returns how many.
  size_t read(size_t max_lines, const Emit& emit);

  const std::string& path() const { return config_.path; }
  const TailCounters& counters() const { return counters_; }
  // Bytes in the file not yet read (for lag reporting).
  uint64_t lag_bytes() const;

  // Checkpoint encoding of a position, "dev ino offset".
  static std::string encode(const FilePosition& pos);
  static std::optional<FilePosition> decode(const std::string& text);

 private:
  bool open_current();
  void close_current();
  size_t read_lines(size_t max_lines, const Emit& emit);
  void emit_pending(const Emit& emit, uint64_t end_offset);

  FileInputConfig config_;
  std::string key_;                          // checkpoint key and envelope src: "file:" + path
  std::deque<FilePosition> unacknowledged_;  // end of each emitted line, oldest first
  std::optional<FilePosition> acknowledged_;
  size_t max_line_bytes_;
  std::chrono::milliseconds partial_flush_;
  std::optional<FilePosition> restored_;
  bool first_open_ = true;

  int fd_ = -1;
  uint64_t dev_ = 0;
  uint64_t ino_ = 0;
  uint64_t offset_ = 0;            // next byte to read
  bool draining_rotated_ = false;  // path now names another file: finish this one first

  std::string pending_;  // bytes of the line being read, capped at max_line_bytes_
  bool pending_truncated_ = false;
  std::chrono::steady_clock::time_point last_data_{};
  int last_errno_ = 0;  // to log a failing open once, not every poll
  TailCounters counters_;
};

}  // namespace soc
