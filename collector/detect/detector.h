// Turning rule matches into Detections: grouping, thresholds over event time, suppression windows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <tsl/robin_map.h>

#include "collector/decode/event.h"
#include "collector/detect/engine.h"
#include "collector/model/detection.h"

namespace soc {

// Stateful and single-threaded: use one Detector per worker (events are keyed by agent, so a host's
// events all reach the same worker). The Engine must outlive it.
//
// Windows are aligned to the rule's `suppress` (window_start = floor(time / suppress) * suppress)
// and measured in event time, so replaying the same events through a fresh Detector yields the same
// alert ids. Without a threshold every matching event yields a Detection with count 1. With one,
// the N-th event within `within` (per rule, host and group key) yields one Detection with count N
// and the kept evidence; each further matching event of that group in the same window yields a
// Detection with count 1 and the same alert_id, which the store folds into the alert. The next
// window needs N fresh events again.
//
// An event with "event.repeat_count" N (rsyslog's "message repeated N times") counts as N events
// toward a count threshold and adds N to an alert's count.
//
// With `threshold.distinct` the group counts distinct values of that field instead of events (one
// source trying N different users): it keeps, per value seen within `within`, a 64-bit hash and
// the newest time, fires when N values are within `within` of the newest, and reports count N.
// Events without the field do not count.
//
// A rule with `after` (rule.h) counts a matching event only when the rule it names was met for the
// same host and group within `after.within` before it; every time that rule is met (each matching
// event, or each event once its threshold is reached) the Detector marks the follower's group key
// with the event's time. Marks expire like groups and share the `max_groups` cap.
//
// A host's clock only moves forward, so an event dated in the past cannot close groups; one
// dated in the future could (its host's groups would look idle), which is why the decoder
// replaces a time too far ahead of the agent's read time with the read time (Event::
// time_untrusted, counted in future_events()).
//
// Memory: only threshold rules keep state, one group per (rule, host, group key) holding fewer
// than N timestamps (or value hashes) and at most `evidence` envelopes. A group is dropped once its
// host's event time has moved past it by more than max(within, suppress), and the least recently
// used group is evicted when `max_groups` is reached (counted in evicted_groups()).
class Detector {
 public:
  explicit Detector(const Engine& engine, size_t max_groups = 100000);

  // Zero or more detections for this event, ready for the store.
  std::vector<Detection> process(const Event& e);

  // Where a threshold rule stands for the group `e` belongs to, for rule authors (socctl rules
  // test): `have` of `need` events (or distinct values) within `within_seconds`; `fired` when the
  // group already raised its alert in the current suppress window. Nothing for rules without a
  // threshold; have = 0 when the group holds no state.
  struct ThresholdState {
    uint32_t have = 0;
    uint32_t need = 0;
    int64_t within_seconds = 0;
    bool fired = false;
  };
  std::optional<ThresholdState> threshold_state(size_t rule_index, const Event& e) const;

  // For a rule with `after`: whether the rule it follows was met for `e`'s host and group within
  // `after.within` before `e` (socctl rules test shows it). False for rules without `after`.
  bool after_met(size_t rule_index, const Event& e) const;

  // Drops idle groups now (process() also does it periodically). Returns how many were dropped.
  size_t expire_idle();

  // With folded tracking on, each threshold Detection lists in folded_seqs the envelope seq of
  // every event it counts (those within `within` when it fires; the event itself for a count-1
  // detection folded into an alert already raised), so a tool can tell which events an alert
  // stands for (bench/recall_bench). Off by default: the collector does not pay for it.
  void set_track_folded(bool on) { track_folded_ = on; }

  uint64_t evicted_groups() const { return evicted_; }
  // Events whose own time the decoder did not believe (Event::time_untrusted: dated too far
  // ahead of the agent's read time); they were detected at their read time.
  uint64_t future_events() const { return future_events_; }
  size_t group_count() const { return index_.size(); }

 private:
  struct HostClock {
    SysTime latest{};   // newest event time seen from the host
    size_t groups = 0;  // groups keyed by this host
  };
  static constexpr uint32_t kNone = UINT32_MAX;
  // A slot of the group slab. Slots are reused, keeping their buffers: a scan from random
  // addresses opens a group per address and rule, most of them dropped soon after.
  struct Group {
    std::string key;  // its key; index_ views this string while the group is open
    bool open = false;
    size_t rule = 0;
    std::string host;
    // Each holds a few dozen elements at most.
    std::vector<SysTime> times;                          // sorted, within `within` of the newest
    std::vector<std::pair<uint64_t, SysTime>> distinct;  // value hash -> newest time (distinct)
    std::vector<std::pair<SysTime, Envelope>> evidence;  // the newest `evidence` of those events
    std::vector<std::pair<SysTime, uint64_t>> folded;    // time and seq of each (track_folded_)
    std::optional<int64_t> fired_window;                 // window_start of the alert raised
    uint32_t evidence_sent = 0;                          // envelopes sent for that alert so far
    SysTime last{};                                      // newest event time in the group
    uint32_t older = kNone;  // least-recently-matched order of open groups
    uint32_t newer = kNone;
    const HostClock* clock = nullptr;  // the host's entry in hosts_
  };

  struct Mark {
    SysTime when{};  // newest time the followed rule was met for this key
    std::string host;
    int64_t within_seconds = 0;
  };

  // True when the threshold is reached by this event or was already in this window.
  bool on_threshold_match(size_t rule_index, const Event& e, SysTime t, const std::string& host,
                          std::vector<Detection>& out);
  bool after_met(size_t rule_index, const Event& e, SysTime t, const std::string& host) const;
  void mark_followers(size_t rule_index, const Event& e, SysTime t, const std::string& host);
  bool on_distinct_match(const Rule& rule, const Event& e, SysTime t, const std::string& host,
                         Group& g, std::vector<Detection>& out);
  static void keep_evidence(const Rule& rule, Group& g, SysTime t, const Event& e);
  static void note_folded(Group& g, SysTime t, const Event& e, SysTime cutoff);
  void fire(const Rule& rule, const Event& e, const std::string& host, Group& g, SysTime first,
            SysTime last, uint64_t count, std::vector<Detection>& out);

  // Opens a slot for the group keyed key_ (evicting the least recently matched group when
  // `max_groups` are open) and returns it.
  uint32_t open_group(size_t rule_index, const std::string& host, SysTime t);
  void close_group(uint32_t slot);
  void unlink(uint32_t slot);
  void link_newest(uint32_t slot);

  const Engine& engine_;
  Engine::Scratch scratch_;
  size_t max_groups_;
  bool track_folded_ = false;
  uint64_t evicted_ = 0;
  uint64_t future_events_ = 0;
  uint64_t since_sweep_ = 0;
  std::deque<Group> slab_;       // deque: slots stay put as it grows (index_ views their keys)
  std::vector<uint32_t> spare_;  // closed slots
  struct KeyHash {
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  tsl::robin_map<std::string_view, uint32_t, KeyHash> index_;  // group key -> slot
  uint32_t oldest_ = kNone;                                    // least recently matched open group
  uint32_t newest_group_ = kNone;
  std::string key_;  // group key of the event being processed
  std::unordered_map<std::string, HostClock> hosts_;
  std::vector<std::vector<size_t>> followers_;   // rule -> the rules whose `after` names it
  std::unordered_map<std::string, Mark> marks_;  // group key of a follower -> its mark
  SysTime newest_{};                             // newest event time seen from any host
};

}  // namespace soc
