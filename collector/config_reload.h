// SIGHUP: re-reads the collector's configuration file and re-compiles the rule pack it names.
#pragma once

#include <string>

#include "collector/collector_config.h"

namespace soc {

class Pipeline;

// All or nothing: on any error the running rules and settings stay and the error is logged with
// its file:line. Applied live: the rules (rules.dir, rules.skip_broken), user decoders, log_level
// and detect.batch_max; other changed settings are named in a warning (they need a restart).
class ConfigReload {
 public:
  // `running` is the configuration the process started with; it must outlive this object.
  ConfigReload(std::string config_path, const CollectorConfig& running, bool skip_broken_flag)
      : config_path_(std::move(config_path)),
        running_(running),
        skip_broken_flag_(skip_broken_flag) {}

  // Called by the pipeline between two batches (Pipeline::ReloadHook).
  void operator()(Pipeline& pipeline) const;

 private:
  // Names, never values (kafka.properties may hold secrets), of settings that changed but take
  // effect only at the next restart.
  void warn_restart_only(const CollectorConfig& next) const;

  std::string config_path_;
  const CollectorConfig& running_;
  bool skip_broken_flag_;
};

}  // namespace soc
