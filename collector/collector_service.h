// The running collector: the alert store, the embedded broker when configured, and the pipeline
// from Kafka to the store, from start to a clean (or, when Kafka does not answer, a bounded) stop.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>

#include "collector/collector_config.h"
#include "collector/decode/decoder.h"
#include "collector/detect/engine.h"
#include "collector/pipeline.h"

namespace soc {

class CollectorService {
 public:
  // How long a stop waits for Kafka to let the consumer leave its group.
  static constexpr std::chrono::milliseconds kConsumerCloseDeadline{10000};
  // How long a stop may spend detecting what the embedded broker still holds.
  static constexpr std::chrono::milliseconds kEmbeddedDrainDeadline{10000};

  // Runs until `stop`, serving `reload` requests with `on_reload` between batches. Returns the
  // process's exit code: 0 after a clean stop, 1 on an error (logged). When Kafka does not let
  // the consumer leave its group in time, the store is closed and the process exits from here.
  static int run(const CollectorConfig& cfg, std::unique_ptr<Engine> engine, Decoder decoder,
                 const std::atomic<bool>& stop, std::atomic<bool>& reload,
                 const Pipeline::ReloadHook& on_reload);
};

}  // namespace soc
