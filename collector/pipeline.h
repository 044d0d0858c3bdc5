// The detect pipeline: consume soc.events → decode → match → store alerts → commit offsets.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "collector/collector_config.h"
#include "common/kafka.h"
#include "common/result.h"

namespace soc {

class AlertStore;
class Decoder;
class Detector;
class Engine;

struct PipelineCounters {
  uint64_t events = 0;
  uint64_t bad_events = 0;  // not a valid envelope: logged, counted, skipped
  uint64_t detections = 0;
  uint64_t batches = 0;
};

class Pipeline {
 public:
  // The engine and store must outlive the pipeline.
  static Result<std::unique_ptr<Pipeline>> create(const CollectorConfig& config,
                                                  const std::string& bootstrap,
                                                  const Engine& engine, AlertStore& store);
  ~Pipeline();

  // Runs until `stop`; returns an error when the store cannot be written (offsets are then left
  // uncommitted, so a restart replays those events).
  Status run(const std::atomic<bool>& stop);
  const PipelineCounters& counters() const { return counters_; }

  struct Key {
   private:
    friend class Pipeline;
    Key() = default;
  };
  Pipeline(Key, const CollectorConfig& config, const Engine& engine, AlertStore& store);

 private:
  Status process_batch(const std::atomic<bool>& stop);

  const CollectorConfig& config_;
  AlertStore& store_;
  std::unique_ptr<Decoder> decoder_;
  std::unique_ptr<Detector> detector_;
  KafkaHandle consumer_;
  PipelineCounters counters_;
};

}  // namespace soc
