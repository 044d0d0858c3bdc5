#include "collector/detect/engine.h"

#include <fmt/format.h>
#include <hs/hs.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <new>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "collector/detect/database_cache.h"
#include "collector/detect/intel_list.h"

namespace soc {
namespace {

struct ScratchFree {
  void operator()(hs_scratch_t* s) const { hs_free_scratch(s); }
};
struct CompileErrorFree {
  void operator()(hs_compile_error_t* e) const { hs_free_compile_error(e); }
};
using DatabasePtr = HsDatabasePtr;
using ScratchPtr = std::unique_ptr<hs_scratch_t, ScratchFree>;
using CompileErrorPtr = std::unique_ptr<hs_compile_error_t, CompileErrorFree>;

// Every byte that is not a letter, digit or '_' becomes \xHH, so no literal can carry syntax.
std::string escape_literal(const std::string& s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() * 2);
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

struct Pattern {
  std::string expression;
  unsigned flags = 0;
};

// Where databases come from: `cache` when it has them (then `keys` records what a build used, for
// DatabaseCache::prune), else Hyperscan's compiler.
struct DatabaseSource {
  DatabaseCache* cache = nullptr;
  std::set<std::string> keys;
  size_t loaded = 0;
  size_t compiled = 0;
};

// Compiles patterns into one block-mode database, pattern i with Hyperscan id i, or loads the
// same database from the cache; the error names the failing pattern's index.
Result<DatabasePtr> compile(const std::vector<Pattern>& patterns, size_t* failed_index,
                            DatabaseSource* source = nullptr) {
  std::vector<const char*> exprs;
  std::vector<unsigned> flags;
  std::vector<unsigned> ids;
  for (const auto& p : patterns) {
    exprs.push_back(p.expression.c_str());
    flags.push_back(p.flags);
    ids.push_back(static_cast<unsigned>(ids.size()));
  }
  DatabaseCache* cache = source != nullptr ? source->cache : nullptr;
  std::string key;
  if (cache != nullptr) {
    key = DatabaseCache::key(exprs, flags, ids, HS_MODE_BLOCK);
    source->keys.insert(key);
    if (auto db = cache->load(key)) {
      ++source->loaded;
      return db;
    }
  }
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  const hs_error_t rc =
      hs_compile_multi(exprs.data(), flags.data(), ids.data(), static_cast<unsigned>(exprs.size()),
                       HS_MODE_BLOCK, nullptr, &db, &err);
  if (rc != HS_SUCCESS) {
    CompileErrorPtr guard(err);
    *failed_index = err != nullptr && err->expression >= 0 ? static_cast<size_t>(err->expression)
                                                           : patterns.size();
    return Error{err != nullptr ? err->message : "hs_compile_multi failed"};
  }
  DatabasePtr out(db);
  if (source != nullptr) ++source->compiled;
  if (cache != nullptr) cache->store(key, *out);
  return out;
}

// Why Hyperscan refuses one pattern, or nothing. hs_expression_info parses without building a
// database (far cheaper than compiling); it does not check for a match of the empty buffer, so
// a pattern that may match zero bytes is compiled alone for Hyperscan's verdict.
std::optional<std::string> pattern_error(const Pattern& p) {
  hs_expr_info_t* info = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_expression_info(p.expression.c_str(), p.flags, &info, &err) != HS_SUCCESS) {
    CompileErrorPtr guard(err);
    return std::string(err != nullptr ? err->message : "hs_expression_info failed");
  }
  const bool may_be_empty = info->min_width == 0;
  std::free(info);  // Hyperscan allocates it with the default allocator (malloc)
  if (!may_be_empty || (p.flags & HS_FLAG_ALLOWEMPTY) != 0) return std::nullopt;
  size_t failed = 0;
  if (auto db = compile({p}, &failed); !db.ok()) return db.error();
  return std::nullopt;
}

// One block scan of `value`. Fails only on misuse (wrong scratch, corrupt database), which build()
// rules out.
void scan_value(const hs_database_t* db, std::string_view value, hs_scratch_t* scratch,
                match_event_handler on_match, void* ctx) {
  static constexpr char kEmpty[] = "";  // Hyperscan wants a valid pointer even for no bytes
  hs_scan(db, value.empty() ? kEmpty : value.data(), static_cast<unsigned>(value.size()), 0,
          scratch, on_match, ctx);
}

// Whether at least `need` patterns of `db` hit `value` (absent: none). Patterns are SINGLEMATCH,
// so each reports once; the scan stops as soon as enough did.
bool scan_count(const hs_database_t* db, std::optional<std::string_view> value, uint32_t need,
                hs_scratch_t* scratch) {
  if (!value) return false;
  struct Count {
    uint32_t have = 0;
    uint32_t need = 0;
  } count{0, need};
  scan_value(
      db, *value, scratch,
      [](unsigned, unsigned long long, unsigned long long, unsigned, void* ctx) -> int {
        auto& c = *static_cast<Count*>(ctx);
        return ++c.have >= c.need ? 1 : 0;  // non-zero stops the scan
      },
      &count);
  return count.have >= need;
}

}  // namespace

std::optional<std::string_view> event_field(const Event& e, std::string_view name) {
  if (auto v = e.fields.get(name)) return v;
  if (name == "event.original") return std::string_view(e.env.msg);
  if (name == "host.name" && !e.env.host.empty()) return std::string_view(e.env.host);
  if (name == "organization.id" && !e.env.org.empty()) return std::string_view(e.env.org);
  if (name == "agent.id" && !e.env.agent.empty()) return std::string_view(e.env.agent);
  return std::nullopt;
}

std::string hs_expression(const FieldMatcher& m, size_t i) {
  const std::string& v = m.values.at(i);
  // \A and \z are absolute buffer anchors: unlike $, \z does not also match before a final "\n".
  switch (m.kind) {
    case MatchKind::kEquals:
      return "\\A" + escape_literal(v) + "\\z";
    case MatchKind::kContains:
      return escape_literal(v);
    case MatchKind::kStartsWith:
      return "\\A" + escape_literal(v);
    case MatchKind::kEndsWith:
      return escape_literal(v) + "\\z";
    case MatchKind::kRegex:
      return v;
    case MatchKind::kExists:
    case MatchKind::kInList:
      break;  // no pattern: the engine checks presence or list membership itself
  }
  return v;
}

unsigned hs_flags(const FieldMatcher& m) {
  // SINGLEMATCH: we only need to know that a pattern hit, once. DOTALL: '.' also crosses newlines
  // inside a field. ALLOWEMPTY only for equals "" (field present and empty); an empty-matching
  // regex would match every value, so Hyperscan's refusal of it is reported as a rule error.
  unsigned f = HS_FLAG_SINGLEMATCH | HS_FLAG_DOTALL;
  if (m.nocase) f |= HS_FLAG_CASELESS;
  if (m.kind == MatchKind::kEquals) f |= HS_FLAG_ALLOWEMPTY;
  return f;
}

namespace {

// Every value of `m` (not kExists), value i as pattern i.
std::vector<Pattern> value_patterns(const FieldMatcher& m) {
  std::vector<Pattern> patterns;
  for (size_t i = 0; i < m.values.size(); ++i)
    patterns.push_back({hs_expression(m, i), hs_flags(m)});
  return patterns;
}

}  // namespace

Status check_rule_patterns(const Rule& rule) {
  for (const auto& m : rule.clauses) {
    if (m.kind == MatchKind::kExists || m.kind == MatchKind::kInList) continue;
    for (size_t i = 0; i < m.values.size(); ++i) {
      // An escaped literal (letters, digits, _ and \xHH between optional \A and \z) always
      // parses; only an empty one can be refused. Most of a pack's patterns are literals.
      if (m.kind != MatchKind::kRegex && !m.values[i].empty()) continue;
      if (const auto why = pattern_error({hs_expression(m, i), hs_flags(m)})) {
        const std::string what = m.kind == MatchKind::kRegex ? "regex" : "pattern";
        return Error{fmt::format("{}: {} '{}' for field '{}' rejected by Hyperscan: {}", m.where,
                                 what, m.values[i], m.field, *why)};
      }
    }
  }
  return Ok{};
}

// Where a pattern id leads: which rule, which of its clauses (flat index), which value, and
// whether a hit can make the rule's condition true (see positive_clauses()).
struct PatternRef {
  uint32_t rule = 0;
  uint32_t clause = 0;
  uint32_t value = 0;
  bool positive = true;
};

// Hyperscan's caseless matching folds ASCII letters only; so does this.
void ascii_lower(std::string& s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
}

// `equals` values by value: one hash lookup instead of a Hyperscan scan, whose fixed cost per
// call dominates on short fields (process.name, event.action, status codes).
using ExactRefs =
    tsl::robin_map<std::string, std::vector<PatternRef>, Engine::NameHash, std::equal_to<>>;

// Fields with a handful of values, each common: a test on one of them says what kind of event
// this is (an access-log GET, an sshd line, an audited exec), not that something is amiss.
bool few_values(std::string_view field) {
  static constexpr std::string_view kFields[] = {
      "process.name",      "http.request.method", "http.response.status_code",
      "event.outcome",     "event.kind",          "event.category",
      "event.type",        "network.transport",   "auditd.records",
      "auditd.type",       "log.level",           "log.file.path",
      "network.direction", "event.dataset"};
  return std::find(std::begin(kFields), std::end(kFields), field) != std::end(kFields);
}

// Roughly how often a clause hits, as a fraction of events: a presence test on every event with
// the field, any test of a field with few values on a good share of them, an equality elsewhere
// (an action, a command name) rarely, a substring or regex by its shortest literal; once per value.
double hit_rate(const FieldMatcher& m) {
  // A list lookup (parsing the address, a probe per prefix length) would run on every event with
  // the field if it were a trigger: ranked above any other clause, so the rule's other clauses
  // trigger it whenever the condition allows, and the list is consulted for candidates only.
  if (m.kind == MatchKind::kInList) return 2.0;
  if (m.kind == MatchKind::kExists) return 1.0;
  if (few_values(m.field)) return 0.5;
  const double values = m.all ? 1.0 : static_cast<double>(m.values.size());
  if (m.kind == MatchKind::kEquals) return std::min(1.0, 0.02 * values);
  size_t shortest = 16;
  for (const auto& v : m.values) shortest = std::min(shortest, v.size());
  if (m.kind == MatchKind::kRegex) shortest = std::min<size_t>(shortest, 4);
  return std::min(1.0, values * std::ldexp(1.0, -2 * static_cast<int>(shortest)));
}

// Kleene's three-valued logic over the condition: false, true, or unknown given that the clauses
// in `missed` did not hit and nothing is known of the others. "False" is a proof that the rule
// cannot hold unless some clause outside `missed` hits; "unknown" proves nothing (it is sound, not
// complete: `a and not a` comes out unknown).
enum class Truth { kFalse, kTrue, kUnknown };
Truth eval_known(const Rule& r, uint32_t node, const std::vector<bool>& missed) {
  const CondNode& n = r.condition[node];
  switch (n.op) {
    case CondNode::Op::kClause:
      if (!missed[n.clause]) return Truth::kUnknown;
      return r.clauses[n.clause].negate ? Truth::kTrue : Truth::kFalse;
    case CondNode::Op::kAnd:
    case CondNode::Op::kOr: {
      // A false kid decides an `and`, a true one an `or`; else an unknown kid leaves it unknown.
      const bool all = n.op == CondNode::Op::kAnd;
      const Truth decides = all ? Truth::kFalse : Truth::kTrue;
      Truth out = all ? Truth::kTrue : Truth::kFalse;
      for (uint32_t k : n.kids) {
        const Truth t = eval_known(r, k, missed);
        if (t == decides) return t;
        if (t == Truth::kUnknown) out = t;
      }
      return out;
    }
    case CondNode::Op::kNot: {
      const Truth t = eval_known(r, n.kids[0], missed);
      return t == Truth::kUnknown ? t : t == Truth::kTrue ? Truth::kFalse : Truth::kTrue;
    }
  }
  return Truth::kUnknown;
}

// How the engine treats one rule.
struct RulePlan {
  // A required clause resolved without Hyperscan (an `equals` preferably, else an `exists`): when
  // it did not hit, the rule's other patterns need not be scanned.
  std::optional<uint32_t> gate;
  // Per clause: whether its hit makes the rule a candidate, whose condition is then evaluated.
  // These triggers are a set of clauses of which one must hit for the condition to hold, chosen
  // to hit rarely: one required clause (`message contains "Failed password"`), or the rule's
  // positive clauses less those the condition can do without. So neither a gate ("process.name
  // is sshd", a Sigma log source) nor a guard under `not` ("the status code exists") puts a rule
  // up for evaluation on every event of its kind.
  std::vector<bool> makes_candidate;
};

RulePlan plan_rule(const Rule& rule) {
  RulePlan plan;
  const std::vector<bool> positive = positive_clauses(rule);
  const std::vector<bool> required = required_clauses(rule);
  const auto n = static_cast<uint32_t>(rule.clauses.size());
  std::optional<uint32_t> single;  // the rarest required positive clause
  for (uint32_t c = 0; c < n; ++c) {
    if (!required[c]) continue;
    const FieldMatcher& m = rule.clauses[c];
    if (m.kind == MatchKind::kEquals && (!plan.gate || rule.clauses[*plan.gate].kind != m.kind)) {
      plan.gate = c;
    } else if (m.kind == MatchKind::kExists && !m.negate && !plan.gate) {
      plan.gate = c;
    }
    if (positive[c] && (!single || hit_rate(m) < hit_rate(rule.clauses[*single]))) single = c;
  }
  // Every positive clause together is a valid set (a rule that holds with none of them hitting is
  // refused by build()); drop the most frequent ones while the condition provably needs the rest.
  std::vector<uint32_t> order;
  for (uint32_t c = 0; c < n; ++c) {
    if (positive[c]) order.push_back(c);
  }
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return hit_rate(rule.clauses[a]) > hit_rate(rule.clauses[b]);
  });
  std::vector<bool> set = positive;
  for (uint32_t c : order) {
    set[c] = false;
    if (eval_known(rule, rule.condition_root, set) != Truth::kFalse) set[c] = true;
  }
  double set_rate = 0;
  for (uint32_t c = 0; c < n; ++c) {
    if (set[c]) set_rate += hit_rate(rule.clauses[c]);
  }
  if (single && hit_rate(rule.clauses[*single]) <= set_rate) {
    set.assign(n, false);
    set[*single] = true;
  }
  plan.makes_candidate = std::move(set);
  return plan;
}

// Compiled patterns and where each Hyperscan id leads. Identical patterns (Sigma rules repeat
// many: 43 rules test for an EXECVE record) are compiled once and a hit fans out to every clause
// using it: refs[first[id]] up to refs[first[id + 1]].
struct HsPart {
  DatabasePtr db;                // null when there is no pattern
  std::vector<PatternRef> refs;  // grouped by Hyperscan pattern id
  std::vector<uint32_t> first;   // per id, its first ref; one more entry ends the last
};

namespace {

// Whether one of an `in_list` clause's lists holds `value`.
bool listed(const FieldMatcher& m, std::optional<std::string_view> value) {
  if (!value) return false;
  return std::any_of(m.lists.begin(), m.lists.end(),
                     [&](const auto& list) { return list && list->contains(*value); });
}

}  // namespace

struct Engine::FieldDb {
  std::string field;
  // `in_list` clauses that make their rule a candidate: looked up for every event with the field.
  std::vector<std::pair<PatternRef, const FieldMatcher*>> intel_triggers;
  // `exists` clauses hold whenever the field is present, which match() reads from `scanned`
  // rather than counting a hit per clause (hundreds of Sigma rules test one field for their log
  // source). Only those that make their rule a candidate are hit.
  std::vector<PatternRef> exists_triggers;
  ExactRefs exact;         // `equals`, case-sensitive
  ExactRefs exact_nocase;  // `equals` with nocase, by ASCII-lowercased value
  // Trigger patterns only (see RulePlan): the other clauses are settled later, for candidates.
  HsPart always;  // patterns of rules without a gate: always scanned
  // Patterns of rules with a gate: a required `equals` or `exists` clause, resolved above without
  // Hyperscan. A part is scanned only if one of its `gates` (flat clauses) hit: when none did,
  // none of its rules can match whatever the scan would find. Sigma's keyword rules for a log
  // source, or a rule on one program's messages, cost nothing on other events. On the raw line
  // and the message there is one part per gate field (audit, web, per program...), so an event
  // opens the part of its own kind only.
  struct GatedPart {
    HsPart part;
    std::vector<uint32_t> gates;
  };
  std::vector<GatedPart> gated;
};

struct Engine::Settled {
  DatabasePtr db;  // every value of the clause; null for clauses counted by the field databases
  const std::string* field = nullptr;
};

struct Engine::Explained {
  DatabasePtr db;  // every value of one clause, for explain()
  ScratchPtr scratch;
};

// Per-event state is stamped with the event's number (`epoch`) instead of being reset after each
// event: an entry from an earlier event reads as empty.
struct Engine::Scratch::Impl {
  ScratchPtr hs;
  uint32_t epoch = 0;
  std::vector<uint64_t> hits;          // per flat clause: epoch << 32 | distinct patterns that hit
  std::vector<uint32_t> candidates;    // rules with at least one positive hit
  std::vector<uint32_t> is_candidate;  // per rule: the epoch it last became one
  const HsPart* current = nullptr;     // the database being scanned (callback context)
  std::vector<uint32_t> scanned;       // per database: the epoch it was last scanned
  std::vector<uint64_t> settled;       // per lazy clause: epoch << 32 | 1 + whether it holds
  std::string lowered;                 // a value lowercased for exact_nocase
  std::vector<std::pair<uint32_t, std::string_view>> gated;  // fields waiting for their gates

  void next_event() {
    candidates.clear();
    if (++epoch != 0) return;
    // After 2^32 events the stamps would repeat: start over from clean arrays.
    std::fill(hits.begin(), hits.end(), 0);
    std::fill(is_candidate.begin(), is_candidate.end(), 0);
    std::fill(scanned.begin(), scanned.end(), 0);
    std::fill(settled.begin(), settled.end(), 0);
    epoch = 1;
  }
  uint32_t hit_count(uint32_t clause) const {
    const uint64_t h = hits[clause];
    return h >> 32 == epoch ? static_cast<uint32_t>(h) : 0;
  }
  void on_hit(const PatternRef& ref) {
    uint64_t& h = hits[ref.clause];
    if (h >> 32 != epoch) h = uint64_t{epoch} << 32;
    ++h;
    if (ref.positive && is_candidate[ref.rule] != epoch) {
      is_candidate[ref.rule] = epoch;
      candidates.push_back(ref.rule);
    }
  }
};

Engine::Scratch::Scratch(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::Scratch::Scratch(Scratch&&) noexcept = default;
Engine::Scratch& Engine::Scratch::operator=(Scratch&&) noexcept = default;
Engine::Scratch::~Scratch() = default;

Engine::Engine(Private) {}
Engine::~Engine() = default;

Result<std::unique_ptr<Engine>> Engine::build(std::vector<Rule> rules,
                                              std::shared_ptr<DatabaseCache> cache) {
  auto engine = std::make_unique<Engine>(Private{});
  engine->rules_ = std::move(rules);
  engine->cache_ = std::move(cache);
  DatabaseSource source{engine->cache_.get()};
  // Group patterns by field; std::map keeps database order deterministic.
  struct PendingPart {
    std::vector<Pattern> patterns;
    std::vector<PatternRef> refs;
    std::vector<const FieldMatcher*> owner;
  };
  struct PendingGated {
    PendingPart part;
    std::set<uint32_t> gates;
  };
  struct Pending {
    PendingPart always;
    std::map<std::string, PendingGated> gated;  // by the field of the gates
    std::vector<PatternRef> exists_triggers;
    std::vector<std::pair<PatternRef, const FieldMatcher*>> intel_triggers;
    ExactRefs exact;
    ExactRefs exact_nocase;
    size_t exact_count = 0;
  };
  std::map<std::string, Pending> by_field;
  std::vector<std::pair<uint32_t, std::string>> exists_fields;  // (flat clause, field)
  std::vector<std::tuple<uint32_t, uint32_t, uint32_t>> lazy;   // (rule, clause, flat clause)
  std::vector<std::pair<uint32_t, const FieldMatcher*>> intel;  // (flat clause, in_list clause)
  for (size_t r = 0; r < engine->rules_.size(); ++r) {
    engine->index_of_rule_.emplace(engine->rules_[r].id, r);
  }
  for (const Rule& rule : engine->rules_) {
    if (rule.after && !engine->rule_index(rule.after->rule)) {
      return Error{fmt::format("{}:{}:{}: rule '{}' comes after unknown rule '{}'", rule.file,
                               rule.line, rule.column, rule.id, rule.after->rule)};
    }
  }
  for (uint32_t r = 0; r < engine->rules_.size(); ++r) {
    const Rule& rule = engine->rules_[r];
    // Rules come from the loader, which checks this too; hand-made ones are checked here.
    const bool sound = !rule.condition.empty() && rule.condition_root < rule.condition.size() &&
                       !eval_condition(rule, [](uint32_t) { return false; });
    if (!sound) {
      return Error{fmt::format("{}:{}:{}: rule '{}' has no positive match clause", rule.file,
                               rule.line, rule.column, rule.id)};
    }
    const RulePlan plan = plan_rule(rule);
    std::optional<uint32_t> rule_gate;  // flat index
    std::string gate_field;
    if (plan.gate) {
      rule_gate = engine->clause_total_ + *plan.gate;
      gate_field = rule.clauses[*plan.gate].field;
    }
    engine->clause_base_.push_back(engine->clause_total_);
    for (uint32_t c = 0; c < rule.clauses.size(); ++c) {
      const FieldMatcher& m = rule.clauses[c];
      const uint32_t flat = engine->clause_total_++;
      Pending& p = by_field[m.field];
      if (m.kind == MatchKind::kInList) {
        if (m.lists.size() != m.values.size()) {
          return Error{fmt::format("{}: rule '{}': intel lists not attached (attach_intel_lists)",
                                   m.where, rule.id)};
        }
        engine->clause_need_.push_back(1);
        intel.emplace_back(flat, &m);
        if (plan.makes_candidate[c]) p.intel_triggers.push_back({PatternRef{r, flat, 0, true}, &m});
        continue;
      }
      if (m.kind == MatchKind::kExists) {
        engine->clause_need_.push_back(1);
        const PatternRef ref{r, flat, 0, plan.makes_candidate[c]};
        if (ref.positive) p.exists_triggers.push_back(ref);
        exists_fields.emplace_back(flat, m.field);
        continue;
      }
      engine->clause_need_.push_back(m.all ? static_cast<uint32_t>(m.values.size()) : 1);
      if (m.kind == MatchKind::kEquals) {
        for (size_t i = 0; i < m.values.size(); ++i) {
          const PatternRef ref{r, flat, static_cast<uint32_t>(i), plan.makes_candidate[c]};
          std::string key = m.values[i];
          if (m.nocase) ascii_lower(key);
          (m.nocase ? p.exact_nocase : p.exact)[std::move(key)].push_back(ref);
          ++p.exact_count;
        }
        continue;
      }
      engine->pattern_count_ += m.values.size();
      // A trigger clause's patterns go to the field's databases, scanned for every event; an
      // `all` trigger needs only its longest (likely rarest) value there. Every other clause is
      // settled with a database of its own, and only for candidates.
      std::vector<size_t> scanned_values;
      if (plan.makes_candidate[c] && m.all) {
        size_t longest = 0;
        for (size_t i = 1; i < m.values.size(); ++i) {
          if (m.values[i].size() > m.values[longest].size()) longest = i;
        }
        scanned_values.push_back(longest);
      } else if (plan.makes_candidate[c]) {
        for (size_t i = 0; i < m.values.size(); ++i) scanned_values.push_back(i);
      }
      if (scanned_values.size() < m.values.size() || m.all) lazy.emplace_back(r, c, flat);
      for (size_t i : scanned_values) {
        PendingPart& part = rule_gate ? p.gated[gate_field].part : p.always;
        if (rule_gate) p.gated[gate_field].gates.insert(*rule_gate);
        part.patterns.push_back({hs_expression(m, i), hs_flags(m)});
        part.refs.push_back({r, flat, static_cast<uint32_t>(i), true});
        part.owner.push_back(&m);
      }
    }
  }
  const auto compile_part = [&](const std::string& field, PendingPart& p, HsPart& out) -> Status {
    if (p.patterns.empty()) return Ok{};
    std::map<std::pair<std::string_view, unsigned>, uint32_t> id_by_pattern;
    std::vector<Pattern> unique;
    std::vector<size_t> first_use;  // per id: the index in p.patterns of its first use
    std::vector<uint32_t> id_of;    // per index in p.patterns
    for (size_t i = 0; i < p.patterns.size(); ++i) {
      const auto [it, fresh] = id_by_pattern.emplace(
          std::pair(std::string_view(p.patterns[i].expression), p.patterns[i].flags),
          static_cast<uint32_t>(unique.size()));
      if (fresh) {
        unique.push_back(p.patterns[i]);
        first_use.push_back(i);
      }
      id_of.push_back(it->second);
    }
    out.first.assign(unique.size() + 1, 0);
    for (uint32_t id : id_of) ++out.first[id + 1];
    for (size_t id = 0; id < unique.size(); ++id) out.first[id + 1] += out.first[id];
    out.refs.resize(p.refs.size());
    std::vector<uint32_t> next(out.first.begin(), out.first.end() - 1);
    for (size_t i = 0; i < p.refs.size(); ++i) out.refs[next[id_of[i]]++] = p.refs[i];
    size_t failed = 0;
    auto db = compile(unique, &failed, &source);
    if (!db.ok()) {
      if (failed < first_use.size()) {
        const size_t i = first_use[failed];
        const Rule& rule = engine->rules_[p.refs[i].rule];
        return Error{fmt::format(
            "{}: rule '{}': pattern '{}' for field '{}' rejected by "
            "Hyperscan: {}",
            p.owner[i]->where, rule.id, p.owner[i]->values[p.refs[i].value], field, db.error())};
      }
      return Error{fmt::format("field '{}': Hyperscan: {}", field, db.error())};
    }
    out.db = std::move(db).value();
    return Ok{};
  };
  for (auto& [field, p] : by_field) {
    FieldDb fdb;
    fdb.field = field;
    // Two databases cost two scans whenever the gates are open. That pays on fields every event
    // has (the raw line, the message), where gates are mostly closed; a field only some events
    // have (url.query, process.command_line) is scanned as one database, gated only when every
    // rule on it has a gate.
    const bool universal = field == "event.original" || field == "message";
    const auto append = [](PendingPart& to, PendingPart& from) {
      to.patterns.insert(to.patterns.end(), from.patterns.begin(), from.patterns.end());
      to.refs.insert(to.refs.end(), from.refs.begin(), from.refs.end());
      to.owner.insert(to.owner.end(), from.owner.begin(), from.owner.end());
      from = PendingPart{};
    };
    if (!universal && !p.gated.empty()) {
      if (!p.always.patterns.empty()) {
        for (auto& [gate_field, g] : p.gated) append(p.always, g.part);
        p.gated.clear();
      } else {
        PendingGated one;
        for (auto& [gate_field, g] : p.gated) {
          append(one.part, g.part);
          one.gates.insert(g.gates.begin(), g.gates.end());
        }
        p.gated.clear();
        p.gated.emplace("", std::move(one));
      }
    }
    if (auto st = compile_part(field, p.always, fdb.always); !st) return Error{st.error()};
    for (auto& [gate_field, g] : p.gated) {
      FieldDb::GatedPart gp;
      if (auto st = compile_part(field, g.part, gp.part); !st) return Error{st.error()};
      if (!gp.part.db) continue;
      gp.gates.assign(g.gates.begin(), g.gates.end());
      fdb.gated.push_back(std::move(gp));
    }
    fdb.exists_triggers = std::move(p.exists_triggers);
    fdb.intel_triggers = std::move(p.intel_triggers);
    fdb.exact = std::move(p.exact);
    fdb.exact_nocase = std::move(p.exact_nocase);
    engine->pattern_count_ += p.exact_count;
    const auto index = static_cast<uint32_t>(engine->dbs_.size());
    engine->db_of_field_.emplace(field, index);
    if (field == "event.original" || field == "host.name" || field == "organization.id" ||
        field == "agent.id") {
      engine->envelope_dbs_.push_back(index);
    }
    engine->dbs_.push_back(std::move(fdb));
  }
  engine->settled_.resize(engine->clause_total_);
  for (const auto& [r, c, flat] : lazy) {
    const FieldMatcher& m = engine->rules_[r].clauses[c];
    size_t failed = 0;
    auto db = compile(value_patterns(m), &failed, &source);
    if (!db.ok()) {
      return Error{
          fmt::format("{}: rule '{}': pattern '{}' for field '{}' rejected by Hyperscan: {}",
                      m.where, engine->rules_[r].id,
                      failed < m.values.size() ? m.values[failed] : "", m.field, db.error())};
    }
    engine->settled_[flat] = {std::move(db).value(), &m.field};
  }
  engine->intel_clause_.assign(engine->clause_total_, nullptr);
  for (const auto& [flat, m] : intel) engine->intel_clause_[flat] = m;
  engine->exists_db_.assign(engine->clause_total_, kNoDatabase);
  for (const auto& [flat, field] : exists_fields) {
    engine->exists_db_[flat] = engine->db_of_field_.at(field);
  }
  engine->explained_.resize(engine->clause_total_);
  engine->own_scratch_ = std::make_unique<Scratch>(engine->make_scratch());
  engine->build_stats_ = {source.loaded, source.compiled};
  if (engine->cache_) engine->cache_->prune(source.keys);
  return engine;
}

Engine::Scratch Engine::make_scratch() const {
  auto impl = std::make_unique<Scratch::Impl>();
  // One scratch grown to fit every database is valid for scanning any of them.
  hs_scratch_t* raw = nullptr;
  const auto grow = [&](const DatabasePtr& db) {
    if (db && hs_alloc_scratch(db.get(), &raw) != HS_SUCCESS) {
      // Only fails on allocation failure; treat like operator new would.
      hs_free_scratch(raw);
      throw std::bad_alloc();
    }
  };
  for (const auto& d : dbs_) {
    grow(d.always.db);
    for (const auto& g : d.gated) grow(g.part.db);
  }
  for (const auto& lazy : settled_) grow(lazy.db);
  impl->hs.reset(raw);
  impl->settled.assign(clause_total_, 0);
  impl->hits.assign(clause_total_, 0);
  impl->is_candidate.assign(rules_.size(), 0);
  impl->scanned.assign(dbs_.size(), 0);
  return Scratch(std::move(impl));
}

std::vector<size_t> Engine::match(const Event& e) const {
  return match(e, *own_scratch_);
}

std::vector<size_t> Engine::match(const Event& e, Scratch& scratch) const {
  Scratch::Impl& s = *scratch.impl_;
  s.next_event();
  const auto on_match = [](unsigned id, unsigned long long, unsigned long long, unsigned,
                           void* ctx) -> int {
    auto& st = *static_cast<Scratch::Impl*>(ctx);
    const HsPart& part = *st.current;
    for (uint32_t k = part.first[id]; k < part.first[id + 1]; ++k) st.on_hit(part.refs[k]);
    return 0;
  };
  const auto hs_scan_part = [&](const HsPart& part, std::string_view value) {
    s.current = &part;
    scan_value(part.db.get(), value, s.hs.get(), on_match, &s);
  };
  const auto scan = [&](uint32_t index, std::string_view value) {
    const FieldDb& d = dbs_[index];
    s.scanned[index] = s.epoch;
    for (const auto& ref : d.exists_triggers) s.on_hit(ref);
    for (const auto& [ref, m] : d.intel_triggers) {
      if (listed(*m, value)) s.on_hit(ref);
    }
    if (!d.exact.empty()) {
      if (const auto it = d.exact.find(value); it != d.exact.end()) {
        for (const auto& ref : it->second) s.on_hit(ref);
      }
    }
    if (!d.exact_nocase.empty()) {
      s.lowered.assign(value);
      ascii_lower(s.lowered);
      if (const auto it = d.exact_nocase.find(s.lowered); it != d.exact_nocase.end()) {
        for (const auto& ref : it->second) s.on_hit(ref);
      }
    }
    if (d.always.db) hs_scan_part(d.always, value);
    if (!d.gated.empty()) s.gated.emplace_back(index, value);  // once every gate had its chance
  };
  // Walk the event's dozen fields once and find each one's database by hash: cheaper than looking
  // every database's field up in the event. A missing field is never scanned, so it matches no
  // clause. Field names are unique in Fields, so each database is scanned at most once.
  for (const auto& [name, value] : e.fields.all()) {
    const auto it = db_of_field_.find(std::string_view(name));
    if (it != db_of_field_.end()) scan(it->second, value);
  }
  for (uint32_t index : envelope_dbs_) {
    if (s.scanned[index] == s.epoch) continue;
    if (const auto value = event_field(e, dbs_[index].field)) scan(index, *value);
  }
  // Whether flat clause c holds (before its rule's `negate`): present, or enough values hit, the
  // latter found by scanning the clause's own database for clauses without trigger patterns.
  const auto holds = [&](uint32_t c) {
    if (const uint32_t db = exists_db_[c]; db != kNoDatabase) return s.scanned[db] == s.epoch;
    if (const FieldMatcher* m = intel_clause_[c]) {
      uint64_t& state = s.settled[c];
      if (state >> 32 != s.epoch) {
        state = (uint64_t{s.epoch} << 32) | (1u + listed(*m, event_field(e, m->field)));
      }
      return (state & 0xFFFFFFFFu) == 2;
    }
    const Settled& lazy = settled_[c];
    if (!lazy.db) return s.hit_count(c) >= clause_need_[c];
    uint64_t& state = s.settled[c];
    if (state >> 32 != s.epoch) {
      const bool hit =
          scan_count(lazy.db.get(), event_field(e, *lazy.field), clause_need_[c], s.hs.get());
      state = (uint64_t{s.epoch} << 32) | (1u + hit);
    }
    return (state & 0xFFFFFFFFu) == 2;
  };
  for (const auto& [index, value] : s.gated) {
    const FieldDb& d = dbs_[index];
    for (const auto& g : d.gated) {
      if (std::any_of(g.gates.begin(), g.gates.end(), holds)) hs_scan_part(g.part, value);
    }
  }
  s.gated.clear();
  std::vector<size_t> out;
  for (uint32_t r : s.candidates) {
    const uint32_t base = clause_base_[r];
    if (eval_condition(rules_[r], [&](uint32_t c) { return holds(base + c); })) out.push_back(r);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<size_t> Engine::rule_index(std::string_view id) const {
  const auto it = index_of_rule_.find(id);
  if (it == index_of_rule_.end()) return std::nullopt;
  return it->second;
}

size_t Engine::database_count() const {
  size_t n = 0;
  for (const auto& d : dbs_) n += (d.always.db != nullptr) + d.gated.size();
  return n;
}

std::vector<Engine::RuleMatch> Engine::explain(const Event& e) const {
  // The slow way, clause by clause: match() does not record which values hit.
  std::vector<RuleMatch> out;
  for (size_t r : match(e, *own_scratch_)) {
    RuleMatch rm;
    rm.rule = r;
    const Rule& rule = rules_[r];
    for (uint32_t c = 0; c < rule.clauses.size(); ++c) {
      const FieldMatcher& m = rule.clauses[c];
      const auto value = event_field(e, m.field);
      if (!value) continue;
      ClauseHit hit{c, {}};
      if (m.kind == MatchKind::kExists) {
        rm.hits.push_back(hit);
        continue;
      }
      if (m.kind == MatchKind::kInList) {
        for (uint32_t i = 0; i < m.lists.size(); ++i) {
          if (m.lists[i] && m.lists[i]->contains(*value)) hit.values.push_back(i);
        }
        if (!hit.values.empty()) rm.hits.push_back(std::move(hit));
        continue;
      }
      // Every value of the clause in one database (compiled on first use and kept), reporting
      // each value that hits.
      Explained& x = explained_[clause_base_[r] + c];
      if (!x.db) {
        size_t failed = 0;
        // build() checked these; explain() databases are cached too (socctl runs are short).
        DatabaseSource source{cache_.get()};
        auto db = compile(value_patterns(m), &failed, &source);
        hs_scratch_t* raw = nullptr;
        if (!db.ok() || hs_alloc_scratch(db->get(), &raw) != HS_SUCCESS) continue;
        x.db = std::move(db).value();
        x.scratch.reset(raw);
      }
      scan_value(
          x.db.get(), *value, x.scratch.get(),
          [](unsigned id, unsigned long long, unsigned long long, unsigned, void* ctx) -> int {
            static_cast<std::vector<uint32_t>*>(ctx)->push_back(id);
            return 0;
          },
          &hit.values);
      std::sort(hit.values.begin(), hit.values.end());
      if (!hit.values.empty()) rm.hits.push_back(std::move(hit));
    }
    out.push_back(std::move(rm));
  }
  return out;
}

}  // namespace soc
