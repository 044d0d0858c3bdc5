// The embedded default: librdkafka's mock cluster (the real Kafka protocol on loopback, in
// memory) hosted inside the collector, for the demo, tests and trying the product out.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "common/kafka.h"
#include "common/result.h"

typedef struct rd_kafka_mock_cluster_s rd_kafka_mock_cluster_t;

namespace soc {

class EmbeddedBroker {
 public:
  // Starts the cluster, creates the events topic with `partitions` partitions and writes the
  // bootstrap address to `bootstrap_file` (atomically) for agents on this machine. A produce
  // request larger than `max_message_bytes` (plus kRequestOverhead) is refused: the broker drops
  // the connection instead of acknowledging it (the mock cluster has no per-message limit; its
  // request limit is the closest it offers).
  static Result<std::unique_ptr<EmbeddedBroker>> start(const std::string& topic, int partitions,
                                                       const std::string& bootstrap_file,
                                                       size_t max_message_bytes);
  // Room for the request and batch headers around the largest message.
  static constexpr size_t kRequestOverhead = 16 * 1024;
  ~EmbeddedBroker();
  EmbeddedBroker(const EmbeddedBroker&) = delete;
  EmbeddedBroker& operator=(const EmbeddedBroker&) = delete;

  const std::string& bootstrap() const { return bootstrap_; }
  // From now on every produce request is answered with a retriable error, so agents keep their
  // lines (spool) instead of handing them to a broker about to vanish with this process; the
  // collector then consumes what the broker already holds (Pipeline::drain) before stopping.
  void refuse_produce();
  // For failure injection (rd_kafka_mock_broker_set_down ...).
  rd_kafka_mock_cluster_t* cluster() const { return cluster_; }

  struct Key {
   private:
    friend class EmbeddedBroker;
    Key() = default;
  };
  explicit EmbeddedBroker(Key) {}

 private:
  KafkaHandle owner_;  // the mock cluster lives inside a librdkafka instance
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
  std::string bootstrap_;
  std::string bootstrap_file_;
};

}  // namespace soc
