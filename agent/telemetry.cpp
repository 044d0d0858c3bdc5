#include "agent/telemetry.h"

#include <fmt/format.h>

#include "common/envelope.h"
#include "common/metrics.h"

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
  // A registry per scrape: the agent keeps its counts where they are made (inputs, shipper,
  // spool) and a scrape is rare; the registry writes the format.
  MetricsRegistry r;
  r.gauge("soc_agent_uptime_seconds", "Seconds since the agent started.")
      .set(static_cast<double>(s.uptime_s));
  r.counter("soc_agent_lines_read_total", "Lines handed over by the inputs.").inc(s.lines_read);
  r.counter("soc_agent_lines_sent_total", "Lines given to Kafka.").inc(s.lines_sent);
  r.counter("soc_agent_lines_acked_total", "Lines Kafka acknowledged.").inc(s.lines_acked);
  r.counter("soc_agent_lines_spooled_total", "Lines written to the disk spool.")
      .inc(s.lines_spooled);
  r.counter("soc_agent_lines_redacted_total", "Lines with personal data redacted.")
      .inc(s.lines_redacted);
  r.gauge("soc_agent_in_flight_lines", "Lines waiting for Kafka's acknowledgement.")
      .set(static_cast<double>(s.in_flight));
  r.gauge("soc_agent_in_flight_bytes", "Bytes waiting for Kafka's acknowledgement.")
      .set(static_cast<double>(s.in_flight_bytes));
  r.gauge("soc_agent_spool_bytes", "Size of the disk spool.")
      .set(static_cast<double>(s.spool_bytes));
  r.gauge("soc_agent_spooling", "1 while lines go to the disk spool.").set(s.spooling ? 1 : 0);
  auto& dropped =
      r.counter_family("soc_agent_lines_dropped_total", "Lines lost, by reason.", {"reason"});
  for (const auto& [reason, v] : s.dropped) dropped.with({reason}).inc(v);
  auto& redactions = r.counter_family("soc_agent_redactions_total",
                                      "Personal data values replaced, by kind.", {"kind"});
  for (const auto& [kind, v] : s.redactions) redactions.with({kind}).inc(v);
  auto& events = r.counter_family("soc_agent_events_total",
                                  "Notable events (spool damage, write errors ...).", {"event"});
  for (const auto& [name, v] : s.events) events.with({name}).inc(v);
  auto& lag = r.gauge_family("soc_agent_input_lag_bytes", "Bytes written to an input not yet read.",
                             {"input"});
  for (const auto& in : s.inputs) lag.with({in.name}).set(static_cast<double>(in.lag_bytes));
  auto& input = r.counter_family("soc_agent_input_total",
                                 "Per-input counters (lines, bytes, rotations, open_errors ...).",
                                 {"input", "counter"});
  for (const auto& in : s.inputs) {
    for (const auto& [name, v] : in.counters) input.with({in.name, name}).inc(v);
  }
  return r.prometheus_text();
}

}  // namespace soc
