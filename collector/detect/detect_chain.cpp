#include "collector/detect/detect_chain.h"

#include <utility>

#include "collector/detect/rule.h"

namespace soc {

Result<LoadedRulePack> load_rule_pack(const RulePackOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  LoadedRulePack out;
  auto rules = load_rules(o.dir, o.skip_broken, &out.skipped, &out.files, o.intel_dir);
  if (!rules) return Error{"broken rules (" + o.broken_hint + "):\n" + rules.error()};
  auto engine = Engine::build(std::move(rules).value(), o.cache);
  if (!engine) return Error{engine.error()};
  out.engine = std::move(engine).value();
  out.took = std::chrono::steady_clock::now() - start;
  return out;
}

Result<LoadedDecoder> load_decoder(const DecoderOptions& o) {
  auto zone = LogZone::parse(o.timezone);
  if (!zone) return Error{zone.error()};
  UserDecoders user;
  size_t count = 0;
  bool jit = false;
  if (!o.user_dir.empty()) {
    auto loaded = load_user_decoders(o.user_dir);
    if (!loaded) return Error{"broken user decoders:\n" + loaded.error()};
    user = std::move(loaded).value();
    user.set_limits(o.limits);
    count = user.size();
    jit = user.jit();
  }
  std::string name = zone->name();
  return LoadedDecoder{Decoder(std::move(user), std::move(zone).value(), o.future_tolerance),
                       std::move(name), count, jit};
}

DetectChain::DetectChain(Decoder decoder, std::shared_ptr<const Engine> engine, size_t max_groups,
                         ProcessTable::Limits processes)
    : decoder_(std::move(decoder)),
      assembler_(16, processes),
      engine_(std::move(engine)),
      detector_(std::make_unique<Detector>(*engine_, max_groups)),
      max_groups_(max_groups) {}

void DetectChain::replace_engine(std::shared_ptr<const Engine> engine) {
  evicted_before_ += detector_->evicted_groups();
  future_before_ += detector_->future_events();
  // The new detector first, then the old one goes before the engine it refers to.
  auto detector = std::make_unique<Detector>(*engine, max_groups_);
  detector->set_track_folded(track_folded_);
  detector_ = std::move(detector);
  engine_ = std::move(engine);
}

void DetectChain::replace_decoder(Decoder decoder) {
  const auto stats = decoder_.user_decoder_stats();
  decoders_before_.slow += stats.slow;
  decoders_before_.disabled += stats.disabled;
  decoder_ = std::move(decoder);
}

UserDecoders::Stats DetectChain::user_decoder_stats() const {
  auto stats = decoder_.user_decoder_stats();
  stats.slow += decoders_before_.slow;
  stats.disabled += decoders_before_.disabled;
  return stats;
}

}  // namespace soc
