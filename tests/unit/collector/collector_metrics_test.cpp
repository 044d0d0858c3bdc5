#include "collector/collector_metrics.h"

#include <gtest/gtest.h>

#include "tests/unit/exposition_parser.h"

namespace soc {
namespace {

Detection detection(const std::string& rule, Severity severity) {
  Detection d;
  d.rule.id = rule;
  d.rule.severity = severity;
  return d;
}

TEST(CollectorMetrics, CountsRenderAsValidExpositionText) {
  CollectorMetrics m;
  m.events += 1500;
  ++m.bad_events;
  m.batch_events.observe(1000);
  m.batch_events.observe(500);
  const std::vector<Detection> found = {
      detection("ssh-brute-force", Severity::kHigh), detection("ssh-brute-force", Severity::kHigh),
      detection("web-sqli", Severity::kMedium), detection("pipeline-loss", Severity::kCritical)};
  m.count_detections(found, 3);  // the last one is a pipeline-loss alert, counted apart
  const std::string text = m.registry.prometheus_text();
  test::Exposition e;
  std::string error;
  ASSERT_TRUE(test::parse_exposition(text, e, error)) << error << "\n" << text;
  EXPECT_EQ(e.value("soc_collector_events_total"), 1500);
  EXPECT_EQ(e.value("soc_collector_bad_events_total"), 1);
  EXPECT_EQ(e.value("soc_collector_lost_events_total"), 0);
  EXPECT_EQ(e.value("soc_collector_rule_detections_total", {{"rule", "ssh-brute-force"}}), 2);
  EXPECT_TRUE(
      std::isnan(e.value("soc_collector_rule_detections_total", {{"rule", "pipeline-loss"}})));
  EXPECT_EQ(e.value("soc_collector_severity_detections_total", {{"severity", "high"}}), 2);
  EXPECT_EQ(e.value("soc_collector_severity_detections_total", {{"severity", "critical"}}), 0);
  EXPECT_EQ(e.value("soc_collector_batch_events_bucket", {{"le", "500"}}), 1);
  EXPECT_EQ(e.value("soc_collector_batch_events_count"), 2);
  EXPECT_EQ(e.type.at("soc_collector_batch_events"), "histogram");
  EXPECT_NE(m.registry.compact_text().find("soc_collector_lost_events_total=0 "),
            std::string::npos);
}

}  // namespace
}  // namespace soc
