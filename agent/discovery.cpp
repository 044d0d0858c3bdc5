#include "agent/discovery.h"

#include <fmt/format.h>
#include <fnmatch.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "agent/agent_config.h"
#include "common/atomic_file.h"

namespace soc {
namespace {

namespace fs = std::filesystem;

// One kind of log file worth shipping. `pattern` may hold a glob in its last component only; it
// should not match rotated names (access.log.1), which the agent follows through the live file.
struct LogCandidate {
  const char* pattern;
  const char* what;
  unsigned covers;  // SecurityLog bits: the journal entries this file holds too
  bool general;     // a catch-all syslog file: everything in it is in the journal too
};

constexpr unsigned kAuth = static_cast<unsigned>(SecurityLog::kAuth);
constexpr unsigned kCron = static_cast<unsigned>(SecurityLog::kCron);
constexpr unsigned kAudit = static_cast<unsigned>(SecurityLog::kAudit);

// The one table of files --discover knows. "generic" means the collector has no decoder of its
// own for the program yet: its lines are decoded as syslog lines and kept for search and rules.
constexpr LogCandidate kCandidates[] = {
    {"/var/log/auth.log", "logins, sshd, sudo, su, PAM, account changes (Debian, Ubuntu)", kAuth,
     false},
    {"/var/log/secure", "logins, sshd, sudo, su, PAM, account changes (RHEL family)", kAuth, false},
    {"/var/log/audit/audit.log", "auditd records: commands, watched files, logins", kAudit, false},
    {"/var/log/cron", "cron jobs (RHEL family)", kCron, false},
    {"/var/log/cron.log", "cron jobs", kCron, false},
    {"/var/log/nginx/*access*.log", "nginx access log: web attacks, scanners", 0, false},
    {"/var/log/nginx/*error*.log", "nginx error log", 0, false},
    {"/var/log/apache2/*access*.log", "Apache access log: web attacks, scanners", 0, false},
    {"/var/log/apache2/*error*.log", "Apache error log", 0, false},
    {"/var/log/httpd/*access_log", "Apache access log (RHEL family)", 0, false},
    {"/var/log/httpd/*error_log", "Apache error log (RHEL family)", 0, false},
    {"/var/log/ufw.log", "UFW firewall: blocked connections", 0, false},
    {"/var/log/fail2ban.log", "fail2ban bans (generic lines)", 0, false},
    {"/var/log/mail.log", "mail server: postfix, dovecot logins (generic syslog lines)", 0, false},
    {"/var/log/maillog", "mail server, RHEL family (generic syslog lines)", 0, false},
    {"/var/log/vsftpd.log", "vsftpd FTP logins and transfers (generic lines)", 0, false},
    {"/var/log/xferlog", "FTP transfers (generic lines)", 0, false},
    {"/var/log/proftpd/proftpd.log", "ProFTPD logins (generic lines)", 0, false},
    {"/var/log/named/*.log", "BIND DNS server (generic lines)", 0, false},
    {"/var/log/bind/*.log", "BIND DNS server (generic lines)", 0, false},
    {"/var/log/mysql/error.log", "MySQL/MariaDB: failed logins (generic lines)", 0, false},
    {"/var/log/mariadb/mariadb.log", "MariaDB: failed logins (generic lines)", 0, false},
    {"/var/log/mysqld.log", "MySQL, RHEL family: failed logins (generic lines)", 0, false},
    {"/var/log/postgresql/postgresql-*.log", "PostgreSQL: failed logins (generic lines)", 0, false},
    {"/var/log/syslog", "everything else the syslog daemon writes (Debian)", 0, true},
    {"/var/log/messages", "everything else the syslog daemon writes (RHEL family)", 0, true},
    {"/var/log/kern.log", "kernel: iptables/nftables firewall and audit lines", 0, true},
};

constexpr const char* kJournalDirs[] = {"/var/log/journal", "/run/log/journal"};

// ROOT + host path, for looking things up in a prepared tree.
fs::path under(const std::string& root, const std::string& host_path) {
  return fs::path(root) / fs::path(host_path).relative_path();
}

// Journal files directly in DIR or in its machine-id subdirectories.
bool holds_journal_files(const fs::path& dir) {
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it.depth() > 1) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->path().extension() == ".journal" && it->is_regular_file(ec)) return true;
  }
  return false;
}

// Host paths matching the candidate's pattern, sorted.
std::vector<std::string> matches(const std::string& root, const std::string& pattern) {
  const fs::path p(pattern);
  const std::string name = p.filename().string();
  if (name.find_first_of("*?[") == std::string::npos) {
    std::error_code ec;
    return fs::exists(under(root, pattern), ec) ? std::vector<std::string>{pattern}
                                                : std::vector<std::string>{};
  }
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it(under(root, p.parent_path().string()), ec), end; !ec && it != end;
       it.increment(ec)) {
    const std::string entry = it->path().filename().string();
    if (::fnmatch(name.c_str(), entry.c_str(), FNM_PERIOD) == 0) {
      out.push_back((p.parent_path() / entry).string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Empty when the file is being written; else why it is not shipped.
std::string staleness(const fs::path& file, const DiscoveryOptions& o) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return "not a regular file";
  const auto size = fs::file_size(file, ec);
  if (ec) return "cannot be read: " + ec.message();
  if (size == 0) return "empty";
  const auto mtime = fs::last_write_time(file, ec);
  if (ec) return "cannot be read: " + ec.message();
  const auto written = std::chrono::file_clock::to_sys(mtime);
  const auto age = o.now - written;
  if (age <= o.fresh_within) return {};
  // Rounded to the nearest day: "7 days" for a file last written 6 days and 23 hours ago.
  return fmt::format("not written for {} days",
                     (std::chrono::duration_cast<std::chrono::hours>(age).count() + 12) / 24);
}

// A YAML double-quoted scalar: file names are whatever the disk holds.
std::string yaml_quote(const std::string& s) {
  std::string out = "\"";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

// TEXT as comment lines of at most 100 columns.
std::string comment(const std::string& text) {
  std::string out;
  std::string line = "#";
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    if (line.size() > 1 && line.size() + 1 + word.size() > 100) {
      out += line + "\n";
      line = "#";
    }
    line += " " + word;
    start = end + 1;
  }
  return out + line + "\n";
}

// A YAML flow list; lines past 100 columns continue under the first item (INDENT columns in).
std::string flow_list(const std::vector<std::string>& items, size_t indent = 0) {
  std::string out = "[";
  size_t column = indent + 1;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0 && column + items[i].size() + 2 > 100) {
      out += ",\n" + std::string(indent + 1, ' ');
      column = indent + 1;
    } else if (i > 0) {
      out += ", ";
      column += 2;
    }
    out += items[i];
    column += items[i].size();
  }
  return out + "]";
}

}  // namespace

Discovery discover_inputs(const DiscoveryOptions& o) {
  Discovery d;
  for (const char* dir : kJournalDirs) {
    if (holds_journal_files(under(o.root, dir))) {
      d.journal_dir = dir;
      break;
    }
  }
  const bool journal = !d.journal_dir.empty();
  unsigned covered = 0;  // SecurityLog bits a shipped file holds
  for (const auto& c : kCandidates) {
    for (const auto& path : matches(o.root, c.pattern)) {
      DiscoveredFile f{path, c.what, staleness(under(o.root, path), o)};
      if (f.skip == "not a regular file") continue;
      if (f.skip.empty() && c.general && journal) {
        f.skip =
            "the journal holds the same messages; the security-relevant ones are "
            "shipped by the inputs of this file";
      }
      if (f.skip.empty()) covered |= c.covers;
      d.files.push_back(std::move(f));
    }
  }
  if (!journal) {
    if ((covered & kAuth) == 0) {
      d.notes.push_back(
          "No journal and no auth log found: sshd, sudo and su events are not shipped. Install "
          "rsyslog, or run the agent where the journal is.");
    }
    return d;
  }
  const unsigned wanted = kAllSecurityLogs & ~covered;
  if (covered & kAuth) {
    d.notes.push_back(
        "sshd, sudo, su and logins come from the auth log above, not from the journal, so that "
        "each line is shipped once.");
  }
  if (covered & kCron) d.notes.push_back("cron comes from its log file above.");
  if (covered & kAudit) {
    d.notes.push_back("audit records come from audit.log above, not from the journal.");
  }
  if (wanted == 0) return d;
  d.journald = security_journald_config(wanted);
  d.notes.insert(
      d.notes.begin(),
      fmt::format("The journal ({}) holds the security programs' messages{}: the "
                  "units and identifiers below select them.",
                  d.journal_dir, (wanted & kAuth) ? " (no auth log is written on this host)" : ""));
  return d;
}

std::string render_discovered_config(const Discovery& d, const DiscoveryOptions& o) {
  std::string y;
  y += "# soc-agent configuration proposed by `soc-agent --discover`";
  if (o.root != "/") y += " (looking under " + o.root + ")";
  y += ".\n";
  y += "# Check it with: soc-agent --check-config FILE. Run --discover again after installing a\n";
  y += "# service whose logs the SOC should see, and compare.\n\n";
  y += "# Code of the agency or unit that owns this host (department, district, commune).\n";
  y += "org: " + (o.org.empty() ? std::string("CHANGE-ME") : yaml_quote(o.org)) + "\n\n";
  y += "# host: web01.example.gov.vn   # default: the machine's fully qualified host name\n\n";
  y += "state_dir: /var/lib/soc-agent\nlog_level: info\n\n";
  y += "kafka:\n";
  std::vector<std::string> brokers;
  for (size_t start = 0; start <= o.brokers.size();) {
    const size_t comma = std::min(o.brokers.find(',', start), o.brokers.size());
    if (comma > start) brokers.push_back(yaml_quote(o.brokers.substr(start, comma - start)));
    start = comma + 1;
  }
  if (brokers.empty()) brokers.push_back("kafka1.soc.example.gov.vn:9093");
  y += "  brokers: " + flow_list(brokers) + "\n";
  y += "  properties:\n";
  y += "    compression.type: lz4\n";
  y += "    # Production: TLS with the agent's own certificate (docs/sysadmin-guide.md, section "
       "5).\n";
  y += "    # Uncomment once the files exist: --check-config fails on a missing file.\n";
  y += "    # security.protocol: ssl\n";
  y += "    # ssl.ca.location: /etc/soc/tls/ca.pem\n";
  y += "    # ssl.certificate.location: /etc/soc/tls/agent.pem\n";
  y += "    # ssl.key.location: /etc/soc/tls/agent.key\n\n";

  const bool any_file = std::any_of(d.files.begin(), d.files.end(),
                                    [](const DiscoveredFile& f) { return f.skip.empty(); });
  if (!d.files.empty()) {
    y += "# Log files found on this host. A file counts when it is non-empty and was written in "
         "the\n";
    y += fmt::format("# last {} days; the others are listed commented out, with the reason.\n",
                     std::chrono::duration_cast<std::chrono::hours>(o.fresh_within).count() / 24);
    y += any_file ? "files:\n" : "# files:\n";
    for (const auto& f : d.files) {
      if (f.skip.empty()) {
        y += "  # " + f.what + "\n";
        y += "  - path: " + yaml_quote(f.path) + "\n";
      } else {
        y += "  # " + f.what + ": not shipped, " + f.skip + "\n";
        y += "  # - path: " + yaml_quote(f.path) + "\n";
      }
    }
    y += "\n";
  }
  for (const auto& n : d.notes) y += comment(n);
  if (d.journald) {
    y += "journald:\n";
    y += "  units: " + flow_list(d.journald->units, 9) + "\n";
    y += "  identifiers: " + flow_list(d.journald->identifiers, 15) + "\n";
  } else if (!any_file) {
    y += comment(
        "No input found: with none configured, the agent reads the local journal's security "
        "entries (README, \"Agent\"), once there is a journal.");
  }
  y += "\n";
  y += "# Syslog listeners, disk spool, heartbeat, /metrics and redaction: see config/agent.yaml\n";
  y += "# (/usr/share/doc/soc-agent/agent.yaml.example) and the sysadmin guide.\n";
  return y;
}

Status write_checked_config(const std::string& path, const std::string& text) {
  std::error_code ec;
  if (fs::exists(path, ec)) {
    return Error{path + " exists: write the proposal elsewhere and compare, or remove it first"};
  }
  const std::string scratch = fmt::format("{}.check.{}", path, ::getpid());
  if (auto st = write_file_atomic(scratch, text); !st) return st;
  auto checked = load_agent_config(scratch);
  ::unlink(scratch.c_str());
  if (!checked) {
    return Error{"the proposed configuration does not pass the check (not written): " +
                 checked.error()};
  }
  return write_file_atomic(path, text, 0640);
}

}  // namespace soc
