#include "agent/agent.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <sys/stat.h>

#include <algorithm>
#include <chrono>

#include "agent/identity.h"
#include "agent/inputs/file_glob.h"
#include "agent/inputs/file_tail.h"
#include "agent/inputs/journald.h"
#include "agent/inputs/syslog_server.h"
#include "common/atomic_file.h"
#include "common/clock.h"

namespace soc {
namespace {

// Delivery tokens: a line's sequence number, or a spool record index / heartbeat with a tag bit.
constexpr uint64_t kSpoolToken = 1ull << 63;
constexpr uint64_t kHeartbeatToken = 1ull << 62;
constexpr size_t kMaxPollLines = 2048;
constexpr size_t kProbeWindow = 64;  // spool records offered to a Kafka that is not answering
// How often an `embedded:FILE` bootstrap file is checked for a new address (one stat call).
constexpr std::chrono::seconds kBootstrapCheckEvery{1};
constexpr int kPurgeWaitMs = 5000;  // for the old producer's purge reports at a reconnect

}  // namespace

Agent::FileStamp Agent::stamp_of(const struct stat& st) {
  return {st.st_dev, st.st_ino,
          static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec, st.st_size};
}

Agent::Agent(AgentConfig config, CheckpointStore checkpoints)
    : config_(std::move(config)), checkpoints_(std::move(checkpoints)) {}

Result<std::unique_ptr<Agent>> Agent::create(AgentConfig config) {
  if (auto st = make_dirs(config.state_dir); !st) return Error{st.error()};
  auto cps = CheckpointStore::open(config.state_dir);
  if (!cps) return Error{cps.error()};
  auto a = std::make_unique<Agent>(std::move(config), std::move(*cps));
  auto id = load_or_create_agent_id(a->config_.state_dir);
  if (!id) return Error{id.error()};
  a->agent_id_ = *id;
  a->host_ = a->config_.host.empty() ? local_host_name() : a->config_.host;
  a->started_ = std::chrono::steady_clock::now();
  a->writer_ = std::make_unique<EnvelopeWriter>(a->agent_id_, a->host_, a->config_.org);

  for (const auto& f : a->config_.files) {
    const auto flush = std::chrono::milliseconds(a->config_.partial_line_flush_ms);
    if (FileGlobInput::is_pattern(f.path)) {
      a->inputs_.push_back(std::make_unique<FileGlobInput>(f, a->config_.max_line_bytes, flush));
    } else {
      a->inputs_.push_back(std::make_unique<FileTail>(f, a->config_.max_line_bytes, flush));
    }
  }
  if (a->config_.journald) {
    a->inputs_.push_back(
        std::make_unique<JournaldInput>(*a->config_.journald, a->config_.max_line_bytes));
  }
  for (const auto& s : a->config_.syslog) {
    a->inputs_.push_back(std::make_unique<SyslogServer>(s, a->config_.max_line_bytes));
  }
  for (auto& in : a->inputs_) {
    if (auto st = in->start(a->checkpoints_); !st) return Error{st.error()};
  }

  if (a->config_.redaction) {
    auto r = Redactor::create(*a->config_.redaction);
    if (!r) return Error{r.error()};
    a->redactor_ = std::move(*r);
  }
  if (a->config_.spool.enabled) {
    SpoolConfig sc = a->config_.spool.spool;
    if (sc.dir.empty()) sc.dir = a->config_.state_dir + "/spool";
    auto sp = Spool::open(std::move(sc));
    if (!sp) return Error{"spool: " + sp.error()};
    a->spool_.emplace(std::move(*sp));
    // Lines left in the spool by an earlier run go out before anything read from now on.
    a->spooling_ = !a->spool_->empty();
  }
  if (!a->config_.metrics_listen.empty()) {
    auto m = MetricsServer::start(a->config_.metrics_listen);
    if (!m) return Error{m.error()};
    a->metrics_ = std::move(*m);
    spdlog::info("metrics on http://{}:{}/metrics",  // the bound port: listen may ask for 0
                 a->config_.metrics_listen.substr(0, a->config_.metrics_listen.rfind(':')),
                 a->metrics_->port());
  }

  a->bootstrap_file_ = embedded_bootstrap_file(a->config_.kafka.brokers);
  if (!a->bootstrap_file_.empty()) {
    struct stat st {};
    if (::stat(a->bootstrap_file_.c_str(), &st) == 0) a->bootstrap_stamp_ = stamp_of(st);
  }
  auto bootstrap = resolve_bootstrap(a->config_.kafka.brokers);
  if (!bootstrap) return Error{bootstrap.error()};
  auto shipper = a->make_shipper(*bootstrap);
  if (!shipper) return Error{shipper.error()};
  a->shipper_ = std::move(*shipper);
  a->bootstrap_ = *bootstrap;
  a->bootstrap_checked_ = std::chrono::steady_clock::now();
  spdlog::info("agent {} on host {} (org {}) shipping to {} topic {}", a->agent_id_, a->host_,
               a->config_.org, *bootstrap, a->config_.topic);
  return a;
}

Result<std::unique_ptr<Shipper>> Agent::make_shipper(const std::string& bootstrap) {
  return Shipper::create(bootstrap, config_.kafka.properties, config_.topic,
                         ShipperLimits{config_.max_in_flight, config_.max_in_flight_bytes},
                         [this](const Shipper::Report& r) { on_delivery(r); });
}

void Agent::watch_bootstrap(std::chrono::steady_clock::time_point now) {
  if (bootstrap_file_.empty() || now - bootstrap_checked_ < kBootstrapCheckEvery) return;
  bootstrap_checked_ = now;
  struct stat st {};
  if (::stat(bootstrap_file_.c_str(), &st) != 0) {
    // The collector is down (it removes the file when it stops): the producer keeps retrying the
    // old address and lines spool as in any outage, until a collector writes the file again.
    if (!bootstrap_missing_) {
      spdlog::warn("{} is gone (collector stopped?): still trying {} until it is written again",
                   bootstrap_file_, bootstrap_);
    }
    bootstrap_missing_ = true;
    return;
  }
  bootstrap_missing_ = false;
  const FileStamp stamp = stamp_of(st);
  if (bootstrap_stamp_ && *bootstrap_stamp_ == stamp) return;
  auto address = resolve_bootstrap(config_.kafka.brokers);
  if (!address) {
    // Half-written by hand, or unreadable: look again next time.
    spdlog::warn("cannot read the new broker address: {}", address.error());
    return;
  }
  bootstrap_stamp_ = stamp;
  if (*address != bootstrap_) reconnect(*address);
}

void Agent::reconnect(const std::string& bootstrap) {
  auto next = make_shipper(bootstrap);
  if (!next) {
    spdlog::error("cannot connect to the broker's new address {}: {}", bootstrap, next.error());
    bootstrap_stamp_.reset();  // try again at the next check
    return;
  }
  spdlog::info("the broker moved from {} to {}: reconnecting; {} messages in flight are sent again",
               bootstrap_, bootstrap, shipper_->in_flight());
  take_back(/*in_flight_too=*/true);
  if (shipper_->in_flight() > 0) {
    // Not expected: librdkafka reports every purged message. Those lines stay unacknowledged,
    // so their input checkpoints hold and a restart reads them again.
    spdlog::error("{} messages did not come back from the old producer", shipper_->in_flight());
  }
  const ShipperCounters& old = shipper_->counters();
  replaced_counters_.sent += old.sent;
  replaced_counters_.acked += old.acked;
  replaced_counters_.failed += old.failed;
  replaced_counters_.purged += old.purged;
  replaced_counters_.queue_full += old.queue_full;
  shipper_ = std::move(*next);  // the old producer is destroyed here, nothing left in it
  bootstrap_ = bootstrap;
  ++reconnects_;
  if (!spool_) {
    // No spool to hold them: what came back goes to the new producer directly, in order.
    std::sort(purged_.begin(), purged_.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [seq, payload] : purged_) {
      while (!shipper_->send(agent_id_, payload, seq)) shipper_->poll(50);
    }
    purged_.clear();
  }
}

ShipperCounters Agent::shipper_counters() const {
  ShipperCounters c = shipper_->counters();
  c.sent += replaced_counters_.sent;
  c.acked += replaced_counters_.acked;
  c.failed += replaced_counters_.failed;
  c.purged += replaced_counters_.purged;
  c.queue_full += replaced_counters_.queue_full;
  return c;
}

void Agent::ship(size_t input, const InputLine& line) {
  auto seq = checkpoints_.next_seq();
  if (!seq) {
    // Cannot number the line durably: stop before shipping anything that could be renumbered.
    fatal_ = seq.error();
    return;
  }
  std::string_view msg = line.text;
  if (redactor_ && redactor_->redact(msg, redacted_)) msg = redacted_;
  const std::string_view payload = writer_->build(*seq, line.src, msg, line.truncated, line.peer,
                                                  line.fields, std::chrono::system_clock::now());
  in_flight_.push_back(InFlight{*seq, static_cast<uint32_t>(input), LineState::kQueued});
  ++lines_read_;
  if (spooling_) {
    to_spool(*seq, payload);
    return;
  }
  while (!shipper_->send(agent_id_, payload, *seq)) shipper_->poll(50);  // queue full: wait
  ++lines_sent_;
}

void Agent::mark(uint64_t seq, LineState state) {
  // Sequence numbers grow in read order, so the in-flight queue is sorted by seq.
  auto it = std::lower_bound(in_flight_.begin(), in_flight_.end(), seq,
                             [](const InFlight& f, uint64_t s) { return f.seq < s; });
  if (it == in_flight_.end() || it->seq != seq) return;
  it->state = state;
  // The checkpoint advances only over a prefix that is entirely safe.
  while (!in_flight_.empty() && in_flight_.front().state == LineState::kSafe) {
    inputs_[in_flight_.front().input]->acknowledge_oldest();
    in_flight_.pop_front();
  }
}

void Agent::on_delivery(const Shipper::Report& r) {
  using O = Shipper::Outcome;
  if ((r.token & kHeartbeatToken) != 0) {
    if (r.outcome != O::kAcked) ++heartbeats_lost_;
    return;
  }
  if ((r.token & kSpoolToken) != 0) {
    const uint64_t index = r.token & ~kSpoolToken;
    if (r.outcome == O::kPurged) {
      if (collecting_purge_) {
        purged_spool_min_ = purged_spool_min_ == 0 ? index : std::min(purged_spool_min_, index);
      } else {
        spool_->rewind(index);
      }
      return;
    }
    if (r.outcome == O::kAcked) {
      ++lines_acked_;
    } else {
      ++dropped_delivery_;
      spdlog::error("a spooled line was refused by Kafka: {}", r.error);
    }
    spool_->acknowledge(index);
    return;
  }
  const uint64_t seq = r.token;
  if (r.outcome == O::kPurged) {
    purged_.emplace_back(seq, std::string(r.payload));
    return;
  }
  if (r.outcome == O::kAcked) {
    ++lines_acked_;
  } else {
    ++dropped_delivery_;
    spdlog::error("line seq {} was refused by Kafka: {}", seq, r.error);
  }
  mark(seq, LineState::kSafe);
}

void Agent::to_spool(uint64_t seq, std::string_view payload) {
  if (held_.empty() && spool_->append(payload) == Spool::Append::kOk) {
    ++lines_spooled_;
    unsynced_.push_back(seq);
    mark(seq, LineState::kUnsynced);
    return;
  }
  held_.push_back(Held{seq, std::string(payload)});
}

void Agent::enter_spooling(const char* why) {
  if (!spooling_) {
    spdlog::warn("{}: lines go to the disk spool {} until Kafka is back", why,
                 spool_->config().dir);
    ++spool_episodes_;
  }
  take_back(/*in_flight_too=*/false);
}

void Agent::take_back(bool in_flight_too) {
  // Lines inside librdkafka come back in order and move to the spool, ahead of anything read
  // from now on; spool records among them are simply read again later. Without a spool (only
  // for a reconnect) the caller sends purged_ to the new producer.
  if (spool_) spooling_ = true;
  collecting_purge_ = true;
  purged_spool_min_ = 0;
  if (in_flight_too) {
    shipper_->purge_all(kPurgeWaitMs);
  } else {
    shipper_->purge_queued();
  }
  collecting_purge_ = false;
  if (!spool_) return;
  if (purged_spool_min_ != 0) spool_->rewind(purged_spool_min_);
  std::sort(purged_.begin(), purged_.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [seq, payload] : purged_) to_spool(seq, payload);
  purged_.clear();
  purged_.shrink_to_fit();
}

void Agent::flush_held() {
  // A disk that refuses the spool while Kafka works again: what waits in memory goes directly,
  // in order (nothing on disk is ahead of it).
  if (sync_failing_ && spool_->synced_empty() && kafka_healthy(std::chrono::steady_clock::now())) {
    auto payloads = spool_->take_unsynced();
    for (size_t i = 0; i < payloads.size() && i < unsynced_.size(); ++i) {
      mark(unsynced_[i], LineState::kQueued);
      while (!shipper_->send(agent_id_, payloads[i], unsynced_[i])) shipper_->poll(50);
      ++lines_sent_;
    }
    unsynced_.clear();
    sync_failing_ = false;
  }
  while (!held_.empty()) {
    Held& h = held_.front();
    if (spool_->synced_empty() && spool_->unsynced() == 0 &&
        kafka_healthy(std::chrono::steady_clock::now())) {
      // The spool is unusable but Kafka works again: nothing is queued ahead of this line.
      if (!shipper_->send(agent_id_, h.payload, h.seq)) return;
      ++lines_sent_;
    } else if (spool_->append(h.payload) == Spool::Append::kOk) {
      ++lines_spooled_;
      unsynced_.push_back(h.seq);
      mark(h.seq, LineState::kUnsynced);
    } else {
      return;
    }
    held_.pop_front();
  }
}

void Agent::sync_spool() {
  if (spool_->unsynced() == 0) return;
  if (!spool_->sync()) {
    sync_failing_ = true;  // the records stay buffered and are written again next time
    return;
  }
  sync_failing_ = false;
  std::vector<uint64_t> done;
  done.swap(unsynced_);
  for (const uint64_t seq : done) mark(seq, LineState::kSafe);
}

bool Agent::kafka_healthy(std::chrono::steady_clock::time_point now) const {
  return now - shipper_->last_ack() < std::chrono::milliseconds(config_.spool.after_ms);
}

void Agent::drain_spool(std::chrono::steady_clock::time_point now) {
  const size_t window = kafka_healthy(now) ? config_.max_in_flight : kProbeWindow;
  while (shipper_->in_flight() < window &&
         shipper_->in_flight_bytes() < config_.max_in_flight_bytes) {
    const auto rec = spool_->read_next();
    if (!rec) break;
    while (!shipper_->send(agent_id_, rec->payload, kSpoolToken | rec->index)) shipper_->poll(50);
    ++lines_sent_;
  }
}

size_t Agent::read_room() const {
  if (!held_.empty() || sync_failing_) return 0;
  // Safe lines waiting behind an unacknowledged one: small entries, but bounded all the same.
  if (in_flight_.size() >= 4 * config_.max_in_flight) return 0;
  if (spooling_) {
    const auto& sc = spool_->config();
    if (sc.when_full == SpoolFullPolicy::kBlock && spool_->bytes() >= sc.max_bytes) return 0;
    return 512;
  }
  if (shipper_->in_flight() >= config_.max_in_flight ||
      shipper_->in_flight_bytes() >= config_.max_in_flight_bytes) {
    return 0;
  }
  // A batch may not overshoot the byte bound even if every line in it is as long as allowed.
  const size_t by_lines = config_.max_in_flight - shipper_->in_flight();
  const size_t by_bytes =
      (config_.max_in_flight_bytes - shipper_->in_flight_bytes()) / (config_.max_line_bytes + 256);
  return std::clamp<size_t>(std::min(by_lines, by_bytes), 1, kMaxPollLines);
}

void Agent::save_checkpoint() {
  for (const auto& in : inputs_) in->save(checkpoints_);
  if (auto st = checkpoints_.save(); !st) spdlog::error("checkpoint: {}", st.error());
  if (spool_) {
    if (auto st = spool_->save_cursor(); !st) spdlog::error("spool cursor: {}", st.error());
  }
}

AgentSnapshot Agent::snapshot() const {
  AgentSnapshot s;
  s.agent = agent_id_;
  s.host = host_;
  s.org = config_.org;
  s.version = SOC_VERSION;
  s.ts = format_rfc3339_local(std::chrono::system_clock::now());
  s.uptime_s =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_)
          .count();
  s.lines_read = lines_read_;
  s.lines_sent = lines_sent_;
  s.lines_acked = lines_acked_;
  s.lines_spooled = lines_spooled_;
  s.lines_redacted = redactor_ ? redactor_->lines_redacted() : 0;
  s.in_flight = shipper_->in_flight();
  s.in_flight_bytes = shipper_->in_flight_bytes();
  s.spooling = spooling_;
  s.dropped = {{"kafka_refused", dropped_delivery_}, {"spool_full", 0}};
  const ShipperCounters sh = shipper_counters();
  s.events = {{"heartbeats_lost", heartbeats_lost_},
              {"kafka_queue_full", sh.queue_full},
              {"kafka_purged", sh.purged},
              {"spool_episodes", spool_episodes_},
              {"kafka_reconnects", reconnects_}};
  if (spool_) {
    const auto& c = spool_->counters();
    s.spool_bytes = spool_->bytes();
    s.spool_segments = spool_->segments();
    s.dropped["spool_full"] = c.dropped_full;
    s.events["spool_torn_tails"] = c.torn_tails;
    s.events["spool_corrupt_skips"] = c.corrupt_skips;
    s.events["spool_write_errors"] = c.write_errors;
  }
  if (redactor_) {
    for (const auto& [kind, n] : redactor_->counts()) s.redactions[kind] = n;
    s.events["redaction_failed"] = redactor_->lines_failed();  // lines withheld, not shipped
  }
  for (const auto& in : inputs_) {
    for (auto& st : in->detailed_stats()) s.inputs.push_back(std::move(st));
  }
  return s;
}

void Agent::send_heartbeat() {
  const std::string json = heartbeat_json(snapshot());
  if (!shipper_->send(agent_id_, json, kHeartbeatToken, &config_.heartbeat_topic)) {
    ++heartbeats_lost_;
  }
}

void Agent::log_counters() const {
  std::map<std::string, uint64_t> totals;
  for (const auto& in : inputs_) {
    for (const auto& [name, value] : in->stats().counters) totals[name] += value;
  }
  std::string inputs;
  for (const auto& [name, value] : totals) inputs += fmt::format(" {}={}", name, value);
  spdlog::info(
      "counters:{} read={} sent={} acked={} spooled={} in_flight={} spool_bytes={} "
      "dropped_delivery={} dropped_spool_full={}",
      inputs, lines_read_, lines_sent_, lines_acked_, lines_spooled_, shipper_->in_flight(),
      spool_ ? spool_->bytes() : 0, dropped_delivery_,
      spool_ ? spool_->counters().dropped_full : 0);
}

Status Agent::run(const std::atomic<bool>& stop) {
  using Clock = std::chrono::steady_clock;
  auto last_save = Clock::now();
  auto last_stats = Clock::now();
  auto last_heartbeat = Clock::now() - std::chrono::hours(1);  // one at start
  const auto save_every = std::chrono::milliseconds(config_.checkpoint_interval_ms);
  const auto spool_after = std::chrono::milliseconds(config_.spool.after_ms);
  const auto heartbeat_every = std::chrono::milliseconds(config_.heartbeat_interval_ms);
  while (!stop.load() && fatal_.empty()) {
    auto now = Clock::now();
    watch_bootstrap(now);
    if (spool_) {
      // Kafka has left lines unanswered for too long: memory no longer covers it.
      if (!spooling_ && shipper_->stalled_for(now) >= spool_after) {
        enter_spooling("Kafka acknowledged nothing for a while");
      }
      flush_held();
      drain_spool(now);
    }
    size_t read = 0;
    for (size_t i = 0; i < inputs_.size() && fatal_.empty(); ++i) {
      // Backpressure: stop reading while too much is unacknowledged; memory stays bounded.
      const size_t room = read_room();
      if (room == 0) break;
      read += inputs_[i]->poll(room, [&](const InputLine& line) { ship(i, line); });
    }
    if (spool_) {
      sync_spool();
      if (spooling_ && held_.empty() && spool_->unsynced() == 0 && !spool_->has_unread() &&
          kafka_healthy(now)) {
        spdlog::info("Kafka is back and the spool is sent: shipping directly again");
        spooling_ = false;
      }
    }
    shipper_->poll(read > 0 ? 0 : static_cast<int>(config_.poll_interval_ms));
    if (const std::string fatal = shipper_->fatal_error(); !fatal.empty()) fatal_ = fatal;
    now = Clock::now();
    if (now - last_save >= save_every) {
      save_checkpoint();
      last_save = now;
    }
    if (config_.heartbeat_interval_ms > 0 && now - last_heartbeat >= heartbeat_every) {
      send_heartbeat();
      last_heartbeat = now;
    }
    if (metrics_) metrics_->serve([&] { return prometheus_text(snapshot()); });
    if (now - last_stats >= std::chrono::seconds(60)) {
      log_counters();
      last_stats = now;
    }
  }
  spdlog::info("stopping: waiting for {} lines in flight", shipper_->in_flight());
  shipper_->flush(spool_ ? 3000 : 10000);
  shipper_->poll(0);
  if (spool_ && shipper_->in_flight() > 0) {
    // Kafka is not answering: what librdkafka still queues is kept on disk instead.
    enter_spooling("stopping while Kafka is unreachable");
    flush_held();
    sync_spool();
  }
  save_checkpoint();
  log_counters();
  if (!fatal_.empty()) return Error{"Kafka: " + fatal_};
  return Ok{};
}

}  // namespace soc
