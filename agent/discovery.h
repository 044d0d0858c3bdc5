// soc-agent --discover: looks at a host for the logs worth shipping (the journal, and which of
// the usual log files exist and are being written) and proposes a configuration with exactly the
// inputs that apply, each explained in a comment.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "agent/inputs/journald_config.h"
#include "common/result.h"

namespace soc {

struct DiscoveryOptions {
  // Where /var/log and /run/log are looked up: "/" on a host, a prepared tree in tests. Paths in
  // the generated configuration are the host's (without this prefix).
  std::string root = "/";
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
  // A file is "being written" when it is a non-empty regular file modified this recently; an
  // older one is listed commented out with its age (a service no longer used, an old vhost).
  std::chrono::seconds fresh_within = std::chrono::hours(24 * 7);
  // Written into the configuration; placeholders when not given.
  std::string org;
  std::string brokers;  // comma-separated
};

struct DiscoveredFile {
  std::string path;  // on the host
  std::string what;  // what it holds, from the candidate table
  std::string skip;  // empty: shipped; else why it is listed commented out
};

struct Discovery {
  std::string journal_dir;  // on the host: where journal files were found; empty: none
  std::vector<DiscoveredFile> files;
  std::optional<JournaldConfig> journald;  // the journal input proposed
  std::vector<std::string> notes;          // why the journal input is (or is not) what it is
};

// Looks at the tree under options.root. Never fails: what cannot be read is not there.
Discovery discover_inputs(const DiscoveryOptions& options);

// The commented agent.yaml for a discovery.
std::string render_discovered_config(const Discovery& discovery, const DiscoveryOptions& options);

// Checks TEXT with the agent's own loader (load_agent_config on a scratch copy next to PATH),
// then writes it to PATH atomically, mode 0640. An error says which step failed.
Status write_checked_config(const std::string& path, const std::string& text);

}  // namespace soc
