#include "collector/collector_service.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <string>
#include <utility>

#include "collector/embedded_broker.h"
#include "collector/store/alert_store.h"

namespace soc {

int CollectorService::run(const CollectorConfig& cfg, std::unique_ptr<Engine> engine,
                          Decoder decoder, const std::atomic<bool>& stop, std::atomic<bool>& reload,
                          const Pipeline::ReloadHook& on_reload) {
  auto store = AlertStore::open(cfg.store_dir);
  if (!store) {
    spdlog::critical("{}", store.error());
    return 1;
  }
  std::unique_ptr<EmbeddedBroker> broker;
  std::string bootstrap = cfg.kafka.brokers;
  if (bootstrap == "embedded") {
    auto b = EmbeddedBroker::start(cfg.topic, cfg.embedded_partitions, cfg.bootstrap_file,
                                   cfg.embedded_max_message_bytes);
    if (!b) {
      spdlog::critical("{}", b.error());
      return 1;
    }
    broker = std::move(*b);
    bootstrap = broker->bootstrap();
  }
  int rc = 0;
  {
    auto pipeline =
        Pipeline::create(cfg, bootstrap, std::move(decoder), std::move(engine), **store);
    if (!pipeline) {
      spdlog::critical("{}", pipeline.error());
      return 1;
    }
    if (auto st = (*pipeline)->run(stop, &reload, on_reload); !st) {
      spdlog::critical("{}", st.error());
      rc = 1;
    }
    if (rc == 0 && broker) {
      // The embedded broker dies with this process: take in what it holds first.
      broker->refuse_produce();
      if (auto drained = (*pipeline)->drain(kEmbeddedDrainDeadline); !drained) {
        spdlog::error("draining the embedded broker: {}", drained.error());
      } else {
        spdlog::info("stop: {} events still in the embedded broker detected and stored", *drained);
      }
    }
    // The consumer leaves its group before the broker goes away. When Kafka does not answer, the
    // stop must not hang: alerts and offsets are already durable, so close the store and exit
    // without waiting (the group notices after session.timeout.ms).
    if (!(*pipeline)->close(kConsumerCloseDeadline)) {
      spdlog::error("Kafka did not answer within {} s while leaving group {}: stopping without it",
                    kConsumerCloseDeadline.count() / 1000, cfg.group);
      (void)pipeline->release();  // its consumer is still closing on another thread
      store->reset();             // RocksDB closed cleanly
      broker.reset();
      spdlog::info("stopped {}", rc == 0 ? "cleanly" : "on error");
      spdlog::default_logger()->flush();
      std::_Exit(rc);
    }
  }
  broker.reset();
  spdlog::info("stopped {}", rc == 0 ? "cleanly" : "on error");
  return rc;
}

}  // namespace soc
