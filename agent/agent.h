// soc-agent's core loop: inputs → envelope → shipper, with checkpoints that follow Kafka's acks.
#pragma once

#include <atomic>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "agent/agent_config.h"
#include "agent/checkpoint.h"
#include "agent/inputs/input.h"
#include "agent/shipper.h"
#include "common/result.h"

namespace soc {

class Agent {
 public:
  // Validates inputs, loads state and connects the producer. Errors are for the sysadmin.
  static Result<std::unique_ptr<Agent>> create(AgentConfig config);
  Agent(AgentConfig config, CheckpointStore checkpoints);  // use create()

  // Runs until `stop` becomes true, then flushes what is in flight (bounded wait) and saves the
  // checkpoint. Returns an error for an unrecoverable Kafka failure.
  Status run(const std::atomic<bool>& stop);

  const std::string& agent_id() const { return agent_id_; }

 private:
  // One produced line awaiting Kafka's acknowledgement, in production order.
  struct InFlight {
    uint64_t seq;
    size_t input;
    bool done;
  };

  void ship(size_t input, const InputLine& line);
  void on_delivery(uint64_t seq, bool ok, std::string_view error);
  void save_checkpoint();
  void log_counters() const;

  AgentConfig config_;
  CheckpointStore checkpoints_;
  std::string agent_id_;
  std::string host_;
  std::vector<std::unique_ptr<Input>> inputs_;
  std::unique_ptr<Shipper> shipper_;
  std::deque<InFlight> in_flight_;
  uint64_t dropped_delivery_ = 0;  // lines Kafka refused for good (logged with the reason)
  std::string fatal_;
};

}  // namespace soc
