#include "collector/pipeline.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <thread>
#include <vector>

#include "collector/decode/envelope_reader.h"
#include "collector/group_members.h"
#include "collector/pipeline_loss.h"
#include "collector/store/alert_store.h"
#include "common/printable.h"

namespace soc {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kHealthInterval = std::chrono::seconds(10);
constexpr auto kGroupInterval = std::chrono::seconds(60);
constexpr auto kCountersInterval = std::chrono::seconds(60);
constexpr auto kStallAfter = std::chrono::seconds(60);
constexpr int kKafkaQueryTimeoutMs = 2000;

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

// "[0,3,7]", as partitions are named in our log lines.
std::string partition_list(const std::vector<int32_t>& parts) {
  return fmt::format("[{}]", fmt::join(parts, ","));
}

std::string partition_list(const rd_kafka_topic_partition_list_t* parts) {
  std::vector<int32_t> numbers;
  for (int i = 0; parts != nullptr && i < parts->cnt; ++i)
    numbers.push_back(parts->elems[i].partition);
  return partition_list(numbers);
}

// Consumer buffers: librdkafka's defaults let one consumer hold up to 64 MiB prefetched and fetch
// 50 MiB at a time; the collector handles one batch at a time and needs far less. A property set
// in kafka.properties wins.
const std::map<std::string, std::string> kConsumerBufferDefaults = {
    {"queued.max.messages.kbytes", "16384"},
    {"fetch.max.bytes", "16777216"},
    {"max.partition.fetch.bytes", "1048576"},
};

}  // namespace

Pipeline::Pipeline(Key, const CollectorConfig& config, Decoder decoder,
                   std::shared_ptr<const Engine> engine, AlertStore& store)
    : topic_(config.topic),
      batch_max_(config.batch_max),
      store_(store),
      chain_(std::move(decoder), std::move(engine), 100000, config.audit_processes),
      group_(config.group),
      embedded_(config.kafka.brokers == "embedded"),
      embedded_partitions_(config.embedded_partitions),
      host_(host_name()),
      offsets_(kStallAfter),
      bad_event_log_(5, std::chrono::seconds(60)),
      unassigned_since_(Clock::now()) {}

Pipeline::~Pipeline() {
  if (consumer_ && !closed_) rd_kafka_consumer_close(consumer_.get());
}

bool Pipeline::close(std::chrono::milliseconds deadline) {
  if (!consumer_ || closed_) return true;
  auto done = std::make_shared<std::promise<void>>();
  auto closed = done->get_future();
  rd_kafka_t* rk = consumer_.get();
  std::thread([rk, done] {
    rd_kafka_consumer_close(rk);
    done->set_value();
  }).detach();
  if (closed.wait_for(deadline) != std::future_status::ready) {
    (void)consumer_.release();  // still in use by the closing thread
    return false;
  }
  closed_ = true;
  return true;
}

Result<std::unique_ptr<Pipeline>> Pipeline::create(const CollectorConfig& config,
                                                   const std::string& bootstrap, Decoder decoder,
                                                   std::shared_ptr<const Engine> engine,
                                                   AlertStore& store) {
  auto p = std::make_unique<Pipeline>(Key{}, config, std::move(decoder), std::move(engine), store);
  std::map<std::string, std::string> props = config.kafka.properties;
  props["bootstrap.servers"] = bootstrap;
  props["group.id"] = config.group;
  props["client.id"] = "soc-collector";
  props["auto.offset.reset"] = "earliest";
  // A restart resumes within seconds (docs/sysadmin-guide.md, "Restarting a collector"): a
  // static member gets its partitions back without a rebalance, and a crashed member is given up
  // after 6 s (a broker's default group.min.session.timeout.ms) instead of librdkafka's 45 s.
  // Properties set in the config win.
  if (!config.instance_id.empty()) props.emplace("group.instance.id", config.instance_id);
  props.emplace("session.timeout.ms", "6000");
  props.emplace("heartbeat.interval.ms", "2000");
  // Offsets are committed by hand, only after the alerts derived from them are durable.
  props["enable.auto.commit"] = "false";
  props["enable.auto.offset.store"] = "false";
  for (const auto& [k, v] : kConsumerBufferDefaults) props.emplace(k, v);
  auto conf = make_kafka_conf(props);
  if (!conf) return Error{conf.error()};
  // librdkafka's own log, plus a count of the position resets it reports there (with
  // auto.offset.reset=earliest no error event is raised for them).
  rd_kafka_conf_set_log_cb(
      conf->get(), [](const rd_kafka_t* rk, int level, const char* fac, const char* buf) {
        if (std::string_view(fac) == "OFFSET" &&
            std::string_view(buf).find("offset reset") != std::string_view::npos) {
          static_cast<Pipeline*>(rd_kafka_opaque(rk))->counters_.offset_resets.inc();
        }
        log_kafka_line(level, fac, buf);
      });
  // Partitions assigned and revoked go through us: we note where each one stands, and who else
  // is in the group.
  rd_kafka_conf_set_opaque(conf->get(), p.get());
  rd_kafka_conf_set_rebalance_cb(
      conf->get(),
      [](rd_kafka_t*, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions,
         void* opaque) { static_cast<Pipeline*>(opaque)->on_rebalance(err, partitions); });
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf->get(), err, sizeof err);
  if (rk == nullptr) return Error{fmt::format("cannot create Kafka consumer: {}", err)};
  conf->release();
  p->consumer_.reset(rk);
  rd_kafka_poll_set_consumer(rk);
  KafkaPartitions topics(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(topics.get(), config.topic.c_str(), RD_KAFKA_PARTITION_UA);
  if (const auto e = rd_kafka_subscribe(rk, topics.get())) {
    return Error{fmt::format("cannot subscribe to {}: {}", config.topic, rd_kafka_err2str(e))};
  }
  spdlog::info("consuming {} from {} as group {}", config.topic, bootstrap, config.group);
  return p;
}

Status Pipeline::process_batch(const std::atomic<bool>& stop) {
  std::vector<KafkaMessage> batch;
  batch.reserve(batch_max_);
  // Wait for the first message, then take what arrives quickly, up to batch_max.
  int wait_ms = 200;
  while (batch.size() < batch_max_ && !stop.load()) {
    KafkaMessage m(rd_kafka_consumer_poll(consumer_.get(), wait_ms));
    if (!m) break;
    wait_ms = 5;
    if (m->err) {
      if (m->err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET) ++counters_.offset_resets;
      if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        spdlog::warn("consumer: {}", printable_bounded(rd_kafka_message_errstr(m.get()), 512));
      }
      continue;
    }
    // A jump in offsets is events that were never delivered to us.
    if (auto gap = offsets_.consumed(m->partition, m->offset, Clock::now())) record_loss(*gap);
    batch.push_back(std::move(m));
  }
  if (batch.empty()) return store_losses();
  counters_.batch_events.observe(static_cast<double>(batch.size()));

  std::vector<Detection> detections;
  const auto collect = [&detections](const Event&, std::vector<Detection>& raised) {
    for (auto& d : raised) detections.push_back(std::move(d));
  };
  Event event;
  for (const auto& m : batch) {
    const std::string_view value(static_cast<const char*>(m->payload), m->len);
    auto env = parse_envelope(value);
    ++counters_.events;
    if (!env) {
      ++counters_.bad_events;
      // The error may quote the event (a key): escaped and bounded, and at most a few a minute.
      const auto admitted = bad_event_log_.admit();
      if (admitted.suppressed > 0) {
        spdlog::warn("{} more bad events were not logged (see bad_events in the counters)",
                     admitted.suppressed);
      }
      if (admitted.log) {
        spdlog::warn("{} [{}] offset {}: bad event skipped: {}", topic_, m->partition, m->offset,
                     printable_bounded(env.error(), 512));
      }
      continue;
    }
    event.env = std::move(*env);
    event.fields.clear();
    chain_.push(event, collect);  // audit records wait there to be joined into their event
  }
  // An audit event is never split across the batch's commit: what is pending is complete enough.
  chain_.flush(collect);
  const size_t found = detections.size();
  for (auto& d : losses_) detections.push_back(std::move(d));
  losses_.clear();
  if (!detections.empty()) {
    if (auto st = store_.apply(detections); !st) return Error{"alert store: " + st.error()};
    counters_.detections += found;
    counters_.count_detections(detections, found);
  }
  // Durable: now the offsets may move past these events.
  std::map<int32_t, int64_t> next_offset;  // per partition of our one topic
  for (const auto& m : batch) {
    auto& next = next_offset[m->partition];
    next = std::max(next, m->offset + 1);
  }
  KafkaPartitions offsets(rd_kafka_topic_partition_list_new(static_cast<int>(next_offset.size())));
  for (const auto& [partition, next] : next_offset) {
    rd_kafka_topic_partition_list_add(offsets.get(), topic_.c_str(), partition)->offset = next;
  }
  if (const auto e = rd_kafka_commit(consumer_.get(), offsets.get(), 0)) {
    // Not fatal: the events are replayed after a restart and fold into the same alerts.
    spdlog::warn("offset commit failed: {}", rd_kafka_err2str(e));
  }
  ++counters_.batches;
  return Ok{};
}

void Pipeline::record_loss(const OffsetGap& gap) {
  counters_.lost_events += gap.events();
  spdlog::error("{} [{}] offsets {}..{}: {} events lost before detection: {} (pipeline-loss alert)",
                topic_, gap.partition, gap.first, gap.last, gap.events(), gap.cause);
  losses_.push_back(make_pipeline_loss(topic_, gap, host_, std::chrono::system_clock::now()));
}

void Pipeline::on_rebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions) {
  rd_kafka_t* rk = consumer_.get();
  const bool cooperative = std::string_view(rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE";
  const auto now = Clock::now();
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    // Where the group stands on each partition, to tell what others committed while it was not
    // ours.
    KafkaPartitions committed(rd_kafka_topic_partition_list_copy(partitions));
    const bool known = rd_kafka_committed(rk, committed.get(), kKafkaQueryTimeoutMs) == 0;
    for (int i = 0; i < committed->cnt; ++i) {
      const auto& tp = committed->elems[i];
      const int64_t at = known && tp.err == 0 ? tp.offset : -1;
      if (auto gap = offsets_.assign(tp.partition, at, now)) record_loss(*gap);
    }
    spdlog::info("group {}: assigned partitions {} of {}", group_, partition_list(partitions),
                 topic_);
    if (cooperative) {
      if (auto* e = rd_kafka_incremental_assign(rk, partitions)) rd_kafka_error_destroy(e);
    } else {
      rd_kafka_assign(rk, partitions);
    }
    rebalanced_ = true;
  } else {
    if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
      spdlog::warn("group {}: partitions {} of {} revoked (a member joined or left the group)",
                   group_, partition_list(partitions), topic_);
    } else {
      spdlog::error("group {}: rebalance failed: {}", group_, rd_kafka_err2str(err));
    }
    for (int i = 0; partitions != nullptr && i < partitions->cnt; ++i) {
      offsets_.revoke(partitions->elems[i].partition);
    }
    if (cooperative) {
      if (auto* e = rd_kafka_incremental_unassign(rk, partitions)) rd_kafka_error_destroy(e);
    } else {
      rd_kafka_assign(rk, nullptr);
    }
  }
}

void Pipeline::check_embedded_assignment() {
  rd_kafka_topic_partition_list_t* raw = nullptr;
  if (rd_kafka_assignment(consumer_.get(), &raw) != 0) return;
  const KafkaPartitions assignment(raw);
  // Nothing assigned: a rebalance in progress, not a verdict (check_health reports a long one).
  if (assignment->cnt == 0) return;
  std::vector<bool> ours(static_cast<size_t>(embedded_partitions_), false);
  for (int i = 0; i < assignment->cnt; ++i) {
    const int32_t p = assignment->elems[i].partition;
    if (p >= 0 && p < embedded_partitions_) ours[static_cast<size_t>(p)] = true;
  }
  std::vector<int32_t> others;
  for (int32_t p = 0; p < embedded_partitions_; ++p) {
    if (!ours[static_cast<size_t>(p)]) others.push_back(p);
  }
  for (const int32_t p : others) offsets_.mark_foreign(p);
  if (others == strangers_hold_) return;
  strangers_hold_ = others;
  if (others.empty()) {
    spdlog::info("group {}: all partitions of {} are this collector's again", group_, topic_);
    return;
  }
  ++counters_.foreign_members;
  spdlog::warn(
      "group {}: partitions {} of {} were taken by another member of the group; with the "
      "embedded broker that is not a soc-collector (any local user can join): events it reads "
      "are not detected and offsets it commits are counted as lost",
      group_, partition_list(others), topic_);
}

void Pipeline::check_group_members() {
  if (embedded_) return check_embedded_assignment();
  auto members = list_group_members(consumer_.get(), group_, topic_, kKafkaQueryTimeoutMs);
  if (!members) {
    // A real cluster may deny DescribeGroups to the collector's principal: not an alarm.
    spdlog::debug("{}", members.error());
    return;
  }
  std::vector<std::string> foreign;
  for (const auto& m : *members) {
    if (m.client_id == kCollectorClientId) continue;
    foreign.push_back(m.member_id);
    for (const int32_t p : m.partitions) offsets_.mark_foreign(p);
    if (std::find(foreign_seen_.begin(), foreign_seen_.end(), m.member_id) != foreign_seen_.end()) {
      continue;  // reported when it joined
    }
    ++counters_.foreign_members;
    spdlog::warn(
        "group {}: member {} (client.id '{}', from {}) is not a soc-collector and holds partitions "
        "{} of {}: events it reads are not detected and offsets it commits are skipped",
        group_, printable_bounded(m.member_id, 128), printable_bounded(m.client_id, 128),
        printable_bounded(m.client_host, 128), partition_list(m.partitions), topic_);
  }
  foreign_seen_ = std::move(foreign);
}

Status Pipeline::check_health(bool check_group) {
  if (check_group || rebalanced_) {
    rebalanced_ = false;
    check_group_members();
  }
  const auto now = Clock::now();
  KafkaPartitions assignment;
  {
    rd_kafka_topic_partition_list_t* raw = nullptr;
    if (rd_kafka_assignment(consumer_.get(), &raw) != 0) return Ok{};
    assignment.reset(raw);
  }
  if (assignment->cnt == 0) {
    if (!unassigned_reported_ && now - unassigned_since_ >= kStallAfter) {
      unassigned_reported_ = true;
      ++counters_.stalls;
      spdlog::warn("group {}: no partition of {} assigned to this collector for {} s", group_,
                   topic_, kStallAfter.count());
    }
  } else {
    unassigned_since_ = now;
    unassigned_reported_ = false;
  }
  for (int i = 0; i < assignment->cnt; ++i) {
    const int32_t partition = assignment->elems[i].partition;
    int64_t low = -1;
    int64_t high = -1;
    // The watermarks the consumer's own fetches brought back (FetchResponse carries the log start
    // offset): no request, so this never blocks. rd_kafka_query_watermark_offsets() did, past its
    // timeout, for as long as every broker was down, and the loop stopped answering SIGTERM.
    if (rd_kafka_get_watermark_offsets(consumer_.get(), topic_.c_str(), partition, &low, &high) !=
            0 ||
        low < 0 || high < 0) {
      continue;
    }
    if (auto gap = offsets_.watermarks(partition, low, high, now)) record_loss(*gap);
    int64_t unread = 0;
    if (offsets_.stalled(partition, now, &unread)) {
      ++counters_.stalls;
      spdlog::warn("{} [{}]: {} events waiting and none received for {} s: consumer stalled",
                   topic_, partition, unread, kStallAfter.count());
    }
  }
  if (const uint64_t n = bad_event_log_.take_suppressed(); n > 0) {
    spdlog::warn("{} more bad events were not logged (see bad_events in the counters)", n);
  }
  return store_losses();
}

Result<uint64_t> Pipeline::drain(std::chrono::milliseconds deadline) {
  const std::atomic<bool> go_on{false};
  const uint64_t before = counters_.events.value();
  const auto until = Clock::now() + deadline;
  // Three empty polls in a row (about 200 ms each): the broker has nothing more for us.
  for (int empty = 0; empty < 3 && Clock::now() < until;) {
    const uint64_t seen = counters_.events.value() + counters_.bad_events.value();
    if (auto st = process_batch(go_on); !st) return st.failure();
    empty = counters_.events.value() + counters_.bad_events.value() == seen ? empty + 1 : 0;
  }
  return counters_.events.value() - before;
}

Status Pipeline::store_losses() {
  if (losses_.empty()) return Ok{};
  if (auto st = store_.apply(losses_); !st) return Error{"alert store: " + st.error()};
  losses_.clear();
  return Ok{};
}

void Pipeline::log_counters() {
  // Totals over the process's life: detectors and decoders replaced on reload hand theirs on.
  const auto decoders = chain_.user_decoder_stats();
  counters_.evicted_groups.set_total(chain_.evicted_groups());
  counters_.future_events.set_total(chain_.future_events());
  counters_.user_decoder_slow.set_total(decoders.slow);
  counters_.user_decoder_disabled.set_total(decoders.disabled);
  const auto& c = counters_;
  const auto& processes = chain_.processes();
  spdlog::info(
      "counters: events={} bad_events={} detections={} evicted_groups={} lost_events={} "
      "offset_resets={} foreign_members={} stalls={} future_events={} user_decoder_slow={} "
      "user_decoder_disabled={} audit_processes={} audit_process_evictions={} "
      "audit_host_evictions={}",
      c.events.value(), c.bad_events.value(), c.detections.value(), c.evicted_groups.value(),
      c.lost_events.value(), c.offset_resets.value(), c.foreign_members.value(), c.stalls.value(),
      c.future_events.value(), c.user_decoder_slow.value(), c.user_decoder_disabled.value(),
      processes.size(), processes.evicted(), processes.hosts_evicted());
  // Everything, by rule and severity included, as the API's /metrics will serve it.
  spdlog::info("metrics: {}", c.registry.compact_text());
}

Status Pipeline::run(const std::atomic<bool>& stop, std::atomic<bool>* reload,
                     const ReloadHook& on_reload) {
  auto last_stats = Clock::now();
  auto last_health = last_stats;
  auto last_group = last_stats;
  while (!stop.load()) {
    // process_batch() returns only after the batch's alerts are durable and its offsets
    // committed, so here no event is in flight and the engine can change.
    if (auto st = process_batch(stop); !st) return st;
    if (reload != nullptr && reload->exchange(false) && on_reload) on_reload(*this);
    const auto now = Clock::now();
    if (rebalanced_ || now - last_health >= kHealthInterval) {
      const bool group_due = now - last_group >= kGroupInterval;
      if (group_due || rebalanced_) last_group = now;
      if (auto st = check_health(group_due); !st) return st;
      last_health = now;
    }
    if (now - last_stats >= kCountersInterval) {
      log_counters();
      last_stats = now;
    }
  }
  log_counters();
  return Ok{};
}

}  // namespace soc
