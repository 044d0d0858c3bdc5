// Configuration of the journald input (top-level `journald:` in agent.yaml). Kept apart from
// journald.h so that agent_config.h can hold it without pulling in libsystemd.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/config_schema.h"

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

// The keys of the `journald:` section. An empty section (`journald:` or `journald: {}`) reads the
// whole local journal.
const ConfigSchema<JournaldConfig>& journald_schema();

// The journal entries worth shipping from any Linux host: the programs whose lines the collector's
// decoders know (sshd, sudo, su, logins, account tools, cron, auditd) and the rules watch. The
// agent reads them when its configuration names no input at all, and --discover proposes them.
// Each belongs to the log file a syslog daemon writes the same lines to, so discovery can leave
// out what a shipped file already covers. Units and identifiers are ORed by the input.
enum class SecurityLog : unsigned { kAuth = 1, kCron = 2, kAudit = 4 };
inline constexpr unsigned kAllSecurityLogs = 7;

struct SecurityJournalMatch {
  const char* name;
  bool unit;  // _SYSTEMD_UNIT; else SYSLOG_IDENTIFIER
  SecurityLog log;
};

inline constexpr SecurityJournalMatch kSecurityJournal[] = {
    {"ssh.service", true, SecurityLog::kAuth},  // Debian's name
    {"sshd.service", true, SecurityLog::kAuth},
    {"systemd-logind.service", true, SecurityLog::kAuth},
    {"sshd", false, SecurityLog::kAuth},
    {"sshd-session", false, SecurityLog::kAuth},  // OpenSSH 9.8+
    {"sudo", false, SecurityLog::kAuth},
    {"su", false, SecurityLog::kAuth},
    {"login", false, SecurityLog::kAuth},
    {"systemd-logind", false, SecurityLog::kAuth},
    {"pkexec", false, SecurityLog::kAuth},
    {"polkitd", false, SecurityLog::kAuth},
    {"useradd", false, SecurityLog::kAuth},
    {"userdel", false, SecurityLog::kAuth},
    {"usermod", false, SecurityLog::kAuth},
    {"groupadd", false, SecurityLog::kAuth},
    {"groupdel", false, SecurityLog::kAuth},
    {"groupmod", false, SecurityLog::kAuth},
    {"passwd", false, SecurityLog::kAuth},
    {"chpasswd", false, SecurityLog::kAuth},
    {"chage", false, SecurityLog::kAuth},
    {"gpasswd", false, SecurityLog::kAuth},
    {"chsh", false, SecurityLog::kAuth},
    {"newusers", false, SecurityLog::kAuth},
    {"cron.service", true, SecurityLog::kCron},
    {"crond.service", true, SecurityLog::kCron},
    {"CRON", false, SecurityLog::kCron},
    {"cron", false, SecurityLog::kCron},
    {"crond", false, SecurityLog::kCron},
    {"crontab", false, SecurityLog::kCron},
    {"auditd.service", true, SecurityLog::kAudit},
    {"auditd", false, SecurityLog::kAudit},
    {"audispd", false, SecurityLog::kAudit},
    {"audisp-syslog", false, SecurityLog::kAudit},
    {"audit", false, SecurityLog::kAudit},  // kernel audit records when journald takes them
};

// The local journal, from its end, filtered on kSecurityJournal's entries of the given logs
// (a bit set of SecurityLog).
JournaldConfig security_journald_config(unsigned logs = kAllSecurityLogs);

// The syslog severity names journalctl uses (emerg .. debug), indexed by PRIORITY.
inline constexpr const char* kJournaldPriorityNames[] = {"emerg",   "alert",  "crit", "err",
                                                         "warning", "notice", "info", "debug"};

}  // namespace soc
