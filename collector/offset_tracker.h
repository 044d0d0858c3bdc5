// Which offsets of each partition the collector has consumed, to notice events it never saw:
// offsets the broker trimmed before they were read (the embedded broker keeps about 5 MiB per
// partition), a position reset by auto.offset.reset, offsets committed by a group member that is
// not a collector, and a consumer that stopped receiving while the partition grew.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace soc {

// A run of offsets of one partition that no collector processed. `first` .. `last` inclusive;
// with the topics the collector reads (not compacted, not transactional) one offset is one event.
struct OffsetGap {
  int32_t partition = 0;
  int64_t first = 0;
  int64_t last = 0;
  std::string cause;
  uint64_t events() const { return static_cast<uint64_t>(last - first + 1); }
};

class OffsetTracker {
 public:
  using Clock = std::chrono::steady_clock;

  // `stall_after`: how long a partition may hold unread events with nothing arriving before
  // stalled() reports it.
  explicit OffsetTracker(std::chrono::seconds stall_after = std::chrono::seconds(60));

  // The partition became ours; `committed` is the group's committed offset (negative: none).
  // When a member that is not a collector held the partition meanwhile (mark_foreign) and
  // committed past what we had processed, those offsets are returned as a gap: nobody detected
  // on them.
  std::optional<OffsetGap> assign(int32_t partition, int64_t committed, Clock::time_point now);
  // The partition was taken away; what we processed is remembered for assign().
  void revoke(int32_t partition);
  bool assigned(int32_t partition) const;
  // A consumer that is not a collector holds the partition now.
  void mark_foreign(int32_t partition);

  // A message at `offset` was consumed. Returns the offsets skipped before it, if any: the
  // consumer's position jumped (trimmed by the broker and reset to the earliest offset).
  std::optional<OffsetGap> consumed(int32_t partition, int64_t offset, Clock::time_point now);

  // The partition's log now starts at `low` and ends before `high` (its watermarks). Returns the
  // offsets we had not read yet that fell below `low` (trimmed before they could be consumed).
  std::optional<OffsetGap> watermarks(int32_t partition, int64_t low, int64_t high,
                                      Clock::time_point now);

  // True once per stall: the partition has held unread events (by the last watermarks()) for
  // `stall_after` with nothing consumed. Unread count in `*unread` when stalled.
  bool stalled(int32_t partition, Clock::time_point now, int64_t* unread = nullptr);

  // The next offset we expect on the partition; negative when not known yet.
  int64_t next_offset(int32_t partition) const;

 private:
  struct Partition {
    bool assigned = false;
    bool foreign = false;  // held by a non-collector since we last had it
    int64_t next = -1;     // next offset to process; -1: unknown (no commit, nothing consumed)
    int64_t low = -1;      // last known watermarks
    int64_t high = -1;
    Clock::time_point progress{};  // last time it was consumed or had nothing unread
    bool stall_reported = false;
  };
  std::optional<OffsetGap> skip_to(Partition& p, int32_t partition, int64_t offset,
                                   const char* cause);

  std::chrono::seconds stall_after_;
  std::map<int32_t, Partition> partitions_;
};

}  // namespace soc
