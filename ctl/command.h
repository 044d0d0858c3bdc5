// How socctl commands plug in. Each command group (alerts, later rules, agents, reports) has an
// add_*_commands(app, selected) that registers its CLI11 subcommands; when one of them is chosen
// on the command line it stores the work to do in `selected`, which main runs after parsing.
#pragma once

#include <functional>

namespace CLI {
class App;
}  // namespace CLI

namespace soc::ctl {

// Runs a parsed command; returns the process exit status.
using CommandAction = std::function<int()>;

// Exit statuses shared by all commands.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the command could not do its job; stderr says why

}  // namespace soc::ctl
