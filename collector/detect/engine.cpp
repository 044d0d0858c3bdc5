#include "collector/detect/engine.h"

#include <fmt/format.h>
#include <hs/hs.h>

#include <algorithm>
#include <map>
#include <new>

namespace soc {
namespace {

struct DatabaseFree {
  void operator()(hs_database_t* db) const { hs_free_database(db); }
};
struct ScratchFree {
  void operator()(hs_scratch_t* s) const { hs_free_scratch(s); }
};
struct CompileErrorFree {
  void operator()(hs_compile_error_t* e) const { hs_free_compile_error(e); }
};
using DatabasePtr = std::unique_ptr<hs_database_t, DatabaseFree>;
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

// Compiles patterns into one block-mode database; the error names the failing pattern's index.
Result<DatabasePtr> compile(const std::vector<Pattern>& patterns, const std::vector<unsigned>& ids,
                            size_t* failed_index) {
  std::vector<const char*> exprs;
  std::vector<unsigned> flags;
  for (const auto& p : patterns) {
    exprs.push_back(p.expression.c_str());
    flags.push_back(p.flags);
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
  return DatabasePtr(db);
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

Status check_rule_patterns(const Rule& rule) {
  std::vector<Pattern> patterns;
  std::vector<const FieldMatcher*> owner;
  std::vector<size_t> value_index;
  for (const auto* list : {&rule.match, &rule.exclude}) {
    for (const auto& m : *list) {
      for (size_t i = 0; i < m.values.size(); ++i) {
        patterns.push_back({hs_expression(m, i), hs_flags(m)});
        owner.push_back(&m);
        value_index.push_back(i);
      }
    }
  }
  if (patterns.empty()) return Ok{};
  std::vector<unsigned> ids(patterns.size());
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<unsigned>(i);
  size_t failed = 0;
  auto db = compile(patterns, ids, &failed);
  if (db.ok()) return Ok{};
  if (failed < owner.size()) {
    const FieldMatcher& m = *owner[failed];
    const std::string what = m.kind == MatchKind::kRegex ? "regex" : "pattern";
    return Error{fmt::format("{}: {} '{}' for field '{}' rejected by Hyperscan: {}", m.where, what,
                             m.values[value_index[failed]], m.field, db.error())};
  }
  return Error{fmt::format("{}:{}:{}: rule '{}': Hyperscan: {}", rule.file, rule.line, rule.column,
                           rule.id, db.error())};
}

// Where a pattern id leads: which rule, which of its clauses (flat index), positive or `not`.
struct PatternRef {
  uint32_t rule = 0;
  uint32_t clause = 0;
  bool positive = true;
};

struct Engine::FieldDb {
  std::string field;
  DatabasePtr db;
  std::vector<PatternRef> refs;  // indexed by Hyperscan pattern id
};

struct Engine::Scratch::Impl {
  ScratchPtr hs;
  std::vector<uint32_t> hits;         // per flat clause: distinct patterns that hit this event
  std::vector<uint32_t> touched;      // flat clauses with hits > 0, to reset cheaply
  std::vector<uint32_t> candidates;   // rules with at least one positive hit
  std::vector<uint8_t> is_candidate;  // per rule
  const FieldDb* current = nullptr;   // the database being scanned (callback context)
};

Engine::Scratch::Scratch(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::Scratch::Scratch(Scratch&&) noexcept = default;
Engine::Scratch& Engine::Scratch::operator=(Scratch&&) noexcept = default;
Engine::Scratch::~Scratch() = default;

Engine::Engine(Private) {}
Engine::~Engine() = default;

Result<std::unique_ptr<Engine>> Engine::build(std::vector<Rule> rules) {
  auto engine = std::make_unique<Engine>(Private{});
  engine->rules_ = std::move(rules);
  // Group patterns by field; std::map keeps database order deterministic.
  struct Pending {
    std::vector<Pattern> patterns;
    std::vector<PatternRef> refs;
    std::vector<size_t> value_index;
    std::vector<const FieldMatcher*> owner;
  };
  std::map<std::string, Pending> by_field;
  for (uint32_t r = 0; r < engine->rules_.size(); ++r) {
    const Rule& rule = engine->rules_[r];
    if (rule.match.empty()) {
      return Error{fmt::format("{}:{}:{}: rule '{}' has no positive match clause", rule.file,
                               rule.line, rule.column, rule.id)};
    }
    engine->clause_base_.push_back(engine->clause_total_);
    const auto add = [&](const FieldMatcher& m, bool positive) {
      const uint32_t clause = engine->clause_total_++;
      engine->clause_need_.push_back(m.all ? static_cast<uint32_t>(m.values.size()) : 1);
      Pending& p = by_field[m.field];
      for (size_t i = 0; i < m.values.size(); ++i) {
        p.patterns.push_back({hs_expression(m, i), hs_flags(m)});
        p.refs.push_back({r, clause, positive});
        p.value_index.push_back(i);
        p.owner.push_back(&m);
      }
    };
    for (const auto& m : rule.match) add(m, true);
    for (const auto& m : rule.exclude) add(m, false);
  }
  for (auto& [field, p] : by_field) {
    std::vector<unsigned> ids(p.patterns.size());
    for (size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<unsigned>(i);
    size_t failed = 0;
    auto db = compile(p.patterns, ids, &failed);
    if (!db.ok()) {
      if (failed < p.owner.size()) {
        const Rule& rule = engine->rules_[p.refs[failed].rule];
        return Error{
            fmt::format("{}: rule '{}': pattern '{}' for field '{}' rejected by "
                        "Hyperscan: {}",
                        p.owner[failed]->where, rule.id,
                        p.owner[failed]->values[p.value_index[failed]], field, db.error())};
      }
      return Error{fmt::format("field '{}': Hyperscan: {}", field, db.error())};
    }
    FieldDb fdb;
    fdb.field = field;
    fdb.db = std::move(db).value();
    fdb.refs = std::move(p.refs);
    engine->dbs_.push_back(std::move(fdb));
  }
  engine->own_scratch_ = std::make_unique<Scratch>(engine->make_scratch());
  return engine;
}

Engine::Scratch Engine::make_scratch() const {
  auto impl = std::make_unique<Scratch::Impl>();
  // One scratch grown to fit every database is valid for scanning any of them.
  hs_scratch_t* raw = nullptr;
  for (const auto& d : dbs_) {
    if (hs_alloc_scratch(d.db.get(), &raw) != HS_SUCCESS) {
      // Only fails on allocation failure; treat like operator new would.
      hs_free_scratch(raw);
      throw std::bad_alloc();
    }
  }
  impl->hs.reset(raw);
  impl->hits.assign(clause_total_, 0);
  impl->is_candidate.assign(rules_.size(), 0);
  return Scratch(std::move(impl));
}

std::vector<size_t> Engine::match(const Event& e) const {
  return match(e, *own_scratch_);
}

std::vector<size_t> Engine::match(const Event& e, Scratch& scratch) const {
  Scratch::Impl& s = *scratch.impl_;
  const auto on_match = [](unsigned id, unsigned long long, unsigned long long, unsigned,
                           void* ctx) -> int {
    auto& st = *static_cast<Scratch::Impl*>(ctx);
    const PatternRef& ref = st.current->refs[id];
    if (st.hits[ref.clause]++ == 0) st.touched.push_back(ref.clause);
    if (ref.positive && !st.is_candidate[ref.rule]) {
      st.is_candidate[ref.rule] = 1;
      st.candidates.push_back(ref.rule);
    }
    return 0;
  };
  for (const auto& d : dbs_) {
    const auto value = event_field(e, d.field);
    if (!value) continue;  // a missing field matches no clause
    s.current = &d;
    // An empty value still gets scanned so that `equals: ""` can match.
    static constexpr char kEmpty[] = "";
    const char* data = value->empty() ? kEmpty : value->data();
    // Fails only on misuse (wrong scratch, corrupt database), which build() rules out.
    hs_scan(d.db.get(), data, static_cast<unsigned>(value->size()), 0, s.hs.get(), on_match, &s);
  }
  std::vector<size_t> out;
  for (uint32_t r : s.candidates) {
    const Rule& rule = rules_[r];
    const uint32_t base = clause_base_[r];
    const auto holds = [&](uint32_t c) { return s.hits[c] >= clause_need_[c]; };
    bool ok = true;
    for (uint32_t c = 0; ok && c < rule.match.size(); ++c) ok = holds(base + c);
    for (uint32_t c = 0; ok && c < rule.exclude.size(); ++c) {
      ok = !holds(base + static_cast<uint32_t>(rule.match.size()) + c);
    }
    if (ok) out.push_back(r);
  }
  for (uint32_t c : s.touched) s.hits[c] = 0;
  for (uint32_t r : s.candidates) s.is_candidate[r] = 0;
  s.touched.clear();
  s.candidates.clear();
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace soc
