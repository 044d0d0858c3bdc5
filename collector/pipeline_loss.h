// The built-in `pipeline-loss` alert: events that reached the broker but that the collector will
// never run the rules on (trimmed by the broker, skipped by an offset reset, or taken by a group
// member that is not a collector). Stored like any rule's alert so analysts see the blind spot.
#pragma once

#include <string>

#include "collector/model/detection.h"
#include "collector/offset_tracker.h"
#include "common/clock.h"

namespace soc {

inline constexpr const char* kPipelineLossRule = "pipeline-loss";

// One detection per gap. The alert id comes from the topic, partition and offset range only, so
// the same gap found again after a restart (offsets not committed yet) updates the same alert;
// its one evidence line describes the gap, so the replay is not counted twice either.
Detection make_pipeline_loss(const std::string& topic, const OffsetGap& gap,
                             const std::string& collector_host, SysTime now);

}  // namespace soc
