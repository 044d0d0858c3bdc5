#include "collector/offset_tracker.h"

#include <algorithm>

namespace soc {

OffsetTracker::OffsetTracker(std::chrono::seconds stall_after) : stall_after_(stall_after) {}

std::optional<OffsetGap> OffsetTracker::skip_to(Partition& p, int32_t partition, int64_t offset,
                                                const char* cause) {
  std::optional<OffsetGap> gap;
  if (p.next >= 0 && offset > p.next) gap = OffsetGap{partition, p.next, offset - 1, cause};
  return gap;
}

std::optional<OffsetGap> OffsetTracker::assign(int32_t partition, int64_t committed,
                                               Clock::time_point now) {
  Partition& p = partitions_[partition];
  std::optional<OffsetGap> gap;
  if (p.foreign && committed >= 0) {
    gap = skip_to(p, partition, committed,
                  "committed by a consumer group member that is not a soc-collector");
  }
  // Another collector of the group may have processed the partition meanwhile: the committed
  // offset is where the group stands.
  if (committed >= 0) p.next = committed;
  p.assigned = true;
  p.foreign = false;
  p.progress = now;
  p.stall_reported = false;
  return gap;
}

void OffsetTracker::revoke(int32_t partition) {
  partitions_[partition].assigned = false;
}

bool OffsetTracker::assigned(int32_t partition) const {
  const auto it = partitions_.find(partition);
  return it != partitions_.end() && it->second.assigned;
}

void OffsetTracker::mark_foreign(int32_t partition) {
  Partition& p = partitions_[partition];
  if (!p.assigned) p.foreign = true;
}

std::optional<OffsetGap> OffsetTracker::consumed(int32_t partition, int64_t offset,
                                                 Clock::time_point now) {
  Partition& p = partitions_[partition];
  auto gap = skip_to(p, partition, offset,
                     "not consumed: trimmed by the broker before it was read (position reset)");
  // An offset below `next` is a replay (a commit that failed, a rebalance): not a loss.
  p.next = offset + 1;
  p.progress = now;
  p.stall_reported = false;
  return gap;
}

std::optional<OffsetGap> OffsetTracker::watermarks(int32_t partition, int64_t low, int64_t high,
                                                   Clock::time_point now) {
  Partition& p = partitions_[partition];
  std::optional<OffsetGap> gap;
  if (low >= 0) {
    gap = skip_to(p, partition, low, "trimmed by the broker before it was read");
    if (gap) p.next = low;
  }
  p.low = low;
  p.high = high;
  const int64_t position = p.next >= 0 ? p.next : low;
  if (high <= position) {
    p.progress = now;  // nothing unread: not stalled
    p.stall_reported = false;
  }
  return gap;
}

bool OffsetTracker::stalled(int32_t partition, Clock::time_point now, int64_t* unread) {
  const auto it = partitions_.find(partition);
  if (it == partitions_.end()) return false;
  Partition& p = it->second;
  if (!p.assigned || p.stall_reported || p.high < 0 || now - p.progress < stall_after_) {
    return false;
  }
  const int64_t position = p.next >= 0 ? p.next : std::max<int64_t>(p.low, 0);
  if (p.high <= position) return false;
  p.stall_reported = true;
  if (unread != nullptr) *unread = p.high - position;
  return true;
}

int64_t OffsetTracker::next_offset(int32_t partition) const {
  const auto it = partitions_.find(partition);
  return it == partitions_.end() ? -1 : it->second.next;
}

}  // namespace soc
