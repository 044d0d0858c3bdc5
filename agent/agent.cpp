#include "agent/agent.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "agent/identity.h"
#include "agent/inputs/file_tail.h"
#include "common/atomic_file.h"
#include "common/clock.h"
#include "common/envelope.h"

namespace soc {

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

  for (const auto& f : a->config_.files) {
    a->inputs_.push_back(std::make_unique<FileTail>(
        f, a->config_.max_line_bytes, std::chrono::milliseconds(a->config_.partial_line_flush_ms)));
  }
  for (auto& in : a->inputs_) {
    if (auto st = in->start(a->checkpoints_); !st) return Error{st.error()};
  }

  auto bootstrap = resolve_bootstrap(a->config_.kafka.brokers);
  if (!bootstrap) return Error{bootstrap.error()};
  Agent* self = a.get();
  auto shipper = Shipper::create(
      *bootstrap, a->config_.kafka.properties, a->config_.topic, a->config_.max_in_flight,
      [self](uint64_t seq, bool ok, std::string_view err) { self->on_delivery(seq, ok, err); });
  if (!shipper) return Error{shipper.error()};
  a->shipper_ = std::move(*shipper);
  spdlog::info("agent {} on host {} (org {}) shipping to {} topic {}", a->agent_id_, a->host_,
               a->config_.org, *bootstrap, a->config_.topic);
  return a;
}

void Agent::ship(size_t input, const InputLine& line) {
  auto seq = checkpoints_.next_seq();
  if (!seq) {
    // Cannot number the line durably: stop before shipping anything that could be renumbered.
    fatal_ = seq.error();
    return;
  }
  Envelope e;
  e.agent = agent_id_;
  e.host = host_;
  e.org = config_.org;
  e.src = std::string(line.src);
  e.seq = *seq;
  e.ts = format_rfc3339_local(std::chrono::system_clock::now());
  e.msg = std::string(line.text);
  e.trunc = line.truncated;
  in_flight_.push_back(InFlight{*seq, input, false});
  const std::string payload = to_json(e);
  while (!shipper_->send(agent_id_, payload, *seq)) shipper_->poll(50);  // queue full: wait
}

void Agent::on_delivery(uint64_t seq, bool ok, std::string_view error) {
  if (!ok) {
    ++dropped_delivery_;
    spdlog::error("line seq {} was refused by Kafka: {}", seq, error);
  }
  // Sequence numbers grow in production order, so the in-flight queue is sorted by seq.
  auto it = std::lower_bound(in_flight_.begin(), in_flight_.end(), seq,
                             [](const InFlight& f, uint64_t s) { return f.seq < s; });
  if (it != in_flight_.end() && it->seq == seq) it->done = true;
  // The checkpoint advances only over a prefix that is entirely acknowledged.
  while (!in_flight_.empty() && in_flight_.front().done) {
    inputs_[in_flight_.front().input]->acknowledge_oldest();
    in_flight_.pop_front();
  }
}

void Agent::save_checkpoint() {
  for (const auto& in : inputs_) in->save(checkpoints_);
  if (auto st = checkpoints_.save(); !st) spdlog::error("checkpoint: {}", st.error());
}

void Agent::log_counters() const {
  std::map<std::string, uint64_t> totals;
  for (const auto& in : inputs_) {
    for (const auto& [name, value] : in->stats().counters) totals[name] += value;
  }
  std::string inputs;
  for (const auto& [name, value] : totals) inputs += fmt::format(" {}={}", name, value);
  const auto& s = shipper_->counters();
  spdlog::info("counters:{} sent={} acked={} in_flight={} dropped_delivery={}", inputs, s.sent,
               s.acked, shipper_->in_flight(), dropped_delivery_);
}

Status Agent::run(const std::atomic<bool>& stop) {
  using Clock = std::chrono::steady_clock;
  auto last_save = Clock::now();
  auto last_stats = Clock::now();
  const auto save_every = std::chrono::milliseconds(config_.checkpoint_interval_ms);
  while (!stop.load() && fatal_.empty()) {
    size_t read = 0;
    for (size_t i = 0; i < inputs_.size(); ++i) {
      // Backpressure: stop reading while too much is unacknowledged; memory stays bounded.
      const size_t room =
          config_.max_in_flight - std::min(config_.max_in_flight, in_flight_.size());
      if (room == 0) break;
      read += inputs_[i]->poll(std::min<size_t>(room, 2048),
                               [&](const InputLine& line) { ship(i, line); });
    }
    shipper_->poll(read > 0 ? 0 : static_cast<int>(config_.poll_interval_ms));
    if (const std::string fatal = shipper_->fatal_error(); !fatal.empty()) fatal_ = fatal;
    const auto now = Clock::now();
    if (now - last_save >= save_every) {
      save_checkpoint();
      last_save = now;
    }
    if (now - last_stats >= std::chrono::seconds(60)) {
      log_counters();
      last_stats = now;
    }
  }
  spdlog::info("stopping: waiting for {} lines in flight", shipper_->in_flight());
  shipper_->flush(10000);
  shipper_->poll(0);
  save_checkpoint();
  log_counters();
  if (!fatal_.empty()) return Error{"Kafka: " + fatal_};
  return Ok{};
}

}  // namespace soc
