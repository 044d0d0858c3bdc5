// socctl: the analyst's command line. Each command group registers itself (see command.h); main
// parses, then runs the one command chosen.
#include <fmt/format.h>
#include <sys/stat.h>
#include <CLI/CLI.hpp>

#include <exception>

#include "ctl/alerts_cmd.h"
#include "ctl/command.h"
#include "ctl/decoders_cmd.h"
#include "ctl/rules_cmd.h"

#ifndef SOC_VERSION
#define SOC_VERSION "unknown"
#endif

int main(int argc, char** argv) {
  // Owner-only unless a command says otherwise (import-sigma's rule files are for the collector).
  ::umask(077);
  CLI::App app{"socctl: command line for the SOC collector (alerts, rules, decoders)", "socctl"};
  app.set_version_flag("--version", "socctl " SOC_VERSION);
  app.require_subcommand(1);

  soc::ctl::CommandAction selected;
  soc::ctl::add_alerts_commands(app, selected);
  soc::ctl::add_rules_commands(app, selected);
  soc::ctl::add_decoders_commands(app, selected);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (!selected) return soc::ctl::kExitFailure;  // unreachable: a subcommand is required
  try {
    return selected();
  } catch (const std::exception& e) {  // a last resort: report, never abort with a core dump
    return soc::ctl::report_failure(e.what());  // escaped: it may quote input
  }
}
