// Detection rules: the model and the YAML loader (language described in rules/README.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "collector/detect/detection.h"
#include "common/result.h"

namespace soc {

enum class MatchKind { kEquals, kContains, kStartsWith, kEndsWith, kRegex };

// One field clause: `field` matches any of `values` (or all of them with `all`).
struct FieldMatcher {
  std::string field;
  MatchKind kind = MatchKind::kEquals;
  std::vector<std::string> values;  // literals, or Hyperscan regexes for kRegex
  bool nocase = false;
  bool all = false;   // every value must match instead of any
  std::string where;  // "file:line:column" of the values, for compile errors
};

struct Threshold {
  uint32_t count = 0;  // >= 2
  int64_t within_seconds = 0;
};

struct Rule {
  std::string id;
  std::string title;
  std::string title_vi;
  std::string description;
  Severity severity = Severity::kMedium;
  std::vector<std::string> mitre;
  std::string file;  // where the rule was defined (1-based line and column)
  int line = 0;
  int column = 0;
  std::vector<FieldMatcher> match;    // all must hold (at least one)
  std::vector<FieldMatcher> exclude;  // `not:`: none may hold
  std::vector<std::string> group_by;
  std::optional<Threshold> threshold;
  int64_t suppress_seconds = 3600;
  uint32_t evidence_max = 10;
};

// Loads one file holding a rule mapping or a sequence of them. Every broken rule is reported, one
// per line of the Error's message, as "file:line:column: reason".
Result<std::vector<Rule>> load_rules_file(const std::string& file);

// Loads every *.yml / *.yaml under `dir` (recursively, sorted by path); rule ids must be unique
// across all of them. On any broken rule returns an Error listing all of them, one per line. With
// `skip_broken` the good rules are returned and the messages go to `*skipped` instead.
Result<std::vector<Rule>> load_rules(const std::string& dir, bool skip_broken = false,
                                     std::vector<std::string>* skipped = nullptr);

}  // namespace soc
