#include "collector/collector_metrics.h"

#include "collector/model/severity.h"

namespace soc {

CollectorMetrics::CollectorMetrics()
    : events(registry.counter("soc_collector_events_total", "Events consumed from Kafka.")),
      bad_events(registry.counter("soc_collector_bad_events_total",
                                  "Events that are not a valid envelope, skipped.")),
      detections(registry.counter("soc_collector_detections_total",
                                  "Rule detections stored (new alerts and updates).")),
      batches(registry.counter("soc_collector_batches_total", "Batches stored and committed.")),
      lost_events(registry.counter("soc_collector_lost_events_total",
                                   "Events skipped in the consumed offsets, never detected on.")),
      offset_resets(registry.counter("soc_collector_offset_resets_total",
                                     "Consumer positions reset by librdkafka.")),
      foreign_members(registry.counter("soc_collector_foreign_members_total",
                                       "Consumer group members that are not a soc-collector.")),
      stalls(registry.counter("soc_collector_stalls_total",
                              "Partitions found with unread events and nothing arriving.")),
      evicted_groups(registry.counter("soc_collector_evicted_groups_total",
                                      "Threshold groups evicted by the detector's cap.")),
      future_events(registry.counter("soc_collector_future_events_total",
                                     "Events dated too far ahead, detected at their read time.")),
      user_decoder_slow(registry.counter("soc_collector_user_decoder_slow_total",
                                         "User decoder runs over their time budget.")),
      user_decoder_disabled(registry.counter("soc_collector_user_decoder_disabled_total",
                                             "User decoders disabled for being too slow.")),
      detections_by_rule(registry.counter_family("soc_collector_rule_detections_total",
                                                 "Rule detections stored, by rule.", {"rule"})),
      detections_by_severity(registry.counter_family("soc_collector_severity_detections_total",
                                                     "Rule detections stored, by severity.",
                                                     {"severity"})),
      batch_events(registry.histogram("soc_collector_batch_events", "Events per batch.",
                                      {1, 10, 100, 500, 1000, 2000, 5000, 10000})) {
  for (const Severity s :
       {Severity::kLow, Severity::kMedium, Severity::kHigh, Severity::kCritical}) {
    detections_by_severity.with({to_string(s)});
  }
}

void CollectorMetrics::count_detections(const std::vector<Detection>& list, size_t n) {
  for (size_t i = 0; i < n && i < list.size(); ++i) {
    // A mutex per detection, not per event: detections are rare next to events.
    detections_by_rule.with({list[i].rule.id}).inc();
    detections_by_severity.with({to_string(list[i].rule.severity)}).inc();
  }
}

}  // namespace soc
