// Input: a syslog server (RFC 3164 and RFC 5424 messages over UDP, TCP and TLS) for network
// devices and hosts that forward their logs. Each message becomes one line, exactly as received
// (with its <PRI>, less one trailing LF or CRLF); the envelope's `peer` names the sender.
//
// Threading: the sockets run on one Asio thread owned by this input, which parses frames into a
// bounded queue; poll(), on the agent's thread, drains it. The queue is what bounds memory: when it
// is full, UDP datagrams are dropped and counted (dropped_queue_full), and TCP/TLS connections stop
// reading so the senders' own buffers and queues fill instead (TCP backpressure).
//
// Durability: network input cannot be replayed, so acknowledge_oldest() only counts and save()
// writes nothing. Messages received but not yet acknowledged by Kafka exist only in this process's
// memory: if the agent is SIGKILLed or crashes they are lost (the disk spool covers Kafka outages,
// not agent crashes). UDP senders cannot resend anything; TCP/TLS senders with their own queue
// (rsyslog action queues, syslog-ng disk buffers) keep what they could not send while the agent
// was down, but plain syslog over TCP has no application acknowledgement, so what the agent had
// already read is gone for them as well.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "agent/inputs/input.h"
#include "agent/inputs/syslog_config.h"
#include "common/result.h"

namespace soc {

class SyslogServer : public Input {
 public:
  // `default_max_message_bytes` applies when the config leaves max_message_bytes unset.
  SyslogServer(SyslogServerConfig config, size_t default_max_message_bytes);
  ~SyslogServer() override;
  SyslogServer(const SyslogServer&) = delete;
  SyslogServer& operator=(const SyslogServer&) = delete;

  // Binds the listener and loads the TLS files, then starts receiving. A port in use, a missing
  // certificate or key, or a key that does not match its certificate is an error naming the
  // listener: the sysadmin must see it at start-up, not find the port silent later.
  Status start(const PositionStore& checkpoints) override;
  size_t poll(size_t max_lines, const LineSink& emit) override;
  void acknowledge_oldest() override;
  void save(PositionStore& checkpoints) const override;
  InputStats stats() const override;

  // Envelope src: "syslog:udp:0.0.0.0:514".
  const std::string& source() const;
  // The port actually bound (differs from the config's only when that asked for port 0).
  uint16_t bound_port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  uint64_t unacknowledged_ = 0;
};

}  // namespace soc
