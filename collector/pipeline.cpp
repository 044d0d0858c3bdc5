#include "collector/pipeline.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <map>
#include <vector>

#include "collector/decode/decoder.h"
#include "collector/decode/envelope_reader.h"
#include "collector/detect/detector.h"
#include "collector/detect/engine.h"
#include "collector/store/alert_store.h"

namespace soc {

Pipeline::Pipeline(Key, const CollectorConfig& config, std::unique_ptr<Decoder> decoder,
                   std::unique_ptr<Engine> engine, AlertStore& store)
    : topic_(config.topic),
      batch_max_(config.batch_max),
      store_(store),
      decoder_(std::move(decoder)),
      engine_(std::move(engine)),
      detector_(std::make_unique<Detector>(*engine_)) {}

Pipeline::~Pipeline() {
  if (consumer_) rd_kafka_consumer_close(consumer_.get());
}

Result<std::unique_ptr<Pipeline>> Pipeline::create(const CollectorConfig& config,
                                                   const std::string& bootstrap,
                                                   std::unique_ptr<Decoder> decoder,
                                                   std::unique_ptr<Engine> engine,
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
  auto conf = make_kafka_conf(props);
  if (!conf) return Error{conf.error()};
  route_kafka_logs(conf->get());
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
      if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        spdlog::warn("consumer: {}", rd_kafka_message_errstr(m.get()));
      }
      continue;
    }
    batch.push_back(std::move(m));
  }
  if (batch.empty()) return Ok{};

  std::vector<Detection> detections;
  Event event;
  for (const auto& m : batch) {
    const std::string_view value(static_cast<const char*>(m->payload), m->len);
    auto env = parse_envelope(value);
    ++counters_.events;
    if (!env) {
      ++counters_.bad_events;
      spdlog::warn("{} [{}] offset {}: bad event skipped: {}", topic_, m->partition, m->offset,
                   env.error());
      continue;
    }
    event.env = std::move(*env);
    event.fields.clear();
    decoder_->decode(event);
    if (assembler_.take(event)) {
      detect_ready(detections);  // audit records wait to be joined into their event
      continue;
    }
    for (auto& d : detector_->process(event)) detections.push_back(std::move(d));
  }
  // An audit event is never split across the batch's commit: what is pending is complete enough.
  assembler_.flush();
  detect_ready(detections);
  if (!detections.empty()) {
    if (auto st = store_.apply(detections); !st) return Error{"alert store: " + st.error()};
    counters_.detections += detections.size();
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

void Pipeline::detect_ready(std::vector<Detection>& detections) {
  for (const Event& e : assembler_.ready()) {
    for (auto& d : detector_->process(e)) detections.push_back(std::move(d));
  }
  assembler_.recycle();
}

void Pipeline::replace_decoder(std::unique_ptr<Decoder> decoder) {
  decoder_ = std::move(decoder);
}

void Pipeline::replace_engine(std::unique_ptr<Engine> engine) {
  evicted_before_ += detector_->evicted_groups();
  // The new detector first, then the old one goes before the engine it refers to.
  auto detector = std::make_unique<Detector>(*engine);
  detector_ = std::move(detector);
  engine_ = std::move(engine);
}

uint64_t Pipeline::evicted_groups() const {
  return evicted_before_ + detector_->evicted_groups();
}

Status Pipeline::run(const std::atomic<bool>& stop, std::atomic<bool>* reload,
                     const ReloadHook& on_reload) {
  auto last_stats = std::chrono::steady_clock::now();
  while (!stop.load()) {
    // process_batch() returns only after the batch's alerts are durable and its offsets
    // committed, so here no event is in flight and the engine can change.
    if (auto st = process_batch(stop); !st) return st;
    if (reload != nullptr && reload->exchange(false) && on_reload) on_reload(*this);
    const auto now = std::chrono::steady_clock::now();
    if (now - last_stats >= std::chrono::seconds(60)) {
      spdlog::info("counters: events={} bad_events={} detections={} evicted_groups={}",
                   counters_.events, counters_.bad_events, counters_.detections, evicted_groups());
      last_stats = now;
    }
  }
  spdlog::info("counters: events={} bad_events={} detections={}", counters_.events,
               counters_.bad_events, counters_.detections);
  return Ok{};
}

}  // namespace soc
