// socctl decoders list: the collector's built-in decoders, offline (no collector needed).
#pragma once

#include "ctl/command.h"

namespace soc::ctl {

// Registers `decoders` with its subcommand `list` on `app`.
void add_decoders_commands(CLI::App& app, CommandAction& selected);

}  // namespace soc::ctl
