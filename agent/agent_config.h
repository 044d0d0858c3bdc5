// soc-agent's configuration file (YAML), validated as a whole before anything starts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/kafka.h"
#include "common/result.h"

namespace soc {

enum class StartAt { kBeginning, kEnd };

struct FileInputConfig {
  std::string path;
  // Where to start in a file that has no checkpoint yet and exists when the agent starts. A file
  // that appears later is always read from its beginning.
  StartAt start = StartAt::kEnd;
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
  size_t max_line_bytes = 64 * 1024;
  size_t max_in_flight = 20000;          // lines produced but not yet acknowledged
  int64_t partial_line_flush_ms = 5000;  // ship an unterminated last line after this quiet time
  int64_t poll_interval_ms = 200;
  int64_t checkpoint_interval_ms = 1000;
};

// Reads and validates the file. Errors read "FILE:LINE:COL: reason".
Result<AgentConfig> load_agent_config(const std::string& path);

}  // namespace soc
