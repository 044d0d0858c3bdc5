// How socctl commands plug in. Each command group (alerts, later rules, agents, reports) has an
// add_*_commands(app, selected) that registers its CLI11 subcommands; when one of them is chosen
// on the command line it stores the work to do in `selected`, which main runs after parsing.
#pragma once

#include <functional>
#include <string_view>

namespace CLI {
class App;
}  // namespace CLI

namespace soc::ctl {

// Runs a parsed command; returns the process exit status.
using CommandAction = std::function<int()>;

// Exit statuses shared by all commands.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the command could not do its job; stderr says why

// Prints "socctl: MESSAGE" to stderr, escaped line by line with printable() (messages quote file
// names and input), and returns kExitFailure. Defined in output.cpp.
int report_failure(std::string_view message);

}  // namespace soc::ctl
