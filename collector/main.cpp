// soc-collector: consumes events from Kafka, detects attacks and keeps alerts in RocksDB.
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <malloc.h>
#include <sys/stat.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <sstream>

#include "collector/collector_config.h"
#include "collector/decode/decoder.h"
#include "collector/decode/user_decoder.h"
#include "collector/detect/database_cache.h"
#include "collector/detect/engine.h"
#include "collector/detect/rule.h"
#include "collector/embedded_broker.h"
#include "collector/pipeline.h"
#include "collector/store/alert_store.h"
#include "common/logging.h"

namespace {

// How long a stop waits for Kafka to let the consumer leave its group.
constexpr std::chrono::milliseconds kConsumerCloseDeadline{10000};

std::atomic<bool> g_stop{false};
std::atomic<bool> g_reload{false};
void on_signal(int) {
  g_stop.store(true);
}
void on_sighup(int) {
  g_reload.store(true);
}

// Logs a multi-line message one line per record, so each file:line error is its own journal
// entry.
void log_lines(spdlog::level::level_enum level, const std::string& prefix,
               const std::string& text) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) spdlog::log(level, "{}{}", prefix, line);
  }
}

// Loads and compiles the rule pack, with the databases of `cache_dir` when it is usable (none
// when empty). A broken rule stops start-up unless skip_broken is set.
soc::Result<std::unique_ptr<soc::Engine>> load_engine(const std::string& dir, bool skip_broken,
                                                      const std::string& cache_dir) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::string> skipped;
  auto rules = soc::load_rules(dir, skip_broken, &skipped);
  if (!rules)
    return soc::Error{"broken rules (use rules.skip_broken to load the rest):\n" + rules.error()};
  for (const auto& s : skipped) spdlog::error("rule skipped: {}", s);
  std::shared_ptr<soc::DatabaseCache> cache;
  if (!cache_dir.empty()) {
    if (auto opened = soc::DatabaseCache::open(cache_dir); opened.ok()) {
      cache = std::move(*opened);
    } else {
      spdlog::warn("rule database cache off (rules compile at every start): {}", opened.error());
    }
  }
  const size_t n = rules->size();
  auto engine = soc::Engine::build(std::move(*rules), cache);
  if (!engine) return soc::Error{engine.error()};
  const auto& built = (*engine)->build_stats();
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  spdlog::info(
      "loaded {} rules from {} ({} skipped) in {:.2f} s: {} databases from the cache, {} "
      "compiled",
      n, dir, skipped.size(), took.count(), built.loaded, built.compiled);
  if (cache && cache->stats().rejected + cache->stats().store_failed > 0) {
    spdlog::debug("rule database cache {}: {} files rejected, {} writes failed", cache->dir(),
                  cache->stats().rejected, cache->stats().store_failed);
  }
  return std::move(*engine);
}

// The built-in decoders plus the user decoders of `decoders_dir` (none when empty), reading
// zone-less timestamps in the configured zone.
soc::Result<std::unique_ptr<soc::Decoder>> load_decoder(const soc::CollectorConfig& cfg) {
  auto zone = soc::LogZone::parse(cfg.timezone);
  if (!zone) return soc::Error{zone.error()};
  soc::UserDecoders user;
  if (!cfg.decoders_dir.empty()) {
    auto loaded = soc::load_user_decoders(cfg.decoders_dir);
    if (!loaded) return soc::Error{"broken user decoders:\n" + loaded.error()};
    user = std::move(*loaded);
    user.set_limits(cfg.decoder_limits);
    spdlog::info(
        "loaded {} user decoders from {} ({})", user.size(), cfg.decoders_dir,
        user.jit() ? "PCRE2 JIT" : "PCRE2 interpreter: no JIT where MemoryDenyWriteExecute=yes");
  }
  spdlog::info("zone-less log timestamps are read in {}", zone->name());
  return std::make_unique<soc::Decoder>(std::move(user), std::move(*zone), cfg.future_tolerance);
}

// Settings the running process cannot change: they take effect at the next restart. Names only,
// never values (kafka.properties may hold secrets).
void warn_restart_only(const soc::CollectorConfig& running, const soc::CollectorConfig& next) {
  const auto warn = [&](bool changed, const char* what) {
    if (changed) {
      spdlog::warn("reload: {} changed in {}: takes effect at the next restart", what,
                   next.source_file);
    }
  };
  warn(running.kafka.brokers != next.kafka.brokers, "kafka.brokers");
  warn(running.kafka.properties != next.kafka.properties, "kafka.properties");
  warn(running.topic != next.topic, "kafka.topic");
  warn(running.group != next.group, "kafka.group");
  warn(running.bootstrap_file != next.bootstrap_file, "embedded_broker.bootstrap_file");
  warn(running.embedded_partitions != next.embedded_partitions, "embedded_broker.partitions");
  warn(running.embedded_max_message_bytes != next.embedded_max_message_bytes,
       "embedded_broker.max_message_bytes");
  warn(running.store_dir != next.store_dir, "store.path");
}

// SIGHUP: re-reads the configuration file and re-compiles the rule pack it names. All or
// nothing: on any error the running rules and settings stay and the error is logged with its
// file:line. Applied live: the rules (rules.dir, rules.skip_broken), user decoders, log_level and
// detect.batch_max.
void reload(soc::Pipeline& pipeline, const std::string& config_path,
            const soc::CollectorConfig& running, bool skip_broken_flag) {
  spdlog::info("SIGHUP: reloading {} and its rule pack", config_path);
  const auto keep = [&] {
    spdlog::error("reload failed: still running the previous {} rules and settings",
                  pipeline.engine().rules().size());
  };
  auto cfg = soc::load_collector_config(config_path);
  if (!cfg) {
    log_lines(spdlog::level::err, "reload: ", cfg.error());
    return keep();
  }
  const auto level = spdlog::level::from_str(cfg->log_level);
  if (level == spdlog::level::off && cfg->log_level != "off") {
    spdlog::error("reload: {}: unknown log_level '{}'", config_path, cfg->log_level);
    return keep();
  }
  auto engine =
      load_engine(cfg->rules_dir, skip_broken_flag || cfg->skip_broken_rules, cfg->rules_cache_dir);
  if (!engine) {
    log_lines(spdlog::level::err, "reload: ", engine.error());
    return keep();
  }
  auto decoder = load_decoder(*cfg);
  if (!decoder) {
    log_lines(spdlog::level::err, "reload: ", decoder.error());
    return keep();
  }
  warn_restart_only(running, *cfg);
  const size_t n = (*engine)->rules().size();
  pipeline.replace_engine(std::move(*engine));
  pipeline.replace_decoder(std::move(*decoder));
  pipeline.set_batch_max(cfg->batch_max);
  spdlog::set_level(level);
  spdlog::info("reload done: {} rules in use; threshold counts start afresh", n);
}

}  // namespace

int main(int argc, char** argv) {
  // RocksDB creates the alert store's files through the umask (it has no mode option), and alerts
  // carry personal data: owner-only. The bootstrap file is made 0644 on purpose below.
  ::umask(077);
  // A fixed threshold (instead of glibc's, which rises to the largest block freed so far) keeps
  // large blocks - a big message and its copies - in their own mappings, returned when freed.
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);
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

  // Signals first: a reload requested while the rules compile at start-up must not kill us
  // (SIGHUP's default action); it is served after the first batch.
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  struct sigaction hup {};
  hup.sa_handler = on_sighup;
  hup.sa_flags = SA_RESTART;
  sigaction(SIGHUP, &hup, nullptr);

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
  auto engine = load_engine(cfg->rules_dir, skip_broken || cfg->skip_broken_rules,
                            checking ? "" : cfg->rules_cache_dir);
  if (!engine) {
    std::cerr << "soc-collector: " << engine.error() << "\n";
    return 2;
  }
  auto decoder = load_decoder(*cfg);
  if (!decoder) {
    std::cerr << "soc-collector: " << decoder.error() << "\n";
    return 2;
  }
  if (checking) {
    std::cout << check_path << ": OK (" << (*engine)->rules().size() << " rules)\n";
    return 0;
  }

  auto store = soc::AlertStore::open(cfg->store_dir);
  if (!store) {
    spdlog::critical("{}", store.error());
    return 1;
  }
  std::unique_ptr<soc::EmbeddedBroker> broker;
  std::string bootstrap = cfg->kafka.brokers;
  if (bootstrap == "embedded") {
    auto b = soc::EmbeddedBroker::start(cfg->topic, cfg->embedded_partitions, cfg->bootstrap_file,
                                        cfg->embedded_max_message_bytes);
    if (!b) {
      spdlog::critical("{}", b.error());
      return 1;
    }
    broker = std::move(*b);
    bootstrap = broker->bootstrap();
  }
  int rc = 0;
  {
    auto pipeline =
        soc::Pipeline::create(*cfg, bootstrap, std::move(*decoder), std::move(*engine), **store);
    if (!pipeline) {
      spdlog::critical("{}", pipeline.error());
      return 1;
    }
    const bool skip_flag = skip_broken;
    const auto on_reload = [&](soc::Pipeline& p) { reload(p, config_path, *cfg, skip_flag); };
    if (auto st = (*pipeline)->run(g_stop, &g_reload, on_reload); !st) {
      spdlog::critical("{}", st.error());
      rc = 1;
    }
    // The consumer leaves its group before the broker goes away. When Kafka does not answer, the
    // stop must not hang: alerts and offsets are already durable, so close the store and exit
    // without waiting (the group notices after session.timeout.ms).
    if (!(*pipeline)->close(kConsumerCloseDeadline)) {
      spdlog::error("Kafka did not answer within {} s while leaving group {}: stopping without it",
                    kConsumerCloseDeadline.count() / 1000, cfg->group);
      (void)pipeline->release();  // its consumer is still closing on another thread
      store->reset();             // RocksDB closed cleanly
      broker.reset();
      spdlog::info("stopped {}", rc == 0 ? "cleanly" : "on error");
      spdlog::default_logger()->flush();
      std::_Exit(rc);
    }
  }
  broker.reset();
  spdlog::info("stopped {}", rc == 0 ? "cleanly" : "on error");
  return rc;
}
