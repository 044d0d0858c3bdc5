// Input: follows one log file like `tail -F`, across rename-and-create rotation, copytruncate and
// deletion, without losing or re-reading lines.
//
// A file is known by device + inode AND a fingerprint: a hash of its first bytes (up to 256, taken
// again while the file is shorter). Inode numbers are reused after a delete, and copytruncate
// keeps the inode while replacing the content, so the inode alone cannot tell "the same file"
// from "a new file": the fingerprint can. A finished file (rotated away, deleted, truncated) is
// read to its end first; then its rotated siblings (same directory, name = base name + '.', '-'
// or '_' + anything, not compressed) are searched for what was not read yet: the copy that
// copytruncate made of the unread tail (same fingerprint, longer than what was read), and newer
// generations renamed away before they were ever opened (unknown fingerprint, modified no earlier
// than the finished file). The same search resumes a file that was rotated while the agent was
// stopped: the checkpointed identity is looked for among the siblings and drained first.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/inputs/file_tail_config.h"
#include "agent/inputs/input.h"
#include "agent/unique_fd.h"
#include "common/result.h"

namespace soc {

struct TailCounters {
  uint64_t lines = 0;
  uint64_t bytes = 0;
  uint64_t truncated_lines = 0;  // longer than max_line_bytes: shipped cut, flagged trunc
  uint64_t partial_flushes = 0;  // unterminated last lines shipped after the quiet time
  uint64_t rotations = 0;        // the path named another file, or none (rename, delete)
  uint64_t truncations = 0;      // file shrank or its first bytes changed (copytruncate)
  uint64_t deleted = 0;          // the file was deleted while open (read to its end first)
  uint64_t caught_up_files = 0;  // rotated siblings read for lines not read from the path
  uint64_t open_errors = 0;      // cannot open the path (permission, not a regular file ...)
};

// A position in one file, identified by device, inode and fingerprint.
struct FilePosition {
  uint64_t dev = 0;
  uint64_t ino = 0;
  uint64_t offset = 0;  // every byte before this has been shipped
  uint32_t fp_len = 0;  // fingerprint: FNV-1a of the first fp_len bytes (0: none yet)
  uint64_t fp = 0;
};

class FileTail : public Input {
 public:
  static constexpr uint32_t kFingerprintBytes = 256;

  // One complete line. `end` is the position just after it: once Kafka acknowledged this line and
  // every earlier one, `end` is where a restarted agent resumes.
  struct Line {
    std::string_view text;
    bool truncated;
    FilePosition end;
  };
  using Emit = std::function<void(const Line&)>;

  // `appeared_later`: the file was found after start-up (a new glob match): read from its start.
  FileTail(FileInputConfig config, size_t max_line_bytes, std::chrono::milliseconds partial_flush,
           bool appeared_later = false);

  // Input: restores the acknowledged position, and fails for a file that exists but cannot be
  // read (a configuration error the sysadmin must see at once). A missing file is fine: it is
  // followed as soon as it appears.
  Status start(const PositionStore& checkpoints) override;
  size_t poll(size_t max_lines, const LineSink& emit) override;
  void acknowledge_oldest() override;
  void save(PositionStore& checkpoints) const override;
  InputStats stats() const override;

  // Like start() without the readability check (a glob's file may be unreadable for a while).
  Status restore_from(const PositionStore& checkpoints);
  // The position a previous run acknowledged; used when the file's identity still matches.
  void restore(const FilePosition& pos) { restored_ = pos; }
  Status check_readable() const;
  // Reads at most `max_lines` complete lines and hands each to `emit`, without tracking
  // acknowledgements (poll() does). Returns how many.
  size_t read(size_t max_lines, const Emit& emit);

  const std::string& path() const { return config_.path; }
  const std::string& key() const { return key_; }
  const TailCounters& counters() const { return counters_; }
  // Bytes in the file not yet read (for lag reporting).
  uint64_t lag_bytes() const;
  // Nothing open, buffered or unacknowledged: a glob may forget this file.
  bool idle() const;
  bool has_unacknowledged() const { return !unacknowledged_.empty(); }

  // Checkpoint encoding of a position, "dev ino offset fp_len fp" (older "dev ino offset" reads).
  static std::string encode(const FilePosition& pos);
  static std::optional<FilePosition> decode(const std::string& text);

 private:
  // The file being read.
  struct Source {
    UniqueFd fd;
    uint64_t dev = 0;
    uint64_t ino = 0;
    uint64_t offset = 0;  // next byte to consume
    uint32_t fp_len = 0;
    uint64_t fp = 0;
    bool at_path = true;   // the path named it when opened (false: a rotated sibling)
    bool rotated = false;  // the path names another file or none: read to the end, then let go
    timespec mtime{};      // as seen at the last look (before a truncation, the old content's)
    // When it was opened: rotated files modified since may hold lines that passed through it
    // unseen (written, copied and truncated between two looks).
    timespec open_mtime{};
  };
  // A rotated sibling still to read, opened when found (a later rename cannot swap it).
  struct CatchUp {
    UniqueFd fd;
    std::string name;
    uint64_t offset;
    uint32_t fp_len;
    uint64_t fp;
    bool continues;  // continues the file just finished (its copy): a partial line goes on
    timespec mtime;
  };
  struct Finished {
    uint64_t dev, ino;
    uint32_t fp_len;
    uint64_t fp;
    uint64_t end;
  };

  bool open_next(const Emit& emit);
  bool open_path();
  size_t read_lines(size_t max_lines, const Emit& emit);
  void emit_pending(const Emit& emit, uint64_t end_offset);
  void flush_partial(const Emit& emit);
  // Looks at the path and the open file; true when the source changed (truncation handled).
  bool check_current(const Emit& emit);
  void finish_current(const Emit& emit, bool search_siblings);
  // Adds rotated siblings not read yet to catchup_; `newer_than` admits unknown files modified
  // no earlier than it (none when null).
  void find_siblings(const timespec* newer_than);
  void update_fingerprint();
  void remember(const Finished& f);

  FileInputConfig config_;
  std::string key_;                          // checkpoint key and envelope src: "file:" + path
  std::deque<FilePosition> unacknowledged_;  // end of each emitted line, oldest first
  std::optional<FilePosition> acknowledged_;
  size_t max_line_bytes_;
  std::chrono::milliseconds partial_flush_;
  std::optional<FilePosition> restored_;
  bool first_open_ = true;
  std::optional<uint64_t> path_start_;  // where to start in the path's next file (0 after rotation)
  // After a rotation: generations modified since this time may have been renamed away before
  // they were opened; they are searched for before (and right after) the path is opened again.
  std::optional<timespec> follow_since_;
  timespec dir_looked_{};  // when the directory was last searched for an empty file's copy

  std::optional<Source> cur_;
  std::deque<CatchUp> catchup_;
  std::deque<Finished> finished_;  // recently finished files, to recognise their copies

  std::vector<char> rbuf_;  // bytes [cur_->offset, +rb_end_-rb_begin_) of the file
  size_t rb_begin_ = 0;
  size_t rb_end_ = 0;
  uint64_t unchecked_bytes_ = 0;  // consumed since the last look at the path

  std::string pending_;  // bytes of the line being read, capped at max_line_bytes_
  bool pending_truncated_ = false;
  std::chrono::steady_clock::time_point last_data_{};
  int last_errno_ = 0;  // to log a failing open once, not every poll
  TailCounters counters_;
};

// FNV-1a 64 of `data` (the fingerprint hash).
uint64_t fnv1a64(std::string_view data);

}  // namespace soc
