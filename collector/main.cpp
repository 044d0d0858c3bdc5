// soc-collector: consumes events from Kafka, detects attacks and keeps alerts in RocksDB.
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <atomic>
#include <csignal>
#include <iostream>

#include "collector/collector_config.h"
#include "collector/detect/engine.h"
#include "collector/detect/rule.h"
#include "collector/embedded_broker.h"
#include "collector/pipeline.h"
#include "collector/store/alert_store.h"
#include "common/logging.h"

namespace {

std::atomic<bool> g_stop{false};
void on_signal(int) {
  g_stop.store(true);
}

// Loads and compiles the rule pack. A broken rule stops start-up unless skip_broken is set.
soc::Result<std::unique_ptr<soc::Engine>> load_engine(const std::string& dir, bool skip_broken) {
  std::vector<std::string> skipped;
  auto rules = soc::load_rules(dir, skip_broken, &skipped);
  if (!rules)
    return soc::Error{"broken rules (use rules.skip_broken to load the rest):\n" + rules.error()};
  for (const auto& s : skipped) spdlog::error("rule skipped: {}", s);
  const size_t n = rules->size();
  auto engine = soc::Engine::build(std::move(*rules));
  if (!engine) return soc::Error{engine.error()};
  spdlog::info("loaded {} rules from {} ({} skipped)", n, dir, skipped.size());
  return std::move(*engine);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"soc-collector: detection and alert store of the provincial SOC"};
  std::string config_path;
  std::string check_path;
  bool skip_broken = false;
  app.add_option("-c,--config", config_path, "collector configuration file (YAML)");
  app.add_option("--check-config", check_path,
                 "validate a configuration file and its rule pack, then exit");
  app.add_flag("--skip-broken-rules", skip_broken, "load the valid rules, report the broken ones");
  app.set_version_flag("--version", std::string("soc-collector ") + SOC_VERSION);
  CLI11_PARSE(app, argc, argv);

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
  auto engine = load_engine(cfg->rules_dir, skip_broken || cfg->skip_broken_rules);
  if (!engine) {
    std::cerr << "soc-collector: " << engine.error() << "\n";
    return 2;
  }
  if (checking) {
    std::cout << check_path << ": OK (" << (*engine)->rules().size() << " rules)\n";
    return 0;
  }

  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);

  auto store = soc::AlertStore::open(cfg->store_dir);
  if (!store) {
    spdlog::critical("{}", store.error());
    return 1;
  }
  std::unique_ptr<soc::EmbeddedBroker> broker;
  std::string bootstrap = cfg->kafka.brokers;
  if (bootstrap == "embedded") {
    auto b = soc::EmbeddedBroker::start(cfg->topic, cfg->embedded_partitions, cfg->bootstrap_file);
    if (!b) {
      spdlog::critical("{}", b.error());
      return 1;
    }
    broker = std::move(*b);
    bootstrap = broker->bootstrap();
  }
  int rc = 0;
  {
    auto pipeline = soc::Pipeline::create(*cfg, bootstrap, **engine, **store);
    if (!pipeline) {
      spdlog::critical("{}", pipeline.error());
      return 1;
    }
    if (auto st = (*pipeline)->run(g_stop); !st) {
      spdlog::critical("{}", st.error());
      rc = 1;
    }
  }  // the consumer closes (and leaves its group) before the broker goes away
  broker.reset();
  spdlog::info("stopped {}", rc == 0 ? "cleanly" : "on error");
  return rc;
}
