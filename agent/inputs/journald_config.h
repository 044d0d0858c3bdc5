// Configuration of the journald input (top-level `journald:` in agent.yaml). Kept apart from
// journald.h so that agent_config.h can hold it without pulling in libsystemd or yaml-cpp.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace YAML {
class Node;
}

namespace soc {

enum class JournaldStart { kBeginning, kEnd };

struct JournaldConfig {
  // A directory of journal files (a container's /var/log/journal, tests); empty: the local
  // journal (/run/log/journal and /var/log/journal of this machine).
  std::string directory;
  // Entries of these units (_SYSTEMD_UNIT=) or with these identifiers (SYSLOG_IDENTIFIER=); both
  // empty: every entry. A unit written without a type ("ssh") means "ssh.service".
  std::vector<std::string> units;
  std::vector<std::string> identifiers;
  // Keep only entries with PRIORITY 0..max_priority (0 emerg .. 7 debug). None: every entry,
  // including those that have no PRIORITY at all.
  std::optional<int> max_priority;
  // Where to begin when there is no saved cursor yet.
  JournaldStart start = JournaldStart::kEnd;
  // Local journal only: also read the users' journals (user-UID.journal), not just the system's.
  bool user_journals = false;
};

// Interprets the `journald:` node of FILE. An empty node (`journald:` or `journald: {}`) reads the
// whole local journal. Throws YamlError ("FILE:LINE:COL: reason") on a bad value.
JournaldConfig parse_journald_config(const std::string& file, const YAML::Node& node);

// The syslog severity names journalctl uses (emerg .. debug), indexed by PRIORITY.
inline constexpr const char* kJournaldPriorityNames[] = {"emerg",   "alert",  "crit", "err",
                                                         "warning", "notice", "info", "debug"};

}  // namespace soc
