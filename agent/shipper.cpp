#include "agent/shipper.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace soc {

Result<std::unique_ptr<Shipper>> Shipper::create(const std::string& bootstrap,
                                                 const std::map<std::string, std::string>& props,
                                                 std::string topic, ShipperLimits limits,
                                                 OnDelivery on_delivery) {
  std::map<std::string, std::string> all = props;
  all["bootstrap.servers"] = bootstrap;
  // At least once, in order, no duplicates from librdkafka's own retries.
  all["enable.idempotence"] = "true";
  all["acks"] = "all";
  all["message.timeout.ms"] = "0";  // retry forever: a line is never given up on
  if (!all.count("compression.type")) all["compression.type"] = "lz4";
  if (!all.count("linger.ms")) all["linger.ms"] = "20";
  // Our own accounting (count and bytes in flight) decides what is outstanding; librdkafka's
  // queue only needs that much plus a little room for heartbeats.
  all["queue.buffering.max.messages"] = std::to_string(limits.max_messages + 256);
  all["queue.buffering.max.kbytes"] = std::to_string(limits.max_bytes / 1024 + 1024);
  all["client.id"] = "soc-agent";

  auto conf = make_kafka_conf(all);
  if (!conf) return Error{conf.error()};
  auto s = std::make_unique<Shipper>(Key{});
  s->topic_ = std::move(topic);
  s->on_delivery_ = std::move(on_delivery);
  s->last_ack_ = std::chrono::steady_clock::now();
  route_kafka_logs(conf->get());
  rd_kafka_conf_set_dr_msg_cb(conf->get(), &Shipper::on_delivery_report);
  rd_kafka_conf_set_error_cb(conf->get(), &Shipper::on_error);
  rd_kafka_conf_set_opaque(conf->get(), s.get());
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf->get(), err, sizeof err);
  if (rk == nullptr) return Error{fmt::format("cannot create Kafka producer: {}", err)};
  conf->release();  // owned by rk now
  s->rk_.reset(rk);
  return s;
}

Shipper::~Shipper() = default;

void Shipper::on_error(rd_kafka_t*, int err, const char* reason, void* opaque) {
  auto* self = static_cast<Shipper*>(opaque);
  if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) self->brokers_down_ = true;
  spdlog::debug("kafka error: {}", reason);  // librdkafka's log callback has told it already
}

void Shipper::on_delivery_report(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
  auto* self = static_cast<Shipper*>(opaque);
  const auto token = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(msg->_private));
  --self->in_flight_;
  self->in_flight_bytes_ -= std::min(self->in_flight_bytes_, msg->len);
  const std::string_view payload(static_cast<const char*>(msg->payload), msg->len);
  if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    ++self->counters_.acked;
    self->last_ack_ = std::chrono::steady_clock::now();
    self->waiting_since_ = self->last_ack_;
    self->brokers_down_ = false;
    self->on_delivery_(Report{token, Outcome::kAcked, payload, {}});
  } else if (msg->err == RD_KAFKA_RESP_ERR__PURGE_QUEUE ||
             msg->err == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT) {
    ++self->counters_.purged;
    self->on_delivery_(Report{token, Outcome::kPurged, payload, {}});
  } else {
    ++self->counters_.failed;
    self->on_delivery_(Report{token, Outcome::kFailed, payload, rd_kafka_err2str(msg->err)});
  }
}

bool Shipper::send(std::string_view key, std::string_view payload, uint64_t token,
                   const std::string* topic) {
  const rd_kafka_resp_err_t err = rd_kafka_producev(
      rk_.get(), RD_KAFKA_V_TOPIC(topic != nullptr ? topic->c_str() : topic_.c_str()),
      RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()),
      RD_KAFKA_V_VALUE(const_cast<char*>(payload.data()), payload.size()),
      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
      RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(static_cast<uintptr_t>(token))), RD_KAFKA_V_END);
  if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
    ++counters_.queue_full;
    return false;
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    // Only a misconfiguration (unknown topic, message too large) lands here; report it as a
    // failed delivery so the caller counts and logs it.
    ++counters_.failed;
    on_delivery_(Report{token, Outcome::kFailed, payload, rd_kafka_err2str(err)});
    return true;
  }
  if (in_flight_ == 0) waiting_since_ = std::chrono::steady_clock::now();
  ++in_flight_;
  in_flight_bytes_ += payload.size();
  ++counters_.sent;
  return true;
}

void Shipper::poll(int timeout_ms) {
  rd_kafka_poll(rk_.get(), timeout_ms);
}

bool Shipper::flush(int timeout_ms) {
  return rd_kafka_flush(rk_.get(), timeout_ms) == RD_KAFKA_RESP_ERR_NO_ERROR;
}

void Shipper::purge_queued() {
  if (const auto err = rd_kafka_purge(rk_.get(), RD_KAFKA_PURGE_F_QUEUE)) {
    spdlog::warn("kafka: cannot purge the send queue: {}", rd_kafka_err2str(err));
  }
  rd_kafka_poll(rk_.get(), 0);  // the purged messages' reports
}

bool Shipper::purge_all(int timeout_ms) {
  if (const auto err =
          rd_kafka_purge(rk_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT)) {
    spdlog::warn("kafka: cannot purge the producer: {}", rd_kafka_err2str(err));
  }
  // rd_kafka_purge() waits for the broker threads; their reports are served here.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  rd_kafka_poll(rk_.get(), 0);
  while (in_flight_ > 0 && std::chrono::steady_clock::now() < deadline)
    rd_kafka_poll(rk_.get(), 10);
  return in_flight_ == 0;
}

std::chrono::steady_clock::duration Shipper::stalled_for(
    std::chrono::steady_clock::time_point now) const {
  if (in_flight_ == 0) return {};
  return now - std::max(last_ack_, waiting_since_);
}

std::string Shipper::fatal_error() const {
  char err[512];
  if (rd_kafka_fatal_error(rk_.get(), err, sizeof err) == RD_KAFKA_RESP_ERR_NO_ERROR) return {};
  return err;
}

}  // namespace soc
