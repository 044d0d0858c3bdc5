// Detection rules: the model and the YAML loader (language described in rules/README.md).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "collector/model/rule_meta.h"
#include "common/result.h"

namespace soc {

class IntelList;
class IntelLists;

enum class MatchKind { kEquals, kContains, kStartsWith, kEndsWith, kRegex, kExists, kInList };
std::string_view to_string(MatchKind k);

// One field clause: `field` matches any of `values` (or all of them with `all`). kExists has no
// values: it holds when the field is present (`exists: true`) or, with `negate`, absent
// (`exists: false`). kInList: `values` name threat-intelligence lists (any of them must list the
// field's value); `lists` holds them once attach_intel_lists() resolved the names.
struct FieldMatcher {
  std::string field;
  MatchKind kind = MatchKind::kEquals;
  std::vector<std::string> values;  // literals, or Hyperscan regexes for kRegex
  bool nocase = false;
  bool all = false;     // every value must match instead of any
  bool negate = false;  // the clause holds when the match does NOT (only `exists: false`)
  std::string where;    // "file:line:column" of the values, for compile errors
  std::vector<std::shared_ptr<const IntelList>> lists;  // kInList: one per value, null if absent
};

// A named group of clauses: holds when any alternative holds; an alternative holds when all of
// its clauses hold. A selection written as a mapping has one alternative; a list of mappings
// (Sigma's "list of maps") has one per mapping.
struct Selection {
  std::string name;
  std::vector<std::vector<uint32_t>> alternatives;  // indices into Rule::clauses
};

// The rule's condition compiled to a tree over clauses. Rule::condition holds the nodes; the
// root is Rule::condition_root.
struct CondNode {
  enum class Op { kClause, kAnd, kOr, kNot };
  Op op = Op::kClause;
  uint32_t clause = 0;         // kClause
  std::vector<uint32_t> kids;  // kAnd / kOr / kNot (one kid)
};

struct Threshold {
  uint32_t count = 0;  // >= 2
  int64_t within_seconds = 0;
  // When set: count distinct values of this field (one source trying N users) instead of events.
  std::string distinct;
};

// `after`: the rule holds only when rule `rule` was met (its condition, and its threshold when it
// has one) for the same host and group (this rule's group_by values, taken from both events) at
// most `within_seconds` earlier in event time: "a login accepted from an address that was brute
// forcing a minute ago".
struct After {
  std::string rule;
  int64_t within_seconds = 0;
  std::string where;  // "file:line:column" of the `after` key, for errors
};

// A rule is its metadata (id, titles, severity, MITRE, attribution: what detections and alerts
// carry, collector/model/rule_meta.h) plus how it matches. Derived rather than holding a member
// so that `rule.id` reads as before and a Detection takes the RuleMeta slice of the rule.
struct Rule : RuleMeta {
  std::string description;
  std::string file;  // where the rule was defined (1-based line and column)
  int line = 0;
  int column = 0;

  std::vector<FieldMatcher> clauses;  // every field clause of the rule
  std::vector<Selection> selections;  // named groups of clauses (`match`/`not` become two)
  std::vector<CondNode> condition;    // the boolean condition over the clauses
  uint32_t condition_root = 0;
  std::string condition_text;  // as written (or "match and not not" for match/not)

  std::vector<std::string> group_by;
  std::optional<Threshold> threshold;
  std::optional<After> after;
  int64_t suppress_seconds = 3600;
  uint32_t evidence_max = 10;
};

// Evaluates the condition tree given whether each clause's pattern(s) hit (`hit(clause)`);
// `negate` clauses are inverted here.
template <class HitFn>
bool eval_condition(const Rule& r, uint32_t node, const HitFn& hit) {
  const CondNode& n = r.condition[node];
  switch (n.op) {
    case CondNode::Op::kClause:
      return hit(n.clause) != r.clauses[n.clause].negate;
    case CondNode::Op::kAnd:
      for (uint32_t k : n.kids) {
        if (!eval_condition(r, k, hit)) return false;
      }
      return true;
    case CondNode::Op::kOr:
      for (uint32_t k : n.kids) {
        if (eval_condition(r, k, hit)) return true;
      }
      return false;
    case CondNode::Op::kNot:
      return !eval_condition(r, n.kids[0], hit);
  }
  return false;
}
template <class HitFn>
bool eval_condition(const Rule& r, const HitFn& hit) {
  return eval_condition(r, r.condition_root, hit);
}

// Per clause: true when the clause appears with positive polarity somewhere in the condition
// (under an even number of `not`, and not `exists: false`). A rule whose condition is false when
// no clause hit can only become true through a positive clause, so the engine evaluates a rule
// only when one of those hit.
std::vector<bool> positive_clauses(const Rule& r);

// Per clause: true when the condition can only hold if the clause holds (it is required by every
// way of satisfying the condition: under `and`, in every branch of an `or`, never under `not`).
// The engine uses a required cheap clause to skip scanning a rule's costly fields when it fails.
std::vector<bool> required_clauses(const Rule& r);

// Loads one file holding a rule mapping or a sequence of them. Every broken rule is reported, one
// per line of the Error's message, as "file:line:column: reason".
Result<std::vector<Rule>> load_rules_file(const std::string& file);

// Whether loading compiles each rule's patterns with Hyperscan (check_rule_patterns, engine.h).
enum class PatternCheck { kCheck, kSkip };

// Same for rules held in memory; `name` stands for the file in locations. With kSkip a pattern
// Hyperscan refuses is not an error here; the caller checks it (the Sigma converter does, to tell
// a refused regex from other load errors without reading the message).
Result<std::vector<Rule>> load_rules_text(const std::string& text, const std::string& name,
                                          PatternCheck patterns = PatternCheck::kCheck);

// Loads every *.yml / *.yaml under `dir` (recursively, sorted by path); rule ids must be unique
// across all of them. On any broken rule returns an Error listing all of them, one per line. With
// `skip_broken` the good rules are returned and the messages go to `*skipped` instead.
// `files_read`, when given, receives how many rule files were read.
// The rules' `in_list` clauses use the lists of `intel_dir` (default: DIR/intel), loaded afresh at
// every call, so a reload re-reads them; bad list lines and unknown lists are logged as warnings
// (an unknown list is empty: a missing feed must not stop detection).
Result<std::vector<Rule>> load_rules(const std::string& dir, bool skip_broken = false,
                                     std::vector<std::string>* skipped = nullptr,
                                     size_t* files_read = nullptr,
                                     const std::string& intel_dir = {});

// Resolves every `in_list` clause's list names against `lists`. A name `lists` lacks resolves to
// an empty list (never matches) and adds a "file:line:column: ..." line to `warnings`.
void attach_intel_lists(std::vector<Rule>& rules, const IntelLists& lists,
                        std::vector<std::string>& warnings);

}  // namespace soc
