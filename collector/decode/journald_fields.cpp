#include "collector/decode/journald_fields.h"

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace soc {
namespace {

// The keys the agent's journald input sends (agent/inputs/journald.h).
constexpr std::array<std::string_view, 9> kJournaldKeys = {
    "_SYSTEMD_UNIT", "SYSLOG_IDENTIFIER",   "_PID", "_UID", "_COMM", "_EXE", "_HOSTNAME",
    "PRIORITY",      "__REALTIME_TIMESTAMP"};

constexpr std::array<std::string_view, 8> kSeverityNames = {"emerg",   "alert",  "crit", "err",
                                                            "warning", "notice", "info", "debug"};

// 2200-01-01T00:00:00Z in microseconds: the limit parse_log_time() also uses, well inside SysTime.
constexpr uint64_t kMaxRealtimeUsec = 7258118400ULL * 1000000ULL;

std::string_view find(const Envelope& env, std::string_view key) {
  for (const auto& [k, v] : env.fields) {
    if (k == key) return v;
  }
  return {};
}

std::optional<uint64_t> parse_decimal(std::string_view s, size_t max_digits) {
  if (s.empty() || s.size() > max_digits) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

}  // namespace

bool is_journald(const Envelope& env) {
  for (const auto& [k, v] : env.fields) {
    for (auto key : kJournaldKeys) {
      if (k == key) return true;
    }
  }
  return false;
}

SyslogLine journald_line(const Envelope& env, std::string_view message, Fields& fields) {
  SyslogLine line;
  line.host = find(env, "_HOSTNAME");
  line.program = find(env, "SYSLOG_IDENTIFIER");
  if (line.program.empty()) line.program = find(env, "_COMM");
  line.tag = line.program;  // no separate tag: set_syslog_fields() then sets no appname
  if (const auto pid = find(env, "_PID"); parse_decimal(pid, 10)) line.pid = pid;
  line.message = message;
  if (const auto usec = parse_decimal(find(env, "__REALTIME_TIMESTAMP"), 20);
      usec && *usec > 0 && *usec < kMaxRealtimeUsec) {
    line.time = SysTime(std::chrono::duration_cast<SysTime::duration>(
        std::chrono::microseconds(static_cast<int64_t>(*usec))));
  }
  // PRIORITY is the severity alone (no facility), so log.syslog.priority stays unset.
  if (const auto p = parse_decimal(find(env, "PRIORITY"), 1); p && *p < kSeverityNames.size()) {
    fields.set("log.syslog.severity.code", std::to_string(*p));
    fields.set("log.syslog.severity.name", std::string(kSeverityNames[*p]));
    fields.set("log.level", std::string(kSeverityNames[*p]));
  }
  if (const auto uid = find(env, "_UID"); parse_decimal(uid, 10)) {
    fields.set("process.user.id", std::string(uid));
  }
  if (const auto exe = find(env, "_EXE"); !exe.empty()) {
    fields.set("process.executable", std::string(exe));
  }
  if (const auto unit = find(env, "_SYSTEMD_UNIT"); !unit.empty()) {
    fields.set("systemd.unit", std::string(unit));
  }
  return line;
}

}  // namespace soc
