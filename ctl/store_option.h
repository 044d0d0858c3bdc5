// The --store option shared by every command that reads the alert store directly.
#pragma once

#include <string>

#include "ctl/command.h"

namespace soc::ctl {

inline constexpr const char* kDefaultStoreDir = "/var/lib/soc-collector/store";
inline constexpr const char* kStoreEnv = "SOC_STORE";

// Adds `--store DIR` to `cmd`: the command line wins, then $SOC_STORE, then kDefaultStoreDir.
void add_store_option(CLI::App& cmd, std::string& dir);

}  // namespace soc::ctl
