// How urgent an alert is. Part of the model layer (collector/model): plain data shared by
// detection, the store and whatever reads alerts, with no dependency on the detection engine.
#pragma once

#include <optional>
#include <string_view>

namespace soc {

enum class Severity { kLow, kMedium, kHigh, kCritical };
std::string_view to_string(Severity s);
std::optional<Severity> parse_severity(std::string_view s);

}  // namespace soc
