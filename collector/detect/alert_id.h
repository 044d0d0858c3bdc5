// The content-derived alert id detection gives each Detection (collector/model/detection.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace soc {

// Hex of the first 16 bytes of SHA-256 over the length-prefixed parts.
std::string make_alert_id(std::string_view rule_id, std::string_view host,
                          const std::vector<std::pair<std::string, std::string>>& group,
                          int64_t window_start_unix);

}  // namespace soc
