// Output: ships envelopes to Kafka with an idempotent producer and reports each acknowledgement,
// so the agent can checkpoint only what Kafka holds.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/kafka.h"
#include "common/result.h"

namespace soc {

struct ShipperCounters {
  uint64_t sent = 0;
  uint64_t acked = 0;
  uint64_t failed = 0;  // permanent delivery errors, each logged with its reason
  uint64_t queue_full = 0;
};

class Shipper {
 public:
  // token: the caller's id for the message; ok=false carries librdkafka's reason.
  using OnDelivery = std::function<void(uint64_t token, bool ok, std::string_view error)>;

  // `props` are the user's librdkafka properties; the at-least-once settings are applied on top.
  static Result<std::unique_ptr<Shipper>> create(const std::string& bootstrap,
                                                 const std::map<std::string, std::string>& props,
                                                 std::string topic, size_t max_in_flight,
                                                 OnDelivery on_delivery);
  struct Key {  // only create() can construct
   private:
    friend class Shipper;
    Key() = default;
  };
  explicit Shipper(Key) {}
  ~Shipper();
  Shipper(const Shipper&) = delete;
  Shipper& operator=(const Shipper&) = delete;

  // Queues one message. False when librdkafka's queue is full: poll() and try again.
  bool send(std::string_view key, std::string_view payload, uint64_t token);
  // Serves delivery reports (calls OnDelivery) for up to timeout_ms.
  void poll(int timeout_ms);
  // Waits until everything queued is acknowledged or the timeout passes.
  bool flush(int timeout_ms);
  // Non-empty once librdkafka hit an unrecoverable error (e.g. the idempotent producer was
  // fenced); the agent then exits so that a restart resends from the checkpoint.
  std::string fatal_error() const;

  size_t in_flight() const { return in_flight_; }
  const ShipperCounters& counters() const { return counters_; }

 private:
  static void on_delivery_report(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque);

  KafkaHandle rk_;
  std::string topic_;
  OnDelivery on_delivery_;
  size_t in_flight_ = 0;
  ShipperCounters counters_;
};

}  // namespace soc
