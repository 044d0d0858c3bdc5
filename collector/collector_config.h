// soc-collector's configuration file (YAML).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "collector/decode/process_table.h"
#include "collector/decode/user_decoder.h"
#include "common/config_schema.h"
#include "common/kafka.h"
#include "common/result.h"

namespace soc {

struct CollectorConfig {
  std::string source_file;
  std::string log_level = "info";
  KafkaSettings kafka;  // brokers "embedded" starts the in-process broker
  std::string topic = "soc.events";
  std::string group = "soc-detect";
  // group.instance.id (static membership): a restarted collector takes its partitions back
  // without a rebalance on a real cluster. `kafka.instance_id`: `auto` (default) derives a stable
  // id from the host name and the store path, none with the embedded broker (a fresh group at
  // each start); `none` turns it off; any other value is used as it is. Empty: dynamic member.
  std::string instance_id;
  // Embedded broker only: where its bootstrap address is written for agents on this machine.
  std::string bootstrap_file;
  int embedded_partitions = 12;
  // Embedded broker only: larger produce requests are refused (dropped, never acknowledged).
  size_t embedded_max_message_bytes = 1 << 20;
  std::string store_dir;
  std::string rules_dir;
  // rules.cache_dir: compiled rule databases kept across starts and reloads (DatabaseCache).
  // Default: rules-cache beside the store's directory; empty (`cache_dir: none`): no cache.
  std::string rules_cache_dir;
  // rules.intel_dir: threat-intelligence lists for `in_list` (NAME.txt); empty: rules_dir/intel.
  std::string intel_dir;
  std::string decoders_dir;  // user decoders (YAML + PCRE2); empty: built-in decoders only
  // Zone of zone-less log timestamps (RFC 3164, error logs): see LogZone in decode/decoder.h.
  std::string timezone = "Asia/Ho_Chi_Minh";
  bool skip_broken_rules = false;
  size_t batch_max = 2000;  // events decoded, matched and stored per offset commit
  // decoders.match_limit / line_budget_us / disable_after: what a user decoder may cost.
  UserDecoders::Limits decoder_limits;
  // detect.future_tolerance: a line's time further ahead of the read time is not believed.
  std::chrono::seconds future_tolerance{300};
  // detect.audit_processes_per_host / detect.audit_hosts: the pid -> program table that gives
  // audit execve events their parent (collector/decode/process_table.h).
  ProcessTableLimits audit_processes;
};

// Relative paths in the file are taken relative to the file's own directory, so a config that
// sits next to its rules and store works from any working directory.
// Read and validated by the table of keys in collector_config.cpp; errors read
// "FILE:LINE:COL: reason", one a line, all of them.
Result<CollectorConfig> load_collector_config(const std::string& path);

// Every key of collector.yaml with its type, default, range and help (the table itself).
const std::vector<ConfigKeyInfo>& collector_config_keys();

// The keys as markdown: `soc-collector --config-reference` and docs/configuration.md.
std::string collector_config_reference();

}  // namespace soc
