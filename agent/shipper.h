// Output: ships envelopes to Kafka with an idempotent producer and reports each acknowledgement,
// so the agent can checkpoint only what Kafka holds.
#pragma once

#include <chrono>
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
  uint64_t purged = 0;  // handed back unsent by purge_queued()
  uint64_t queue_full = 0;
};

// How far librdkafka's own queue may grow; our accounting stays below it.
struct ShipperLimits {
  size_t max_messages = 20000;
  size_t max_bytes = 8u << 20;
};

class Shipper {
 public:
  enum class Outcome { kAcked, kPurged, kFailed };
  // token: the caller's id for the message. For kPurged, payload is the message's value, valid
  // during the call only, so the caller can keep it elsewhere (the spool).
  struct Report {
    uint64_t token;
    Outcome outcome;
    std::string_view payload;
    std::string_view error;
  };
  using OnDelivery = std::function<void(const Report&)>;

  // `props` are the user's librdkafka properties; the at-least-once settings are applied on top.
  static Result<std::unique_ptr<Shipper>> create(const std::string& bootstrap,
                                                 const std::map<std::string, std::string>& props,
                                                 std::string topic, ShipperLimits limits,
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

  // Queues one message to the main topic (or `topic` when given). False when librdkafka's queue
  // is full: poll() and try again.
  bool send(std::string_view key, std::string_view payload, uint64_t token,
            const std::string* topic = nullptr);
  // Serves delivery reports (calls OnDelivery) for up to timeout_ms.
  void poll(int timeout_ms);
  // Waits until everything queued is acknowledged or the timeout passes.
  bool flush(int timeout_ms);
  // Hands every message not yet on the wire back as kPurged reports (served before returning),
  // oldest first. Messages already sent to a broker stay: librdkafka retries them.
  void purge_queued();
  // Hands back every message, those already sent to a broker too, before this producer is
  // replaced (the broker moved). Their acknowledgements are void from now on: what was written
  // before the purge is sent again (a duplicate at worst). The idempotent producer would have to
  // start a new epoch after this, so the producer must not be used for sending afterwards.
  // Returns false if some message's report did not come back within timeout_ms.
  bool purge_all(int timeout_ms);
  // Non-empty once librdkafka hit an unrecoverable error (e.g. the idempotent producer was
  // fenced); the agent then exits so that a restart resends from the checkpoint.
  std::string fatal_error() const;

  size_t in_flight() const { return in_flight_; }
  size_t in_flight_bytes() const { return in_flight_bytes_; }
  // How long messages have waited without any acknowledgement (zero when none are waiting).
  std::chrono::steady_clock::duration stalled_for(std::chrono::steady_clock::time_point now) const;
  // Time of the last acknowledgement.
  std::chrono::steady_clock::time_point last_ack() const { return last_ack_; }
  bool brokers_down() const { return brokers_down_; }
  const ShipperCounters& counters() const { return counters_; }

 private:
  static void on_delivery_report(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque);
  static void on_error(rd_kafka_t*, int err, const char* reason, void* opaque);

  KafkaHandle rk_;
  std::string topic_;
  OnDelivery on_delivery_;
  size_t in_flight_ = 0;
  size_t in_flight_bytes_ = 0;
  std::chrono::steady_clock::time_point last_ack_{};
  std::chrono::steady_clock::time_point waiting_since_{};
  bool brokers_down_ = false;
  ShipperCounters counters_;
};

}  // namespace soc
