// The collector's counters, in one metrics registry (common/metrics.h). The pipeline counts into
// it; the periodic `counters:` and `metrics:` log lines show it today, and the HTTPS API will
// serve registry.prometheus_text() at /metrics.
#pragma once

#include <cstddef>
#include <vector>

#include "collector/model/detection.h"
#include "common/metrics.h"

namespace soc {

struct CollectorMetrics {
  CollectorMetrics();
  CollectorMetrics(const CollectorMetrics&) = delete;
  CollectorMetrics& operator=(const CollectorMetrics&) = delete;

  // Counts rule detections by rule and by severity (pipeline-loss alerts are counted apart, as
  // lost_events).
  void count_detections(const std::vector<Detection>& detections, size_t n);

  MetricsRegistry registry;  // first: the references below point into it
  Counter& events;           // envelopes consumed
  Counter& bad_events;       // not a valid envelope: logged, counted, skipped
  Counter& detections;       // rule detections stored
  Counter& batches;
  Counter& lost_events;      // consumed offsets skipped: events never detected on
  Counter& offset_resets;    // librdkafka reset our position (auto.offset.reset); any thread
  Counter& foreign_members;  // group members seen that are not a soc-collector
  Counter& stalls;           // partitions with unread events and nothing arriving
  // Totals kept by the detector and the decoders (handed on across reloads), mirrored here
  // when the counters are logged.
  Counter& evicted_groups;
  Counter& future_events;
  Counter& user_decoder_slow;
  Counter& user_decoder_disabled;
  CounterFamily& detections_by_rule;      // label rule
  CounterFamily& detections_by_severity;  // label severity; every severity present from the start
  Histogram& batch_events;                // events per batch
};

}  // namespace soc
