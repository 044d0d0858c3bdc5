#include "collector/pipeline_loss.h"

#include <fmt/format.h>

#include "collector/detect/alert_id.h"

namespace soc {

Detection make_pipeline_loss(const std::string& topic, const OffsetGap& gap,
                             const std::string& collector_host, SysTime now) {
  Detection d;
  d.rule.id = kPipelineLossRule;
  d.rule.title = "Events lost before detection (Kafka offsets skipped)";
  d.rule.title_vi = "Mất sự kiện trước khi phân tích (bỏ qua offset Kafka)";
  d.rule.severity = Severity::kHigh;
  d.host = collector_host;
  d.group = {{"kafka.topic", topic},
             {"kafka.partition", std::to_string(gap.partition)},
             {"kafka.offsets", fmt::format("{}-{}", gap.first, gap.last)},
             {"lost_events", std::to_string(gap.events())}};
  d.alert_id = make_alert_id(d.rule.id, "", d.group, 0);
  d.window_start = now;
  d.first_seen = now;
  d.last_seen = now;
  Envelope e;
  e.agent = "soc-collector";
  e.host = collector_host;
  e.src = fmt::format("kafka:{}[{}]", topic, gap.partition);
  e.ts = format_rfc3339_utc(now);
  e.msg = fmt::format("{} events lost at offsets {}..{}: {}", gap.events(), gap.first, gap.last,
                      gap.cause);
  d.evidence.push_back(std::move(e));
  d.count = 1;  // one gap; the number of events is in lost_events
  d.evidence_max = 1;
  return d;
}

}  // namespace soc
