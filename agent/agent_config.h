// soc-agent's configuration file (YAML), validated as a whole before anything starts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agent/inputs/file_tail_config.h"
#include "agent/inputs/journald_config.h"
#include "agent/inputs/syslog_config.h"
#include "agent/redaction.h"
#include "agent/spool.h"
#include "common/config_schema.h"
#include "common/kafka.h"
#include "common/result.h"

namespace soc {

// `spool:` where lines wait on disk while Kafka is unreachable (see spool.h).
struct SpoolSettings {
  bool enabled = true;
  SpoolConfig spool;        // dir defaults to STATE_DIR/spool
  int64_t after_ms = 5000;  // how long Kafka may leave lines unacknowledged before they go to disk
};

struct AgentConfig {
  std::string source_file;  // the YAML file this came from, for messages
  std::string org;
  std::string host;  // empty: the machine's hostname
  std::string state_dir;
  std::string log_level = "info";
  KafkaSettings kafka;
  std::string topic = "soc.events";
  std::vector<FileInputConfig> files;
  std::optional<JournaldConfig> journald;  // present when the `journald:` key is
  // No `files:`, `journald:` or `syslog:`: `journald` is security_journald_config() (the local
  // journal, or $SOC_AGENT_JOURNAL_DIRECTORY when set: tests and containers).
  bool journald_default = false;
  std::vector<SyslogServerConfig> syslog;  // network listeners (`syslog:` list)
  size_t max_line_bytes = 64 * 1024;
  // Lines produced but not yet acknowledged, and their envelopes' bytes: reading pauses beyond.
  // 5000 lines / 1 MiB keep the agent under 16 MiB resident at full speed (bench/agent.sh);
  // more buys little throughput (librdkafka batches well below this).
  size_t max_in_flight = 5000;
  size_t max_in_flight_bytes = 1u << 20;
  int64_t partial_line_flush_ms = 5000;  // ship an unterminated last line after this quiet time
  int64_t poll_interval_ms = 200;
  int64_t checkpoint_interval_ms = 1000;
  SpoolSettings spool;
  int64_t heartbeat_interval_ms = 30000;  // 0: no heartbeats
  std::string heartbeat_topic = "soc.agents";
  std::string metrics_listen;  // "127.0.0.1:9108"; empty: no /metrics
  std::optional<RedactionConfig> redaction;
};

// Reads and validates the file against the table of keys in agent_config.cpp. Errors read
// "FILE:LINE:COL: reason", one a line, all of them.
Result<AgentConfig> load_agent_config(const std::string& path);

// Every key of agent.yaml with its type, default, range and help (the table itself).
const std::vector<ConfigKeyInfo>& agent_config_keys();

// The keys as markdown: `soc-agent --config-reference` and docs/configuration.md.
std::string agent_config_reference();

}  // namespace soc
