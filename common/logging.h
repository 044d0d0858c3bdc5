// Process-wide logging setup (spdlog to stderr, which systemd sends to the journal).
#pragma once

#include <string>

namespace soc {

// Sets the default logger's name and level ("trace" ... "critical", "off"). Returns false for an
// unknown level name.
bool init_logging(const std::string& program, const std::string& level);

}  // namespace soc
