// Input: every file matching a glob pattern (/var/log/nginx/*.log), including files that appear
// later, each followed by its own FileTail (rotation, truncation, checkpoint per file).
//
// The agent acknowledges lines in the order an input emitted them; the glob remembers which file
// each emitted line came from, so acknowledge_oldest() reaches the right FileTail. A file that
// disappears is forgotten once it is read to its end and acknowledged. Patterns should not match
// the rotated names (app.log.1): those are found by the FileTail of app.log, and a pattern that
// also matched them would ship their lines twice.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <string>

#include "agent/inputs/file_tail.h"

namespace soc {

class FileGlobInput : public Input {
 public:
  FileGlobInput(FileInputConfig config, size_t max_line_bytes,
                std::chrono::milliseconds partial_flush,
                std::chrono::milliseconds rescan = std::chrono::seconds(1));

  // True when a configured path holds glob characters (* ? [).
  static bool is_pattern(const std::string& path);

  Status start(const PositionStore& checkpoints) override;
  size_t poll(size_t max_lines, const LineSink& emit) override;
  void acknowledge_oldest() override;
  void save(PositionStore& checkpoints) const override;
  InputStats stats() const override;
  std::vector<InputStats> detailed_stats() const override;

  size_t files() const { return tails_.size(); }

 private:
  void rescan(bool at_start);

  FileInputConfig config_;
  size_t max_line_bytes_;
  std::chrono::milliseconds partial_flush_;
  std::chrono::milliseconds rescan_every_;
  std::chrono::steady_clock::time_point last_scan_{};
  const PositionStore* checkpoints_ = nullptr;              // to restore files found later
  std::map<std::string, std::unique_ptr<FileTail>> tails_;  // by path; stable addresses
  std::deque<FileTail*> order_;                // the file of each emitted, unacknowledged line
  std::map<std::string, uint64_t> forgotten_;  // counters of files no longer followed
  uint64_t glob_errors_ = 0;
};

}  // namespace soc
