// Matching events against all rules at once: `equals` values by hash, every other pattern of a
// field in one Hyperscan database scanned once per event (on the raw line and the message, patterns
// of gated rules in databases scanned only when a gate hit), and a rule's condition evaluated only
// when one of its trigger clauses hit. docs/architecture.md ("How the engine matches") tells why.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tsl/robin_map.h>

#include "collector/decode/event.h"
#include "collector/detect/rule.h"
#include "common/result.h"

namespace soc {

class DatabaseCache;

// The value rules see for `name`: the decoded field, else for a few envelope-backed names
// (event.original, host.name, organization.id, agent.id) the envelope's value.
std::optional<std::string_view> event_field(const Event& e, std::string_view name);

// The Hyperscan expression and flags for value `i` of `m` (literals are escaped and anchored).
// Not for kExists, which needs no pattern.
std::string hs_expression(const FieldMatcher& m, size_t i);
unsigned hs_flags(const FieldMatcher& m);

// Checks that Hyperscan accepts each of one rule's patterns (parsed, not compiled: the engine
// compiles each pattern once); the Error names the value's file:line:column and Hyperscan's
// reason. The loader uses it so a bad regex is reported at load, not when the pack is built. What
// only a full compile finds (a pattern too large) the engine's build reports, also by location.
Status check_rule_patterns(const Rule& rule);

class Engine {
  struct Private {};  // keeps construction to build() while letting it use make_unique

 public:
  explicit Engine(Private);

  // Per-thread scanning state (Hyperscan scratch and hit counters). One Scratch must not be used by
  // two threads at once; an Engine may be shared by any number of threads, each with its own.
  class Scratch {
   public:
    Scratch(Scratch&&) noexcept;
    Scratch& operator=(Scratch&&) noexcept;
    ~Scratch();

   private:
    friend class Engine;
    struct Impl;
    explicit Scratch(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
  };

  // Compiles every pattern of every rule. Fails when Hyperscan refuses a pattern (the Error names
  // the rule) or a rule's condition could hold without any positive clause hitting. With a
  // `cache`, databases built before for the same patterns are loaded from it instead, new ones
  // stored in it, and files this build did not use pruned beyond the cache's size cap.
  static Result<std::unique_ptr<Engine>> build(std::vector<Rule> rules,
                                               std::shared_ptr<DatabaseCache> cache = nullptr);

  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;
  ~Engine();

  Scratch make_scratch() const;

  // Indices into rules() of the rules whose whole condition holds for `e`, ascending. `scratch`
  // must come from this engine's make_scratch().
  std::vector<size_t> match(const Event& e, Scratch& scratch) const;
  // Same with the engine's own scratch: convenient, but not thread-safe.
  std::vector<size_t> match(const Event& e) const;

  // Why rules matched, for rule authors (socctl rules test): per matching rule, the clauses whose
  // patterns hit and which of their values. Slower than match() and not thread-safe.
  struct ClauseHit {
    uint32_t clause = 0;           // index into the rule's clauses
    std::vector<uint32_t> values;  // indices into the clause's values (empty for exists)
  };
  struct RuleMatch {
    size_t rule = 0;
    std::vector<ClauseHit> hits;  // ascending by clause
  };
  std::vector<RuleMatch> explain(const Event& e) const;

  // Number of Hyperscan databases and of patterns (hashed `equals` values included).
  size_t database_count() const;
  size_t pattern_count() const { return pattern_count_; }
  // How build() got its databases: loaded from the cache, or compiled.
  struct BuildStats {
    size_t loaded = 0;
    size_t compiled = 0;
  };
  const BuildStats& build_stats() const { return build_stats_; }

  const std::vector<Rule>& rules() const { return rules_; }
  // The index into rules() of the rule with this id.
  std::optional<size_t> rule_index(std::string_view id) const;

  // Transparent hashing: look names and values up by string_view without building a string.
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

 private:
  struct FieldDb;

  std::vector<Rule> rules_;
  tsl::robin_map<std::string_view, size_t, NameHash> index_of_rule_;  // views rules_' ids
  std::vector<FieldDb> dbs_;
  // Open addressing over a power-of-two table: std::unordered_map's division and node hop per
  // lookup showed as the engine's largest cost outside Hyperscan.
  tsl::robin_map<std::string, uint32_t, NameHash, std::equal_to<>> db_of_field_;
  // Databases of the names event_field() can fill from the envelope when no decoder set them.
  std::vector<uint32_t> envelope_dbs_;
  std::vector<uint32_t> clause_base_;  // rule -> index of its first clause in the flat counters
  std::vector<uint32_t> clause_need_;  // flat clause -> pattern hits needed (1, or all values)
  static constexpr uint32_t kNoDatabase = UINT32_MAX;
  std::vector<uint32_t> exists_db_;  // flat clause -> its field's database if `exists`, else none
  std::vector<const FieldMatcher*> intel_clause_;  // flat clause -> the clause if `in_list`
  // Flat clause -> its own database, for clauses settled only for candidates (see RulePlan).
  struct Settled;
  std::vector<Settled> settled_;
  uint32_t clause_total_ = 0;
  size_t pattern_count_ = 0;
  std::shared_ptr<DatabaseCache> cache_;  // also feeds explain()
  BuildStats build_stats_;
  mutable std::unique_ptr<Scratch> own_scratch_;
  struct Explained;
  mutable std::vector<Explained> explained_;  // per flat clause, built by explain() as needed
};

}  // namespace soc
