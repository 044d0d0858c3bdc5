#include "collector/detect/detector.h"

#include <algorithm>
#include <chrono>

#include "collector/decode/text.h"
#include "collector/detect/alert_id.h"

namespace soc {
namespace {

constexpr uint64_t kMinSweepInterval = 4096;  // events between idle sweeps, at least

int64_t unix_floor(SysTime t) {
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}

// Start of the suppress-aligned window holding `t` (floor, also before 1970).
int64_t window_of(SysTime t, int64_t suppress) {
  const int64_t s = unix_floor(t);
  int64_t q = s / suppress;
  if (s % suppress < 0) --q;
  return q * suppress;
}

// Decoders set Event::time; an event built without it falls back to the agent's read time.
SysTime event_time(const Event& e) {
  if (e.time != SysTime{}) return e.time;
  if (auto t = parse_rfc3339(e.env.ts)) return *t;
  return SysTime{};
}

void append_part(std::string& key, std::string_view part) {
  const uint32_t n = static_cast<uint32_t>(part.size());
  key.append(reinterpret_cast<const char*>(&n), sizeof n);
  key.append(part);
}

// Length-prefixed so that different (host, values) splits never collide. Built into `key` (a
// reused buffer: no allocation per event once it has grown) straight from the event's fields.
void group_key_into(std::string& key, size_t rule_index, const Rule& rule, const std::string& host,
                    const Event& e) {
  key.clear();
  key.append(reinterpret_cast<const char*>(&rule_index), sizeof rule_index);
  append_part(key, host);
  for (const auto& f : rule.group_by) append_part(key, event_field(e, f).value_or(""));
}

std::string group_key(size_t rule_index, const Rule& rule, const std::string& host,
                      const Event& e) {
  std::string key;
  group_key_into(key, rule_index, rule, host, e);
  return key;
}

// The group-by values of `e` for `rule` (a missing field counts as the empty string).
std::vector<std::pair<std::string, std::string>> group_of(const Rule& rule, const Event& e) {
  std::vector<std::pair<std::string, std::string>> group;
  group.reserve(rule.group_by.size());
  for (const auto& f : rule.group_by) {
    group.emplace_back(f, std::string(event_field(e, f).value_or("")));
  }
  return group;
}

// How many occurrences the event stands for: rsyslog folds identical lines into "message repeated
// N times: [ ... ]" (event.repeat_count), and a brute force folded that way is still N attempts.
uint32_t occurrences(const Event& e) {
  const auto v = e.fields.get("event.repeat_count");
  const auto n = v ? text::parse_uint(*v) : std::nullopt;
  if (!n || *n < 1 || *n > 999'999'999) return 1;  // absent or garbled: the line itself
  return static_cast<uint32_t>(*n);
}

// Drops the leading elements of a time-sorted vector that are older than `cutoff`.
template <class Vec, class TimeOf>
void drop_before(Vec& v, SysTime cutoff, const TimeOf& time_of) {
  auto end = v.begin();
  while (end != v.end() && time_of(*end) < cutoff) ++end;
  v.erase(v.begin(), end);
}

// FNV-1a: distinct values are remembered by hash so that state stays small whatever their size.
uint64_t hash_value(std::string_view v) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : v) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

Detection make_detection(const Rule& r, const Event& e, const std::string& host,
                         std::vector<std::pair<std::string, std::string>> group, int64_t window) {
  Detection d;
  d.alert_id = make_alert_id(r.id, host, group, window);
  d.rule = static_cast<const RuleMeta&>(r);
  d.evidence_max = r.evidence_max;
  d.host = host;
  d.org = std::string(event_field(e, "organization.id").value_or(""));
  d.agent = std::string(event_field(e, "agent.id").value_or(""));
  d.group = std::move(group);
  d.window_start = SysTime(std::chrono::seconds(window));
  return d;
}

}  // namespace

Detector::Detector(const Engine& engine, size_t max_groups)
    : engine_(engine),
      scratch_(engine.make_scratch()),
      max_groups_(std::max<size_t>(1, max_groups)) {
  const auto& rules = engine.rules();
  followers_.resize(rules.size());
  for (size_t i = 0; i < rules.size(); ++i) {
    if (!rules[i].after) continue;
    // Engine::build refused unknown names, so the lookup succeeds.
    followers_[*engine.rule_index(rules[i].after->rule)].push_back(i);
  }
}

std::vector<Detection> Detector::process(const Event& e) {
  std::vector<Detection> out;
  const SysTime t = event_time(e);
  if (e.time_untrusted) ++future_events_;
  const std::string host(event_field(e, "host.name").value_or(""));
  // Any event from a host advances its clock, so its idle groups can expire.
  if (auto h = hosts_.find(host); h != hosts_.end())
    h->second.latest = std::max(h->second.latest, t);
  newest_ = std::max(newest_, t);

  for (size_t idx : engine_.match(e, scratch_)) {
    const Rule& rule = engine_.rules()[idx];
    if (rule.after && !after_met(idx, e, t, host)) continue;
    bool met = true;
    if (rule.threshold) {
      met = on_threshold_match(idx, e, t, host, out);
    } else {
      Detection d =
          make_detection(rule, e, host, group_of(rule, e), window_of(t, rule.suppress_seconds));
      d.first_seen = d.last_seen = t;
      d.count = occurrences(e);
      if (rule.evidence_max > 0) d.evidence.push_back(e.env);
      out.push_back(std::move(d));
    }
    if (met && !followers_[idx].empty()) mark_followers(idx, e, t, host);
  }

  if (++since_sweep_ >= std::max<uint64_t>(kMinSweepInterval, index_.size())) expire_idle();
  return out;
}

bool Detector::after_met(size_t rule_index, const Event& e) const {
  if (!engine_.rules().at(rule_index).after) return false;
  return after_met(rule_index, e, event_time(e),
                   std::string(event_field(e, "host.name").value_or("")));
}

bool Detector::after_met(size_t rule_index, const Event& e, SysTime t,
                         const std::string& host) const {
  const Rule& rule = engine_.rules()[rule_index];
  const auto it = marks_.find(group_key(rule_index, rule, host, e));
  if (it == marks_.end()) return false;
  const SysTime when = it->second.when;
  return when <= t && t - when <= std::chrono::seconds(rule.after->within_seconds);
}

void Detector::mark_followers(size_t rule_index, const Event& e, SysTime t,
                              const std::string& host) {
  for (size_t f : followers_[rule_index]) {
    const Rule& follower = engine_.rules()[f];
    std::string key = group_key(f, follower, host, e);
    auto it = marks_.find(key);
    if (it == marks_.end()) {
      if (marks_.size() >= max_groups_) {
        marks_.erase(marks_.begin());  // any one: marks are short-lived hints, not alerts
        ++evicted_;
      }
      it = marks_.emplace(std::move(key), Mark{t, host, follower.after->within_seconds}).first;
    }
    it->second.when = std::max(it->second.when, t);
  }
}

bool Detector::on_threshold_match(size_t rule_index, const Event& e, SysTime t,
                                  const std::string& host, std::vector<Detection>& out) {
  const Rule& rule = engine_.rules()[rule_index];
  const Threshold& th = *rule.threshold;
  group_key_into(key_, rule_index, rule, host, e);
  uint32_t slot = 0;
  if (const auto it = index_.find(std::string_view(key_)); it != index_.end()) {
    slot = it->second;
    unlink(slot);
    link_newest(slot);
  } else {
    slot = open_group(rule_index, host, t);
  }
  Group& g = slab_[slot];
  g.last = std::max(g.last, t);

  const int64_t window = window_of(t, rule.suppress_seconds);
  if (g.fired_window == window) {
    // Already alerted in this window: a count-1 detection with the same id folds into it.
    Detection d = make_detection(rule, e, host, group_of(rule, e), window);
    d.first_seen = d.last_seen = t;
    d.count = occurrences(e);
    if (g.evidence_sent < rule.evidence_max) {
      d.evidence.push_back(e.env);
      ++g.evidence_sent;
    }
    if (track_folded_) d.folded_seqs.push_back(e.env.seq);
    out.push_back(std::move(d));
    return true;
  }

  if (!th.distinct.empty()) {
    return on_distinct_match(rule, e, t, host, g, out);
  }

  // Sorted insert: usually at the back; late events land in place (or fall out of the window).
  // A folded repeat counts as its N occurrences (no more than the threshold needs).
  g.times.insert(std::upper_bound(g.times.begin(), g.times.end(), t),
                 std::min(occurrences(e), th.count), t);
  keep_evidence(rule, g, t, e);
  const SysTime cutoff = g.times.back() - std::chrono::seconds(th.within_seconds);
  drop_before(g.times, cutoff, [](SysTime x) { return x; });
  drop_before(g.evidence, cutoff, [](const auto& x) { return x.first; });
  if (track_folded_) note_folded(g, t, e, cutoff);
  if (g.times.size() < th.count) return false;
  fire(rule, e, host, g, g.times.front(), g.times.back(), g.times.size(), out);
  return true;
}

void Detector::note_folded(Group& g, SysTime t, const Event& e, SysTime cutoff) {
  g.folded.emplace_back(t, e.env.seq);
  std::erase_if(g.folded, [&](const auto& x) { return x.first < cutoff; });
}

void Detector::keep_evidence(const Rule& rule, Group& g, SysTime t, const Event& e) {
  if (rule.evidence_max == 0) return;
  const auto later = [](SysTime a, const auto& b) { return a < b.first; };
  if (g.evidence.size() < rule.evidence_max) {
    g.evidence.insert(std::upper_bound(g.evidence.begin(), g.evidence.end(), t, later), {t, e.env});
    return;
  }
  if (t < g.evidence.front().first) return;  // older than all it would displace
  // Full: the oldest slot takes the new event. Assigning into its strings reuses their buffers,
  // so a flood of matching events does not allocate per event.
  auto slot = std::move(g.evidence.front());
  g.evidence.erase(g.evidence.begin());
  slot.first = t;
  slot.second = e.env;
  g.evidence.insert(std::upper_bound(g.evidence.begin(), g.evidence.end(), t, later),
                    std::move(slot));
}

bool Detector::on_distinct_match(const Rule& rule, const Event& e, SysTime t,
                                 const std::string& host, Group& g, std::vector<Detection>& out) {
  const Threshold& th = *rule.threshold;
  const auto value = event_field(e, th.distinct);
  if (!value) return false;  // nothing to count
  const uint64_t h = hash_value(*value);
  SysTime newest = t;
  bool seen = false;
  for (auto& [hash, when] : g.distinct) {
    if (hash == h) {
      when = std::max(when, t);
      seen = true;
    }
    newest = std::max(newest, when);
  }
  if (!seen) g.distinct.emplace_back(h, t);
  keep_evidence(rule, g, t, e);
  const SysTime cutoff = newest - std::chrono::seconds(th.within_seconds);
  std::erase_if(g.distinct, [&](const auto& p) { return p.second < cutoff; });
  drop_before(g.evidence, cutoff, [](const auto& x) { return x.first; });
  if (track_folded_) note_folded(g, t, e, cutoff);
  if (g.distinct.size() < th.count) return false;
  SysTime oldest = newest;
  for (const auto& p : g.distinct) oldest = std::min(oldest, p.second);
  fire(rule, e, host, g, oldest, newest, g.distinct.size(), out);
  return true;
}

void Detector::fire(const Rule& rule, const Event& e, const std::string& host, Group& g,
                    SysTime first, SysTime last, uint64_t count, std::vector<Detection>& out) {
  // The alert's window is the one holding the newest event of the burst.
  const int64_t fired = window_of(last, rule.suppress_seconds);
  Detection d = make_detection(rule, e, host, group_of(rule, e), fired);
  d.first_seen = first;
  d.last_seen = last;
  d.count = count;
  for (auto& [when, env] : g.evidence) d.evidence.push_back(std::move(env));
  for (const auto& [when, seq] : g.folded) d.folded_seqs.push_back(seq);
  out.push_back(std::move(d));
  g.fired_window = fired;
  g.evidence_sent = static_cast<uint32_t>(g.evidence.size());
  g.times.clear();
  g.distinct.clear();
  g.evidence.clear();
  g.folded.clear();
}

std::optional<Detector::ThresholdState> Detector::threshold_state(size_t rule_index,
                                                                  const Event& e) const {
  const Rule& rule = engine_.rules().at(rule_index);
  if (!rule.threshold) return std::nullopt;
  ThresholdState st;
  st.need = rule.threshold->count;
  st.within_seconds = rule.threshold->within_seconds;
  const std::string host(event_field(e, "host.name").value_or(""));
  const auto it = index_.find(std::string_view(group_key(rule_index, rule, host, e)));
  if (it == index_.end()) return st;
  const Group& g = slab_[it->second];
  st.have =
      static_cast<uint32_t>(rule.threshold->distinct.empty() ? g.times.size() : g.distinct.size());
  st.fired = g.fired_window == window_of(event_time(e), rule.suppress_seconds);
  return st;
}

size_t Detector::expire_idle() {
  since_sweep_ = 0;
  size_t dropped = 0;
  // Slots in a row: the sweep reads memory in order rather than chasing map nodes.
  for (uint32_t slot = 0; slot < slab_.size(); ++slot) {
    const Group& g = slab_[slot];
    if (!g.open) continue;
    const Rule& rule = engine_.rules()[g.rule];
    const int64_t horizon = std::max(rule.threshold->within_seconds, rule.suppress_seconds);
    if (g.clock->latest - g.last > std::chrono::seconds(horizon)) {
      close_group(slot);
      ++dropped;
    }
  }
  std::erase_if(marks_, [&](const auto& kv) {
    const auto h = hosts_.find(kv.second.host);
    // A host without threshold groups has no clock of its own: use the newest time seen.
    const SysTime latest = h == hosts_.end() ? newest_ : h->second.latest;
    return latest - kv.second.when > std::chrono::seconds(kv.second.within_seconds);
  });
  return dropped;
}

uint32_t Detector::open_group(size_t rule_index, const std::string& host, SysTime t) {
  if (index_.size() >= max_groups_) {
    close_group(oldest_);
    ++evicted_;
  }
  uint32_t slot = 0;
  if (!spare_.empty()) {
    slot = spare_.back();
    spare_.pop_back();
  } else {
    slot = static_cast<uint32_t>(slab_.size());
    slab_.emplace_back();
  }
  Group& g = slab_[slot];
  g.key.assign(key_);  // into the slot's own buffer: index_ views it from now on
  g.open = true;
  g.rule = rule_index;
  g.host.assign(host);
  g.times.clear();
  g.distinct.clear();
  g.evidence.clear();
  g.folded.clear();
  g.fired_window.reset();
  g.evidence_sent = 0;
  g.last = SysTime{};
  HostClock& hc = hosts_[host];
  ++hc.groups;
  hc.latest = std::max(hc.latest, t);
  g.clock = &hc;  // map values stay put: no lookup by name in the idle sweep
  index_.emplace(std::string_view(g.key), slot);
  link_newest(slot);
  return slot;
}

void Detector::close_group(uint32_t slot) {
  Group& g = slab_[slot];
  index_.erase(std::string_view(g.key));
  unlink(slot);
  const auto h = hosts_.find(g.host);
  if (h != hosts_.end() && --h->second.groups == 0) hosts_.erase(h);
  g.open = false;
  g.clock = nullptr;
  g.evidence.clear();  // kept envelopes are the bulk of a group: do not hold them in a spare
  spare_.push_back(slot);
}

void Detector::unlink(uint32_t slot) {
  Group& g = slab_[slot];
  (g.older == kNone ? oldest_ : slab_[g.older].newer) = g.newer;
  (g.newer == kNone ? newest_group_ : slab_[g.newer].older) = g.older;
  g.older = g.newer = kNone;
}

void Detector::link_newest(uint32_t slot) {
  Group& g = slab_[slot];
  g.older = newest_group_;
  g.newer = kNone;
  (newest_group_ == kNone ? oldest_ : slab_[newest_group_].newer) = slot;
  newest_group_ = slot;
}

}  // namespace soc
