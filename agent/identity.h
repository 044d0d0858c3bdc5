// Who this agent is: a UUID generated once and kept in the state directory, and the host name.
#pragma once

#include <string>

#include "common/result.h"

namespace soc {

// Reads STATE_DIR/agent_id, creating it with a new random UUID (v4) the first time.
Result<std::string> load_or_create_agent_id(const std::string& state_dir);

// The fully qualified host name when the resolver knows one, else the kernel's host name.
std::string local_host_name();

}  // namespace soc
