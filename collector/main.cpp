// soc-collector: consumes events from Kafka, detects attacks and keeps alerts in RocksDB.
// main() parses the command line and wires the parts: the process setup (collector_process.h),
// the configuration (collector_config.h), the rules and decoders (detection_loader.h), SIGHUP
// reloads (config_reload.h) and the running service (collector_service.h).
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>

#include "collector/collector_config.h"
#include "collector/collector_process.h"
#include "collector/collector_service.h"
#include "collector/config_reload.h"
#include "collector/detection_loader.h"
#include "common/logging.h"

int main(int argc, char** argv) {
  soc::set_collector_process_defaults();
  CLI::App app{"soc-collector: detection and alert store of the provincial SOC"};
  std::string config_path;
  std::string check_path;
  bool skip_broken = false;
  app.add_option("-c,--config", config_path, "collector configuration file (YAML)");
  app.add_option("--check-config", check_path,
                 "validate a configuration file and its rule pack, then exit");
  app.add_flag("--skip-broken-rules", skip_broken, "load the valid rules, report the broken ones");
  bool config_reference = false;
  app.add_flag("--config-reference", config_reference,
               "print every configuration key (type, default, range, help) as markdown and exit");
  app.set_version_flag("--version", std::string("soc-collector ") + SOC_VERSION);
  CLI11_PARSE(app, argc, argv);
  if (config_reference) {
    std::cout << soc::collector_config_reference();
    return 0;
  }

  // Signals first: a reload requested while the rules compile must not kill us.
  soc::ProcessSignals::install();

  const bool checking = !check_path.empty();
  if (checking) config_path = check_path;
  if (config_path.empty()) {
    std::cerr << "soc-collector: --config FILE is required (see --help)\n";
    return 2;
  }
  auto cfg = soc::load_collector_config(config_path);
  if (!cfg) {
    std::cerr << "soc-collector: " << cfg.error() << "\n";
    return 2;
  }
  if (!soc::init_logging("soc-collector", cfg->log_level)) {
    std::cerr << "soc-collector: " << config_path << ": unknown log_level '" << cfg->log_level
              << "'\n";
    return 2;
  }
  // A check compiles for itself: it must not leave files of the wrong owner in the service's cache.
  auto engine = soc::load_collector_rules(*cfg, skip_broken, /*use_cache=*/!checking);
  if (!engine) {
    std::cerr << "soc-collector: " << engine.error() << "\n";
    return 2;
  }
  auto decoder = soc::load_collector_decoder(*cfg);
  if (!decoder) {
    std::cerr << "soc-collector: " << decoder.error() << "\n";
    return 2;
  }
  if (checking) {
    std::cout << check_path << ": OK (" << (*engine)->rules().size() << " rules)\n";
    return 0;
  }
  const soc::ConfigReload reload(config_path, *cfg, skip_broken);
  return soc::CollectorService::run(*cfg, std::move(*engine), std::move(*decoder),
                                    soc::ProcessSignals::stop(), soc::ProcessSignals::reload(),
                                    [&reload](soc::Pipeline& p) { reload(p); });
}
