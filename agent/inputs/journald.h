// Input: reads the systemd journal through libsystemd's sd_journal API, one InputLine per entry,
// its position kept as a journal cursor.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agent/inputs/input.h"
#include "agent/inputs/journald_config.h"
#include "common/result.h"

struct sd_journal;  // <systemd/sd-journal.h> stays out of the agent's other files

namespace soc {

struct JournaldCounters {
  uint64_t entries = 0;
  uint64_t bytes = 0;        // MESSAGE bytes read
  uint64_t truncated = 0;    // MESSAGE longer than max_line_bytes: shipped cut, flagged trunc
  uint64_t cursor_lost = 0;  // saved cursor gone (journal vacuumed): resumed at the oldest entry
  uint64_t read_errors = 0;  // sd_journal calls that failed (corrupt file, no cursor ...)
  uint64_t rotations = 0;    // journal files added or removed while reading (INVALIDATE)
};

class JournaldInput : public Input {
 public:
  // The trusted fields an entry's InputLine carries, in this order, plus "__REALTIME_TIMESTAMP"
  // (microseconds since the epoch, from sd_journal_get_realtime_usec) last.
  static constexpr std::string_view kFields[] = {
      "_SYSTEMD_UNIT", "SYSLOG_IDENTIFIER", "_PID",    "_UID", "_COMM",
      "_EXE",          "_HOSTNAME",         "PRIORITY"};

  JournaldInput(JournaldConfig config, size_t max_line_bytes);
  ~JournaldInput() override;
  JournaldInput(const JournaldInput&) = delete;
  JournaldInput& operator=(const JournaldInput&) = delete;

  // Opens the journal, installs the filters and positions the reader: just after the saved
  // cursor; at the oldest entry when that cursor is no longer in the journal (counted as
  // cursor_lost); else at the configured start. Fails for a directory that cannot be opened.
  Status start(const PositionStore& checkpoints) override;
  size_t poll(size_t max_lines, const LineSink& emit) override;
  void acknowledge_oldest() override;
  void save(PositionStore& checkpoints) const override;
  InputStats stats() const override;

  // Checkpoint key and envelope src: "journald", or "journald:DIR" for a directory.
  const std::string& key() const { return key_; }
  const JournaldCounters& counters() const { return counters_; }

 private:
  struct Closer {
    void operator()(sd_journal* j) const;
  };

  Status position(const std::optional<std::string>& saved);
  Status add_filters();
  // Reads the current entry into message_, truncated_, fields_ and cursor_.
  void read_entry();
  void note_error(std::string_view call, int r);

  JournaldConfig config_;
  size_t max_line_bytes_;
  std::string key_;
  std::unique_ptr<sd_journal, Closer> journal_;

  std::deque<std::string> unacknowledged_;  // cursor of each emitted entry, oldest first
  std::optional<std::string> acknowledged_;
  int last_error_ = 0;  // to log a failure once, not on every poll

  // The entry being emitted; InputLine points into these.
  std::string message_;
  bool truncated_ = false;
  std::vector<std::pair<std::string, std::string>> fields_;
  std::string cursor_;
  JournaldCounters counters_;
};

}  // namespace soc
