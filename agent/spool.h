// Disk spool: where lines wait, durably and in order, while Kafka is unreachable.
//
// Design (how the spool and acknowledgement fit together):
//  - Files: SPOOL_DIR/<20-digit id>.seg, append-only segments that start with an 8-byte magic and
//    hold records `u32 length | u32 crc32c(payload) | payload` (little endian); the payload is
//    the finished envelope JSON, so a drained record is sent exactly as it would have been.
//    SPOOL_DIR/cursor (written atomically) names the first record Kafka has not acknowledged.
//  - Writing: the agent appends a line and, once per loop, sync()s (write + fdatasync). Only a
//    synced record counts as "safe" for the input that produced it, so the input's checkpoint may
//    pass it. A crash before the sync leaves the line unacknowledged: it is read again from the
//    log file (a duplicate at worst, never a loss).
//  - Draining: read_next() hands out records in order with an increasing index; the agent ships
//    each with that index as its token. acknowledge(index) marks it; the cursor advances only
//    over a prefix of acknowledged records, and a segment is deleted once the cursor is past it.
//    Records librdkafka hands back unsent (purged while Kafka is down) are re-read with rewind().
//  - Recovery: the last segment is scanned at open; a torn tail (short record, bad length or
//    checksum, from a crash mid-write) is reported, counted and cut off so appends continue after
//    the last good record. A bad record found while draining an older segment skips the rest of
//    that segment, reported. Start-up never stops on spool damage, and a missing or unreadable
//    cursor restarts from the oldest segment (duplicates, not losses).
//  - Bounds: total file size is at most max_bytes (plus one record). When full, `block` refuses
//    the append (the agent stops reading and keeps the line in memory until there is room) and
//    `drop_oldest` deletes the oldest segment, counting every unsent record in it as dropped.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/unique_fd.h"
#include "common/result.h"

namespace soc {

// CRC-32C (Castagnoli), the checksum of each spool record.
uint32_t crc32c(std::string_view data, uint32_t crc = 0);

enum class SpoolFullPolicy { kBlock, kDropOldest };

struct SpoolConfig {
  std::string dir;
  uint64_t max_bytes = 256ull << 20;
  uint64_t segment_bytes = 8ull << 20;
  SpoolFullPolicy when_full = SpoolFullPolicy::kBlock;
};

struct SpoolCounters {
  uint64_t appended = 0;       // records written
  uint64_t drained = 0;        // records Kafka acknowledged
  uint64_t dropped_full = 0;   // records deleted unsent by drop_oldest
  uint64_t torn_tails = 0;     // torn records cut off at open
  uint64_t corrupt_skips = 0;  // bad records met while draining (rest of segment skipped)
  uint64_t write_errors = 0;   // appends or syncs the disk refused (ENOSPC, EIO ...)
};

class Spool {
 public:
  enum class Append { kOk, kFull, kError };

  static Result<Spool> open(SpoolConfig config);
  Spool(Spool&&) noexcept = default;
  Spool& operator=(Spool&&) noexcept = default;

  // Buffers one record. kFull only under `block`; kError when the disk refused (logged once per
  // streak). Nothing is safe until sync() succeeds.
  Append append(std::string_view payload);
  // Writes buffered records and fdatasyncs. False on an I/O error: the unsynced records are then
  // discarded from the file (cut back to the last synced end) and must be appended again.
  bool sync();
  // Number of records appended since the last successful sync().
  size_t unsynced() const { return unsynced_records_; }
  // Gives the records not yet synced back, oldest first, and forgets them: for a disk that stays
  // full while Kafka works again, so they can be sent directly instead.
  std::vector<std::string> take_unsynced();

  // The next record not yet handed out, or nothing. The view is valid until the next call.
  struct Record {
    std::string_view payload;
    uint64_t index;
  };
  std::optional<Record> read_next();
  bool has_unread() const;
  // Kafka acknowledged the record with this index (handed out by read_next()).
  void acknowledge(uint64_t index);
  // Kafka handed this record back unsent: it and every later handed-out record are read again.
  void rewind(uint64_t index);
  // Persists the cursor (atomically) if it moved.
  Status save_cursor();

  bool empty() const;         // nothing unacknowledged at all
  bool synced_empty() const;  // nothing on disk unacknowledged (unsynced records aside)
  uint64_t bytes() const;     // total size of the segment files
  size_t segments() const { return segs_.size(); }
  uint64_t in_flight() const { return handed_.size(); }
  const SpoolCounters& counters() const { return counters_; }
  const SpoolConfig& config() const { return config_; }

 private:
  Spool() = default;
  struct Segment {
    uint64_t id;
    uint64_t size;  // bytes on disk (synced end for the write segment)
  };
  struct Pos {
    uint64_t seg;
    uint64_t off;
  };
  struct Handed {
    uint64_t index;
    Pos start;
    Pos end;
    bool acked;
  };

  std::string seg_path(uint64_t id) const;
  Status open_write_segment(uint64_t id, bool create);
  bool roll_segment();
  void drop_oldest_segment();
  void delete_passed_segments();
  void advance_read_past_segment();
  bool flush_buffer();
  void recycle_if_done();

  SpoolConfig config_;
  std::vector<Segment> segs_;  // oldest first; the last one is being written
  UniqueFd wfd_;               // the write segment
  UniqueFd rfd_;               // the segment being read
  uint64_t rfd_seg_ = 0;
  std::string wbuf_;          // appended, not yet written
  uint64_t synced_end_ = 0;   // end of the last synced record in the write segment
  uint64_t written_end_ = 0;  // synced_end_ + bytes written but not synced
  size_t unsynced_records_ = 0;
  Pos read_{};   // next record to hand out
  Pos acked_{};  // first record not acknowledged (what the cursor file holds)
  Pos saved_{};  // cursor as last written to disk
  std::deque<Handed> handed_;
  uint64_t next_index_ = 1;
  std::string rbuf_;
  bool error_logged_ = false;
  SpoolCounters counters_;
};

}  // namespace soc
