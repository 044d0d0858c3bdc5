// The collector's rule pack and decoders, loaded as its configuration names them, with what the
// collector logs about them. Start-up and SIGHUP reloads (config_reload.h) both use it.
#pragma once

#include <memory>

#include "collector/collector_config.h"
#include "collector/decode/decoder.h"
#include "collector/detect/engine.h"
#include "common/result.h"

namespace soc {

// Loads and compiles rules.dir, with the databases of rules.cache_dir when `use_cache` and that
// directory is usable. A broken rule is an error unless rules.skip_broken or `skip_broken_flag`
// (--skip-broken-rules) is set.
Result<std::unique_ptr<Engine>> load_collector_rules(const CollectorConfig& cfg,
                                                     bool skip_broken_flag, bool use_cache);

// The built-in decoders plus the user decoders of decoders.dir, reading zone-less timestamps in
// decoders.timezone.
Result<Decoder> load_collector_decoder(const CollectorConfig& cfg);

}  // namespace soc
