// socctl rules check|test|import-sigma: tools for rule authors, offline (no collector needed).
#pragma once

#include "ctl/command.h"

namespace soc::ctl {

// Registers `rules` with its subcommands `check`, `test` and `import-sigma` on `app`.
void add_rules_commands(CLI::App& app, CommandAction& selected);

}  // namespace soc::ctl
