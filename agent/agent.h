// soc-agent's core loop: inputs → envelope → shipper, with checkpoints that follow Kafka's acks
// and a disk spool that takes over while Kafka is unreachable (see spool.h for its design).
//
// Every line gets a sequence number and an entry in `in_flight_`, in the order it was read. A
// line is "safe" once Kafka acknowledged it or once it was written and fsynced to the spool;
// inputs are told (acknowledge_oldest) only over a prefix of safe lines, so their checkpoints
// never pass a line that exists nowhere but in memory. Ordering: while the spool holds anything
// unsent, new lines are appended behind it and the spool drains into Kafka ahead of them.
#pragma once

#include <sys/types.h>
#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/agent_config.h"
#include "agent/checkpoint.h"
#include "agent/envelope_writer.h"
#include "agent/inputs/input.h"
#include "agent/metrics_server.h"
#include "agent/redaction.h"
#include "agent/shipper.h"
#include "agent/spool.h"
#include "agent/telemetry.h"
#include "common/result.h"

struct stat;

namespace soc {

class Agent {
 public:
  // Validates inputs, loads state and connects the producer. Errors are for the sysadmin.
  static Result<std::unique_ptr<Agent>> create(AgentConfig config);
  Agent(AgentConfig config, CheckpointStore checkpoints);  // use create()

  // Runs until `stop` becomes true, then flushes what is in flight (bounded wait; what is left
  // goes to the spool) and saves the checkpoint. Returns an error for an unrecoverable failure.
  Status run(const std::atomic<bool>& stop);

  const std::string& agent_id() const { return agent_id_; }
  AgentSnapshot snapshot() const;

 private:
  enum class LineState : uint8_t { kQueued, kUnsynced, kSafe };
  // One line read but not yet safe, in read order.
  struct InFlight {
    uint64_t seq;
    uint32_t input;
    LineState state;
  };
  // A line that must go to the spool but could not yet (spool full under `block`, disk error).
  struct Held {
    uint64_t seq;
    std::string payload;
  };

  // Where the bootstrap file stood when last read: a rewrite gives it a new inode or mtime.
  struct FileStamp {
    dev_t dev = 0;
    ino_t ino = 0;
    int64_t mtime_ns = 0;
    off_t size = 0;
    bool operator==(const FileStamp&) const = default;
  };

  static FileStamp stamp_of(const struct stat& st);
  Result<std::unique_ptr<Shipper>> make_shipper(const std::string& bootstrap);
  void watch_bootstrap(std::chrono::steady_clock::time_point now);
  void reconnect(const std::string& bootstrap);
  void take_back(bool in_flight_too);
  ShipperCounters shipper_counters() const;
  void ship(size_t input, const InputLine& line);
  void on_delivery(const Shipper::Report& r);
  void mark(uint64_t seq, LineState state);
  void to_spool(uint64_t seq, std::string_view payload);
  void enter_spooling(const char* why);
  void flush_held();
  void drain_spool(std::chrono::steady_clock::time_point now);
  void sync_spool();
  bool kafka_healthy(std::chrono::steady_clock::time_point now) const;
  size_t read_room() const;
  void save_checkpoint();
  void log_counters() const;
  void send_heartbeat();

  AgentConfig config_;
  CheckpointStore checkpoints_;
  std::string agent_id_;
  std::string host_;
  std::vector<std::unique_ptr<Input>> inputs_;
  std::unique_ptr<Shipper> shipper_;
  std::string bootstrap_;       // the address the producer uses
  std::string bootstrap_file_;  // `embedded:FILE`: FILE, watched for a new address
  std::optional<FileStamp> bootstrap_stamp_;
  std::chrono::steady_clock::time_point bootstrap_checked_{};
  bool bootstrap_missing_ = false;
  uint64_t reconnects_ = 0;
  ShipperCounters replaced_counters_;  // what the producers replaced so far counted
  std::optional<Spool> spool_;
  std::unique_ptr<Redactor> redactor_;
  std::unique_ptr<MetricsServer> metrics_;
  std::unique_ptr<EnvelopeWriter> writer_;
  std::string redacted_;  // reused buffer for a redacted line

  std::deque<InFlight> in_flight_;
  std::deque<Held> held_;
  std::vector<uint64_t> unsynced_;                        // seqs appended since the last sync
  std::vector<std::pair<uint64_t, std::string>> purged_;  // lines handed back by a purge
  uint64_t purged_spool_min_ = 0;                         // first spool record handed back
  bool collecting_purge_ = false;
  bool spooling_ = false;
  bool sync_failing_ = false;

  std::chrono::steady_clock::time_point started_;
  uint64_t lines_read_ = 0;
  uint64_t lines_sent_ = 0;
  uint64_t lines_acked_ = 0;
  uint64_t lines_spooled_ = 0;
  uint64_t dropped_delivery_ = 0;  // lines Kafka refused for good (logged with the reason)
  uint64_t spool_episodes_ = 0;
  uint64_t heartbeats_lost_ = 0;
  std::string fatal_;
};

}  // namespace soc
