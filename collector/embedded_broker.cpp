#include "collector/embedded_broker.h"

#include <librdkafka/rdkafka.h>

#include <vector>
// rdkafka_mock.h needs rdkafka.h first.
#include <fmt/format.h>
#include <librdkafka/rdkafka_mock.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "common/atomic_file.h"

namespace soc {

Result<std::unique_ptr<EmbeddedBroker>> EmbeddedBroker::start(const std::string& topic,
                                                              int partitions,
                                                              const std::string& bootstrap_file,
                                                              size_t max_message_bytes) {
  auto b = std::make_unique<EmbeddedBroker>(Key{});
  // The mock brokers check each request's size against their owner's receive.message.max.bytes.
  auto conf = make_kafka_conf(
      {{"client.id", "soc-embedded-broker"},
       {"receive.message.max.bytes", std::to_string(max_message_bytes + kRequestOverhead)}});
  if (!conf) return Error{conf.error()};
  route_kafka_logs(conf->get());
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf->get(), err, sizeof err);
  if (rk == nullptr) return Error{fmt::format("embedded broker: {}", err)};
  conf->release();
  b->owner_.reset(rk);
  b->cluster_ = rd_kafka_mock_cluster_new(rk, 1);
  if (b->cluster_ == nullptr) return Error{"embedded broker: cannot start the mock cluster"};
  b->bootstrap_ = rd_kafka_mock_cluster_bootstraps(b->cluster_);
  if (const auto e = rd_kafka_mock_topic_create(b->cluster_, topic.c_str(), partitions, 1)) {
    return Error{
        fmt::format("embedded broker: cannot create topic {}: {}", topic, rd_kafka_err2str(e))};
  }
  // Created readable by all: agents on this host run as other users and must read the address,
  // and an agent starting in between must never find it unreadable. It is no secret: the loopback
  // port is visible to every local user in /proc/net/tcp.
  if (auto st = write_file_atomic(bootstrap_file, b->bootstrap_ + "\n", 0644); !st) {
    return Error{st.error()};
  }
  b->bootstrap_file_ = bootstrap_file;
  spdlog::warn(
      "embedded broker on {} (address written to {}): events live in this process's memory "
      "only, about 5 MiB of unread events per partition (older ones are dropped, and counted as "
      "lost_events), messages up to {} bytes, and any local user can connect; for production "
      "set kafka.brokers to a real cluster",
      b->bootstrap_, bootstrap_file, max_message_bytes);
  return b;
}

void EmbeddedBroker::refuse_produce() {
  constexpr int16_t kProduceApiKey = 0;
  // Errors are consumed one per request: enough for every agent's retries for hours, longer
  // than any stop takes.
  const std::vector<rd_kafka_resp_err_t> errors(100000, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS);
  rd_kafka_mock_push_request_errors_array(cluster_, kProduceApiKey, errors.size(), errors.data());
}

EmbeddedBroker::~EmbeddedBroker() {
  if (cluster_ != nullptr) rd_kafka_mock_cluster_destroy(cluster_);
  if (!bootstrap_file_.empty()) ::unlink(bootstrap_file_.c_str());
}

}  // namespace soc
