#include "agent/telemetry.h"

#include <gtest/gtest.h>

#include "tests/unit/exposition_parser.h"

namespace soc {
namespace {

AgentSnapshot sample_snapshot() {
  AgentSnapshot s;
  s.uptime_s = 12;
  s.lines_read = 100;
  s.lines_sent = 90;
  s.lines_acked = 80;
  s.lines_spooled = 7;
  s.lines_redacted = 3;
  s.in_flight = 10;
  s.in_flight_bytes = 2048;
  s.spool_bytes = 4096;
  s.spooling = true;
  s.dropped = {{"delivery", 0}, {"spool_full", 5}};
  s.redactions = {{"cccd", 1}, {"phone", 2}};
  s.events = {{"spool_write_errors", 4}};
  // An input named after a file whose name an attacker may choose.
  s.inputs.push_back({"file:/var/log/x\"y\\z\nw.log", {{"lines", 60}, {"rotations", 1}}, 33});
  s.inputs.push_back({"journald", {{"lines", 40}}, 0});
  return s;
}

// What /metrics serves is valid exposition text with every family, and the values the
// integration tests grep for keep their names.
TEST(AgentTelemetry, MetricsAreValidExpositionTextWithTheSameNames) {
  const std::string text = prometheus_text(sample_snapshot());
  test::Exposition e;
  std::string error;
  ASSERT_TRUE(test::parse_exposition(text, e, error)) << error << "\n" << text;
  const std::map<std::string, std::string> types = {
      {"soc_agent_uptime_seconds", "gauge"},        {"soc_agent_lines_read_total", "counter"},
      {"soc_agent_lines_sent_total", "counter"},    {"soc_agent_lines_acked_total", "counter"},
      {"soc_agent_lines_spooled_total", "counter"}, {"soc_agent_lines_redacted_total", "counter"},
      {"soc_agent_in_flight_lines", "gauge"},       {"soc_agent_in_flight_bytes", "gauge"},
      {"soc_agent_spool_bytes", "gauge"},           {"soc_agent_spooling", "gauge"},
      {"soc_agent_lines_dropped_total", "counter"}, {"soc_agent_redactions_total", "counter"},
      {"soc_agent_events_total", "counter"},        {"soc_agent_input_lag_bytes", "gauge"},
      {"soc_agent_input_total", "counter"},
  };
  EXPECT_EQ(e.type, types);
  for (const auto& [name, type] : types) EXPECT_FALSE(e.help.at(name).empty()) << name;
  EXPECT_EQ(e.value("soc_agent_uptime_seconds"), 12);
  EXPECT_EQ(e.value("soc_agent_lines_read_total"), 100);
  EXPECT_EQ(e.value("soc_agent_spooling"), 1);
  EXPECT_EQ(e.value("soc_agent_lines_dropped_total", {{"reason", "spool_full"}}), 5);
  EXPECT_EQ(e.value("soc_agent_lines_dropped_total", {{"reason", "delivery"}}), 0);
  EXPECT_EQ(e.value("soc_agent_redactions_total", {{"kind", "phone"}}), 2);
  EXPECT_EQ(e.value("soc_agent_events_total", {{"event", "spool_write_errors"}}), 4);
  const std::string evil = "file:/var/log/x\"y\\z\nw.log";
  EXPECT_EQ(e.value("soc_agent_input_lag_bytes", {{"input", evil}}), 33);
  EXPECT_EQ(e.value("soc_agent_input_total", {{"input", evil}, {"counter", "rotations"}}), 1);
  EXPECT_EQ(e.value("soc_agent_input_total", {{"input", "journald"}, {"counter", "lines"}}), 40);
  // The exact lines tests/integration greps.
  EXPECT_NE(text.find("\n# TYPE soc_agent_lines_read_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("\nsoc_agent_input_lag_bytes{input=\"journald\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("\nsoc_agent_lines_spooled_total 7\n"), std::string::npos);
}

// A file name is bytes, not text: an input named with invalid UTF-8 (a glob matched a file whose
// name came from an upload) must not make Prometheus refuse the whole scrape. The byte is shown
// as the text \xff; the hand-formatted families wrote it raw.
TEST(AgentTelemetry, InputNamesThatAreNotUtf8KeepTheExpositionValid) {
  AgentSnapshot s = sample_snapshot();
  s.inputs.push_back({"file:/srv/upload/b\xe1o-c\xe1o\r.log", {{"lines", 2}}, 5});
  const std::string text = prometheus_text(s);
  test::Exposition e;
  std::string error;
  ASSERT_TRUE(test::parse_exposition(text, e, error)) << error;
  EXPECT_EQ(e.value("soc_agent_input_lag_bytes",
                    {{"input", "file:/srv/upload/b\\xe1o-c\\xe1o\\x0d.log"}}),
            5);
}

}  // namespace
}  // namespace soc
