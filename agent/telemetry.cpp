#include "agent/telemetry.h"

#include <fmt/format.h>

#include "common/envelope.h"

namespace soc {
namespace {

void json_str(std::string& out, std::string_view s) {
  out += '"';
  append_json_string(out, s);
  out += '"';
}

void json_map(std::string& out, const std::map<std::string, uint64_t>& m) {
  out += '{';
  bool first = true;
  for (const auto& [k, v] : m) {
    if (!first) out += ',';
    first = false;
    json_str(out, k);
    out += fmt::format(":{}", v);
  }
  out += '}';
}

// Label values escape backslash, quote and newline.
std::string label(std::string_view v) {
  std::string out;
  for (const char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

std::string heartbeat_json(const AgentSnapshot& s) {
  std::string out = "{\"v\":1,\"type\":\"heartbeat\",\"agent\":";
  json_str(out, s.agent);
  out += ",\"host\":";
  json_str(out, s.host);
  out += ",\"org\":";
  json_str(out, s.org);
  out += ",\"version\":";
  json_str(out, s.version);
  out += ",\"ts\":";
  json_str(out, s.ts);
  out += fmt::format(
      ",\"uptime_s\":{},\"spooling\":{},\"counters\":{{\"lines_read\":{},\"lines_sent\":{},"
      "\"lines_acked\":{},\"lines_spooled\":{},\"lines_redacted\":{},\"in_flight\":{},"
      "\"in_flight_bytes\":{},\"spool_bytes\":{},\"spool_segments\":{}}}",
      s.uptime_s, s.spooling ? "true" : "false", s.lines_read, s.lines_sent, s.lines_acked,
      s.lines_spooled, s.lines_redacted, s.in_flight, s.in_flight_bytes, s.spool_bytes,
      s.spool_segments);
  out += ",\"dropped\":";
  json_map(out, s.dropped);
  out += ",\"redactions\":";
  json_map(out, s.redactions);
  out += ",\"events\":";
  json_map(out, s.events);
  out += ",\"inputs\":[";
  for (size_t i = 0; i < s.inputs.size(); ++i) {
    if (i > 0) out += ',';
    out += "{\"name\":";
    json_str(out, s.inputs[i].name);
    out += fmt::format(",\"lag_bytes\":{},\"counters\":", s.inputs[i].lag_bytes);
    json_map(out, s.inputs[i].counters);
    out += '}';
  }
  out += "]}";
  return out;
}

std::string prometheus_text(const AgentSnapshot& s) {
  std::string out;
  const auto metric = [&](std::string_view name, std::string_view type, std::string_view help,
                          uint64_t v) {
    out += fmt::format("# HELP {0} {1}\n# TYPE {0} {2}\n{0} {3}\n", name, help, type, v);
  };
  metric("soc_agent_uptime_seconds", "gauge", "Seconds since the agent started.",
         static_cast<uint64_t>(s.uptime_s));
  metric("soc_agent_lines_read_total", "counter", "Lines handed over by the inputs.", s.lines_read);
  metric("soc_agent_lines_sent_total", "counter", "Lines given to Kafka.", s.lines_sent);
  metric("soc_agent_lines_acked_total", "counter", "Lines Kafka acknowledged.", s.lines_acked);
  metric("soc_agent_lines_spooled_total", "counter", "Lines written to the disk spool.",
         s.lines_spooled);
  metric("soc_agent_lines_redacted_total", "counter", "Lines with personal data redacted.",
         s.lines_redacted);
  metric("soc_agent_in_flight_lines", "gauge", "Lines waiting for Kafka's acknowledgement.",
         s.in_flight);
  metric("soc_agent_in_flight_bytes", "gauge", "Bytes waiting for Kafka's acknowledgement.",
         s.in_flight_bytes);
  metric("soc_agent_spool_bytes", "gauge", "Size of the disk spool.", s.spool_bytes);
  metric("soc_agent_spooling", "gauge", "1 while lines go to the disk spool.", s.spooling ? 1 : 0);
  out +=
      "# HELP soc_agent_lines_dropped_total Lines lost, by reason.\n"
      "# TYPE soc_agent_lines_dropped_total counter\n";
  for (const auto& [reason, v] : s.dropped) {
    out += fmt::format("soc_agent_lines_dropped_total{{reason=\"{}\"}} {}\n", label(reason), v);
  }
  out +=
      "# HELP soc_agent_redactions_total Personal data values replaced, by kind.\n"
      "# TYPE soc_agent_redactions_total counter\n";
  for (const auto& [kind, v] : s.redactions) {
    out += fmt::format("soc_agent_redactions_total{{kind=\"{}\"}} {}\n", label(kind), v);
  }
  out +=
      "# HELP soc_agent_events_total Notable events (spool damage, write errors ...).\n"
      "# TYPE soc_agent_events_total counter\n";
  for (const auto& [name, v] : s.events) {
    out += fmt::format("soc_agent_events_total{{event=\"{}\"}} {}\n", label(name), v);
  }
  out +=
      "# HELP soc_agent_input_lag_bytes Bytes written to an input not yet read.\n"
      "# TYPE soc_agent_input_lag_bytes gauge\n";
  for (const auto& in : s.inputs) {
    out +=
        fmt::format("soc_agent_input_lag_bytes{{input=\"{}\"}} {}\n", label(in.name), in.lag_bytes);
  }
  out +=
      "# HELP soc_agent_input_total Per-input counters (lines, bytes, rotations, open_errors "
      "...).\n"
      "# TYPE soc_agent_input_total counter\n";
  for (const auto& in : s.inputs) {
    for (const auto& [name, v] : in.counters) {
      out += fmt::format("soc_agent_input_total{{input=\"{}\",counter=\"{}\"}} {}\n",
                         label(in.name), label(name), v);
    }
  }
  return out;
}

}  // namespace soc
