// The detect pipeline: consume soc.events → decode → match → store alerts → commit offsets.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "collector/collector_config.h"
#include "collector/collector_metrics.h"
#include "collector/detect/detect_chain.h"
#include "collector/model/detection.h"
#include "collector/offset_tracker.h"
#include "common/kafka.h"
#include "common/rate_limited_log.h"
#include "common/result.h"

namespace soc {

class AlertStore;

// The pipeline's counters live in the collector's metrics registry (collector_metrics.h).
using PipelineCounters = CollectorMetrics;

class Pipeline {
 public:
  // The store must outlive the pipeline.
  static Result<std::unique_ptr<Pipeline>> create(const CollectorConfig& config,
                                                  const std::string& bootstrap, Decoder decoder,
                                                  std::shared_ptr<const Engine> engine,
                                                  AlertStore& store);
  ~Pipeline();

  // Leaves the consumer group, waiting at most `deadline`. rd_kafka_consumer_close() waits for the
  // group coordinator, which never answers when every broker is gone; a SIGTERM must still stop
  // the collector. False when the deadline passed: the close goes on in another thread that may
  // still call into this pipeline, so the caller must not destroy it and should exit the process
  // (nothing is lost: offsets are committed only for events whose alerts are stored).
  bool close(std::chrono::milliseconds deadline);
  // Detects on and stores what the (embedded) broker still holds, until polls come back empty
  // or `deadline` passes: with the embedded broker refusing new events, a SIGTERM then loses no
  // event the agents were told was delivered. Returns the events drained.
  Result<uint64_t> drain(std::chrono::milliseconds deadline);

  // Called by run() between two batches when a reload was requested; it may call
  // replace_engine() and set_batch_max().
  using ReloadHook = std::function<void(Pipeline&)>;

  // Runs until `stop`; returns an error when the store cannot be written (offsets are then left
  // uncommitted, so a restart replays those events). When `reload` becomes true, run() clears it
  // once the batch in progress is stored and its offsets committed, then calls `on_reload`: no
  // event is half-processed across a rule change.
  Status run(const std::atomic<bool>& stop, std::atomic<bool>* reload = nullptr,
             const ReloadHook& on_reload = {});

  // Swaps in a new rule engine for the next batch. The detector is rebuilt, so threshold state
  // (partial counts, which windows already fired) starts afresh; see docs/architecture.md.
  void replace_engine(std::shared_ptr<const Engine> engine) {
    chain_.replace_engine(std::move(engine));
  }
  void replace_decoder(Decoder decoder) { chain_.replace_decoder(std::move(decoder)); }
  const Engine& engine() const { return chain_.engine(); }
  void set_batch_max(size_t n) { batch_max_ = n; }

  const PipelineCounters& counters() const { return counters_; }

  // librdkafka's rebalance callback (public for the C callback; not for other callers).
  void on_rebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions);

  struct Key {
   private:
    friend class Pipeline;
    Key() = default;
  };
  Pipeline(Key, const CollectorConfig& config, Decoder decoder,
           std::shared_ptr<const Engine> engine, AlertStore& store);

 private:
  Status process_batch(const std::atomic<bool>& stop);
  // Counts, logs and queues the pipeline-loss alert of a gap.
  void record_loss(const OffsetGap& gap);
  // Stores the pipeline-loss alerts noted since the last batch (also between batches).
  Status store_losses();
  // Between batches: watermarks (trimmed or stalled partitions) and group membership.
  Status check_health(bool check_group);
  void check_group_members();
  void check_embedded_assignment();
  void log_counters();

  const std::string topic_;
  size_t batch_max_;
  AlertStore& store_;
  DetectChain chain_;  // its audit assembler is empty between batches
  KafkaHandle consumer_;
  bool closed_ = false;  // close() left the group
  PipelineCounters counters_;
  const std::string group_;
  // Embedded broker: this collector is the group's only legitimate member (the broker lives in
  // this process), so a partition of the topic not assigned to us is held by a stranger.
  const bool embedded_;
  const int embedded_partitions_;
  std::vector<int32_t> strangers_hold_;  // partitions last reported held by a stranger
  std::string host_;                     // this collector's host name, for pipeline-loss alerts
  OffsetTracker offsets_;
  std::vector<Detection> losses_;  // pipeline-loss detections not stored yet
  RateLimitedLog bad_event_log_;
  bool rebalanced_ = false;                // a new assignment: look at the group's members
  std::vector<std::string> foreign_seen_;  // member ids already reported
  std::chrono::steady_clock::time_point unassigned_since_;
  bool unassigned_reported_ = false;
};

}  // namespace soc
