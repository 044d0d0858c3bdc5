#include "collector/detection_loader.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "collector/detect/database_cache.h"
#include "collector/detect/detect_chain.h"

namespace soc {

Result<std::unique_ptr<Engine>> load_collector_rules(const CollectorConfig& cfg,
                                                     bool skip_broken_flag, bool use_cache) {
  RulePackOptions options{cfg.rules_dir, skip_broken_flag || cfg.skip_broken_rules, nullptr,
                          "use rules.skip_broken to load the rest"};
  if (use_cache && !cfg.rules_cache_dir.empty()) {
    if (auto opened = DatabaseCache::open(cfg.rules_cache_dir); opened.ok()) {
      options.cache = std::move(*opened);
    } else {
      spdlog::warn("rule database cache off (rules compile at every start): {}", opened.error());
    }
  }
  options.intel_dir = cfg.intel_dir;
  auto pack = load_rule_pack(options);
  if (!pack) return Error{pack.error()};
  for (const auto& s : pack->skipped) spdlog::error("rule skipped: {}", s);
  const auto& built = pack->engine->build_stats();
  spdlog::info(
      "loaded {} rules from {} ({} skipped) in {:.2f} s: {} databases from the cache, {} "
      "compiled",
      pack->engine->rules().size(), cfg.rules_dir, pack->skipped.size(), pack->took.count(),
      built.loaded, built.compiled);
  const auto& cache = options.cache;
  if (cache && cache->stats().rejected + cache->stats().store_failed > 0) {
    spdlog::debug("rule database cache {}: {} files rejected, {} writes failed", cache->dir(),
                  cache->stats().rejected, cache->stats().store_failed);
  }
  return std::move(pack->engine);
}

Result<Decoder> load_collector_decoder(const CollectorConfig& cfg) {
  auto loaded =
      load_decoder({cfg.timezone, cfg.decoders_dir, cfg.decoder_limits, cfg.future_tolerance});
  if (!loaded) return Error{loaded.error()};
  if (!cfg.decoders_dir.empty()) {
    spdlog::info(
        "loaded {} user decoders from {} ({})", loaded->user_decoders, cfg.decoders_dir,
        loaded->jit ? "PCRE2 JIT" : "PCRE2 interpreter: no JIT where MemoryDenyWriteExecute=yes");
  }
  spdlog::info("zone-less log timestamps are read in {}", loaded->zone);
  return std::move(loaded->decoder);
}

}  // namespace soc
