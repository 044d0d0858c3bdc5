// The detection chain every consumer of events runs: decode -> join audit records
// (AuditAssembler) -> detect (Detector). The collector's pipeline, `socctl rules test`, the rule
// pack test and the benchmarks all use this one class, so what they measure and show is what the
// collector does. Also here: loading a rule pack and the decoders from their directories, as the
// collector and socctl both do.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "collector/decode/audit_assembler.h"
#include "collector/decode/decoder.h"
#include "collector/decode/event.h"
#include "collector/decode/user_decoder.h"
#include "collector/detect/database_cache.h"
#include "collector/detect/detector.h"
#include "collector/detect/engine.h"
#include "collector/model/detection.h"
#include "common/result.h"

namespace soc {

// --- loading -------------------------------------------------------------------------------------

struct RulePackOptions {
  std::string dir;
  bool skip_broken = false;  // load the rules that load; the others are listed in `skipped`
  std::shared_ptr<DatabaseCache> cache;  // compiled databases reused across starts; may be null
  std::string intel_dir;  // threat-intelligence lists for `in_list` (intel_list.h); empty: none
  // Appended to the error of a pack with broken rules, saying how to load the rest anyway.
  std::string broken_hint = "use skip_broken to load the rest";
};

struct LoadedRulePack {
  std::unique_ptr<Engine> engine;
  std::vector<std::string> skipped;  // file:line: reason of each rule left out (skip_broken)
  size_t files = 0;
  std::chrono::duration<double> took{};  // loading and building, wall time
};

// Loads every rule under `dir` and builds the engine.
Result<LoadedRulePack> load_rule_pack(const RulePackOptions& o);

struct DecoderOptions {
  std::string timezone = LogZone::kDefault;  // of zone-less timestamps (LogZone::parse)
  std::string user_dir;                      // user decoders (user_decoder.h); empty: none
  UserDecoders::Limits limits;
  std::chrono::seconds future_tolerance = Decoder::kFutureTolerance;
};

struct LoadedDecoder {
  Decoder decoder;
  std::string zone;          // the zone's name
  size_t user_decoders = 0;  // loaded from user_dir
  bool jit = false;          // the user decoders run PCRE2's JIT
};

// The built-in decoders plus the user decoders of `user_dir`.
Result<LoadedDecoder> load_decoder(const DecoderOptions& o);

// --- the chain -----------------------------------------------------------------------------------

// Single-threaded and stateful (threshold groups, audit records waiting for their event): one
// chain per stream of events. The engine is shared, read-only, between chains.
class DetectChain {
 public:
  // `processes`: the bound of the audit assembler's per-host process table (parents of execs).
  DetectChain(Decoder decoder, std::shared_ptr<const Engine> engine, size_t max_groups = 100000,
              ProcessTable::Limits processes = {});

  // Decodes `e` (its envelope set; its fields are replaced) and runs detection on what is
  // complete: `e` itself, or, for an audit record, the audit events it completed (none, or one
  // or more). For each such event calls on_event(Event& event, std::vector<Detection>& raised),
  // in order; the handler may move from both. `e` may be reused for the next line.
  template <typename OnEvent>
  void push(Event& e, OnEvent&& on_event) {
    decoder_.decode(e);
    if (assembler_.take(e)) {
      detect_ready(on_event);
      return;
    }
    auto raised = detector_->process(e);
    on_event(e, raised);
  }

  // Releases the audit events still waiting for records (the pipeline calls it at the end of a
  // batch, the tools at the end of their input) and runs detection on them.
  template <typename OnEvent>
  void flush(OnEvent&& on_event) {
    assembler_.flush();
    detect_ready(on_event);
  }

  // Detections list the events they count (Detector::set_track_folded); for measuring tools.
  void set_track_folded(bool on) {
    track_folded_ = on;
    detector_->set_track_folded(on);
  }

  // Swaps the rule engine: the detector is rebuilt, so threshold state starts afresh.
  void replace_engine(std::shared_ptr<const Engine> engine);
  void replace_decoder(Decoder decoder);

  const Engine& engine() const { return *engine_; }
  const Decoder& decoder() const { return decoder_; }
  const Detector& detector() const { return *detector_; }

  // Totals over the chain's life, including detectors and decoders replaced.
  uint64_t evicted_groups() const { return evicted_before_ + detector_->evicted_groups(); }
  uint64_t future_events() const { return future_before_ + detector_->future_events(); }
  UserDecoders::Stats user_decoder_stats() const;
  size_t group_count() const { return detector_->group_count(); }
  const ProcessTable& processes() const { return assembler_.processes(); }

 private:
  template <typename OnEvent>
  void detect_ready(OnEvent& on_event) {
    for (Event& done : assembler_.ready()) {
      auto raised = detector_->process(done);
      on_event(done, raised);
    }
    assembler_.recycle();
  }

  Decoder decoder_;
  AuditAssembler assembler_;
  std::shared_ptr<const Engine> engine_;  // declared before detector_: the detector refers to it
  std::unique_ptr<Detector> detector_;
  size_t max_groups_;
  bool track_folded_ = false;
  uint64_t evicted_before_ = 0;
  uint64_t future_before_ = 0;
  UserDecoders::Stats decoders_before_;
};

}  // namespace soc
