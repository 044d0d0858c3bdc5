// socctl alerts list|show: read alerts straight from the store, read-only.
#pragma once

#include "ctl/command.h"

namespace soc::ctl {

// Registers `alerts` with its subcommands `list` and `show` on `app`.
void add_alerts_commands(CLI::App& app, CommandAction& selected);

}  // namespace soc::ctl
