#include "collector/config_reload.h"

#include <spdlog/spdlog.h>

#include <sstream>

#include "collector/detection_loader.h"
#include "collector/pipeline.h"

namespace soc {
namespace {

// Logs a multi-line message one line per record, so each file:line error is its own journal
// entry.
void log_lines(spdlog::level::level_enum level, const std::string& prefix,
               const std::string& text) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) spdlog::log(level, "{}{}", prefix, line);
  }
}

}  // namespace

void ConfigReload::warn_restart_only(const CollectorConfig& next) const {
  const auto warn = [&](bool changed, const char* what) {
    if (changed) {
      spdlog::warn("reload: {} changed in {}: takes effect at the next restart", what,
                   next.source_file);
    }
  };
  warn(running_.kafka.brokers != next.kafka.brokers, "kafka.brokers");
  warn(running_.kafka.properties != next.kafka.properties, "kafka.properties");
  warn(running_.topic != next.topic, "kafka.topic");
  warn(running_.group != next.group, "kafka.group");
  warn(running_.bootstrap_file != next.bootstrap_file, "embedded_broker.bootstrap_file");
  warn(running_.embedded_partitions != next.embedded_partitions, "embedded_broker.partitions");
  warn(running_.embedded_max_message_bytes != next.embedded_max_message_bytes,
       "embedded_broker.max_message_bytes");
  warn(running_.store_dir != next.store_dir, "store.path");
}

void ConfigReload::operator()(Pipeline& pipeline) const {
  spdlog::info("SIGHUP: reloading {} and its rule pack", config_path_);
  const auto keep = [&] {
    spdlog::error("reload failed: still running the previous {} rules and settings",
                  pipeline.engine().rules().size());
  };
  auto cfg = load_collector_config(config_path_);
  if (!cfg) {
    log_lines(spdlog::level::err, "reload: ", cfg.error());
    return keep();
  }
  const auto level = spdlog::level::from_str(cfg->log_level);
  if (level == spdlog::level::off && cfg->log_level != "off") {
    spdlog::error("reload: {}: unknown log_level '{}'", config_path_, cfg->log_level);
    return keep();
  }
  auto engine = load_collector_rules(*cfg, skip_broken_flag_, /*use_cache=*/true);
  if (!engine) {
    log_lines(spdlog::level::err, "reload: ", engine.error());
    return keep();
  }
  auto decoder = load_collector_decoder(*cfg);
  if (!decoder) {
    log_lines(spdlog::level::err, "reload: ", decoder.error());
    return keep();
  }
  warn_restart_only(*cfg);
  const size_t n = (*engine)->rules().size();
  pipeline.replace_engine(std::move(*engine));
  pipeline.replace_decoder(std::move(*decoder));
  pipeline.set_batch_max(cfg->batch_max);
  spdlog::set_level(level);
  spdlog::info("reload done: {} rules in use; threshold counts start afresh", n);
}

}  // namespace soc
