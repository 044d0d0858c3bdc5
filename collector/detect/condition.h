// The `condition:` expression over named selections (Sigma style), shared by the rule loader and
// the Sigma converter: `sel_a and not (sel_b or 1 of filter_*)`.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace soc {

struct CondExpr {
  enum class Kind { kName, kAnd, kOr, kNot, kAnyOf, kAllOf };
  Kind kind = Kind::kName;
  // kName: a selection name. kAnyOf / kAllOf: a pattern with `*` wildcards, or "them".
  std::string name;
  size_t offset = 0;  // byte offset in the condition text, for error locations
  std::vector<CondExpr> kids;
};

struct CondError {
  size_t offset = 0;  // byte offset in the condition text
  std::string message;
};

// Grammar (operators are case-insensitive):
//   expr   := term ('or' term)*
//   term   := factor ('and' factor)*
//   factor := 'not' factor | '(' expr ')' | ('1' | 'any' | 'all') 'of' (PATTERN | 'them') | NAME
// NAME is [A-Za-z0-9_.-]+; a PATTERN may also hold `*`. Sigma's aggregation pipe `|` is refused.
struct CondParse {
  std::optional<CondExpr> expr;
  CondError error;  // meaningful when !expr
};
CondParse parse_condition(std::string_view text);

// True for words the grammar reserves; a selection may not be named after one.
bool is_condition_keyword(std::string_view word);

// `*` glob over a selection name.
bool glob_match(std::string_view pattern, std::string_view name);

// Replaces every kAnyOf / kAllOf by kOr / kAnd over the matching names of `names` (in their order;
// "them" means every name not starting with '_'), and checks that every kName is in `names`.
// Returns the error (with the offending offset) or nothing.
std::optional<CondError> expand_condition(CondExpr& expr, const std::vector<std::string>& names);

// The expression as text, fully parenthesised where needed (for display and generated rules).
std::string to_string(const CondExpr& expr);

}  // namespace soc
