#include "collector/detect/rule.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>
#include <system_error>

#include "collector/detect/condition.h"
#include "collector/detect/engine.h"
#include "collector/detect/intel_list.h"
#include "common/yaml_file.h"

namespace soc {
namespace {

namespace fs = std::filesystem;

// Upper bounds keep per-group state (threshold timestamps, evidence) small.
constexpr long long kMaxThresholdCount = 10000;
constexpr long long kMaxDuration = 30LL * 86400;
constexpr long long kMaxEvidence = 1000;

bool valid_id(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
}

bool valid_field_name(const std::string& f) {
  if (f.empty() || f.size() > 128) return false;
  return std::all_of(f.begin(), f.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-' || c == '@';
  });
}

// T#### or T####.### (MITRE ATT&CK technique / sub-technique).
bool valid_mitre(const std::string& s) {
  const auto digits = [&](size_t from, size_t n) {
    for (size_t i = from; i < from + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
    }
    return true;
  };
  if (s.size() == 5) return s[0] == 'T' && digits(1, 4);
  if (s.size() == 9) return s[0] == 'T' && digits(1, 4) && s[5] == '.' && digits(6, 3);
  return false;
}

// yaml-cpp keeps duplicate keys and lookups see only the first, so a repeated key would be
// silently ignored: refuse it at the second occurrence.
void check_unique_keys(const std::string& file, const YAML::Node& map) {
  std::set<std::string> seen;
  for (const auto& kv : map) {
    if (!seen.insert(kv.first.Scalar()).second) {
      yaml_fail(file, kv.first, fmt::format("key '{}' given twice", kv.first.Scalar()));
    }
  }
}

// A scalar or a non-empty sequence of scalars, as strings.
std::vector<std::string> string_list(const std::string& file, const YAML::Node& node,
                                     const std::string& what) {
  std::vector<std::string> out;
  if (node.IsScalar()) {
    out.push_back(node.Scalar());
  } else if (node.IsSequence()) {
    if (node.size() == 0) yaml_fail(file, node, what + " must not be an empty list");
    for (const auto& item : node) out.push_back(yaml_string(file, item, what + " item"));
  } else {
    yaml_fail(file, node, what + " must be a string or a list of strings");
  }
  return out;
}

// The event's raw line: what `keywords` search.
constexpr const char* kKeywordsField = "event.original";

bool valid_selection_name(const std::string& s) {
  if (s.empty() || s.size() > 128 || is_condition_keyword(s)) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

// A matcher mapping such as {contains: [a, b], nocase: true}, or a bare value / list (`bare`).
FieldMatcher parse_matcher(const std::string& file, const std::string& field,
                           const YAML::Node& value, MatchKind bare) {
  FieldMatcher m;
  m.field = field;
  m.where = yaml_location(file, value);
  if (value.IsNull()) yaml_fail(file, value, fmt::format("field '{}' needs a value", field));
  if (!value.IsMap()) {
    m.kind = bare;
    m.values = string_list(file, value, fmt::format("field '{}'", field));
    if (bare != MatchKind::kEquals) {
      for (const auto& s : m.values) {
        if (s.empty()) yaml_fail(file, value, "empty keyword would match everything");
      }
    }
    return m;
  }
  yaml_check_keys(file, value,
                  {"equals", "contains", "startswith", "endswith", "regex", "exists", "in_list",
                   "nocase", "all"});
  check_unique_keys(file, value);
  static const std::pair<const char*, MatchKind> kKinds[] = {
      {"equals", MatchKind::kEquals},         {"contains", MatchKind::kContains},
      {"startswith", MatchKind::kStartsWith}, {"endswith", MatchKind::kEndsWith},
      {"regex", MatchKind::kRegex},           {"exists", MatchKind::kExists},
      {"in_list", MatchKind::kInList},
  };
  int found = 0;
  for (const auto& [key, kind] : kKinds) {
    const YAML::Node v = value[key];
    if (!v) continue;
    if (++found > 1) {
      yaml_fail(file, v,
                fmt::format("field '{}' has more than one of equals, contains, startswith, "
                            "endswith, regex, exists, in_list (use one per field)",
                            field));
    }
    m.kind = kind;
    m.where = yaml_location(file, v);
    if (kind == MatchKind::kExists) {
      m.negate = !yaml_bool(file, v, "exists");
      continue;
    }
    m.values = string_list(file, v, fmt::format("field '{}' {}", field, key));
    if (kind == MatchKind::kInList) {
      for (const auto& name : m.values) {
        if (!valid_intel_list_name(name)) {
          yaml_fail(file, v,
                    fmt::format("field '{}': '{}' is not a list name (lowercase letters, digits, "
                                "'.', '_', '-': the file NAME.txt in the intel directory)",
                                field, name));
        }
      }
    }
    for (const auto& s : m.values) {
      if (s.empty() && kind != MatchKind::kEquals) {
        yaml_fail(file, v,
                  fmt::format("field '{}': empty {} value would match everything", field, key));
      }
    }
  }
  if (found == 0) {
    yaml_fail(file, value,
              fmt::format("field '{}' needs one of equals, contains, startswith, endswith, regex, "
                          "exists, in_list",
                          field));
  }
  if (const YAML::Node n = value["nocase"]) m.nocase = yaml_bool(file, n, "nocase");
  if (const YAML::Node a = value["all"]) m.all = yaml_bool(file, a, "all");
  if (m.kind == MatchKind::kExists && (value["nocase"] || value["all"])) {
    yaml_fail(file, value["nocase"] ? value["nocase"] : value["all"],
              "exists takes no nocase / all");
  }
  if (m.kind == MatchKind::kInList && (value["nocase"] || value["all"])) {
    // Lists compare addresses as addresses and names case-insensitively already.
    yaml_fail(file, value["nocase"] ? value["nocase"] : value["all"],
              "in_list takes no nocase / all");
  }
  return m;
}

// `keywords: ...`: a matcher on the raw line where a bare value or list means `contains`.
FieldMatcher parse_keywords(const std::string& file, const YAML::Node& node) {
  return parse_matcher(file, kKeywordsField, node, MatchKind::kContains);
}

// A mapping of field names to matchers (the reserved name `keywords` searches the raw line).
std::vector<FieldMatcher> parse_clauses(const std::string& file, const YAML::Node& node,
                                        const std::string& what) {
  if (!node.IsMap()) yaml_fail(file, node, what + " must be a mapping of field names to matchers");
  if (node.size() == 0) yaml_fail(file, node, what + " needs at least one field");
  std::vector<FieldMatcher> out;
  std::set<std::string> seen;
  for (const auto& kv : node) {
    const std::string field = yaml_string(file, kv.first, "field name");
    if (!valid_field_name(field)) {
      yaml_fail(file, kv.first, fmt::format("invalid field name '{}'", field));
    }
    if (!seen.insert(field).second) {
      yaml_fail(file, kv.first, fmt::format("field '{}' listed twice in {}", field, what));
    }
    if (field == "keywords") {
      out.push_back(parse_keywords(file, kv.second));
    } else {
      out.push_back(parse_matcher(file, field, kv.second, MatchKind::kEquals));
    }
  }
  return out;
}

// Appends `ms` to r.clauses and returns their indices.
std::vector<uint32_t> add_clauses(Rule& r, std::vector<FieldMatcher> ms) {
  std::vector<uint32_t> idx;
  for (auto& m : ms) {
    idx.push_back(static_cast<uint32_t>(r.clauses.size()));
    r.clauses.push_back(std::move(m));
  }
  return idx;
}

uint32_t add_node(Rule& r, CondNode n) {
  r.condition.push_back(std::move(n));
  return static_cast<uint32_t>(r.condition.size() - 1);
}

// The node for "every clause in `idx` holds" (a single clause needs no And node).
uint32_t all_of_clauses(Rule& r, const std::vector<uint32_t>& idx) {
  std::vector<uint32_t> kids;
  for (uint32_t c : idx) kids.push_back(add_node(r, {CondNode::Op::kClause, c, {}}));
  if (kids.size() == 1) return kids[0];
  return add_node(r, {CondNode::Op::kAnd, 0, std::move(kids)});
}

uint32_t selection_node(Rule& r, const Selection& s) {
  std::vector<uint32_t> alts;
  for (const auto& a : s.alternatives) alts.push_back(all_of_clauses(r, a));
  if (alts.size() == 1) return alts[0];
  return add_node(r, {CondNode::Op::kOr, 0, std::move(alts)});
}

// The old form: every `match` clause (and `keywords`) holds and no `not` clause does.
void build_match_form(const std::string& file, const YAML::Node& node, Rule& r) {
  std::vector<FieldMatcher> pos;
  if (const YAML::Node m = node["match"]) pos = parse_clauses(file, m, "match");
  if (const YAML::Node k = node["keywords"]) pos.push_back(parse_keywords(file, k));
  if (pos.empty()) yaml_fail(file, node, "missing required key 'match' (or 'selections')");
  Selection match{"match", {add_clauses(r, std::move(pos))}};
  const uint32_t match_node = selection_node(r, match);
  r.selections.push_back(std::move(match));
  r.condition_root = match_node;
  r.condition_text = "match";
  if (const YAML::Node n = node["not"]) {
    Selection excl{"not", {}};
    for (uint32_t c : add_clauses(r, parse_clauses(file, n, "not"))) {
      excl.alternatives.push_back({c});
    }
    const uint32_t any = selection_node(r, excl);
    const uint32_t none = add_node(r, {CondNode::Op::kNot, 0, {any}});
    r.condition_root = add_node(r, {CondNode::Op::kAnd, 0, {match_node, none}});
    r.selections.push_back(std::move(excl));
    r.condition_text = "match and not not";
  }
}

// "file:line:col" of byte `offset` inside the scalar `node` (exact for one-line scalars).
std::string offset_location(const std::string& file, const YAML::Node& node, size_t offset) {
  const YAML::Mark m = node.Mark();
  if (m.is_null()) return file;
  const std::string& text = node.Scalar();
  if (text.find('\n') != std::string::npos) return yaml_location(file, node);
  const bool quoted = node.Tag() == "!";
  return fmt::format("{}:{}:{}", file, m.line + 1, m.column + 1 + offset + (quoted ? 1 : 0));
}

uint32_t build_condition(Rule& r, const CondExpr& e, const std::map<std::string, uint32_t>& sel) {
  switch (e.kind) {
    case CondExpr::Kind::kName:
      return sel.at(e.name);
    case CondExpr::Kind::kNot:
      return add_node(r, {CondNode::Op::kNot, 0, {build_condition(r, e.kids.at(0), sel)}});
    case CondExpr::Kind::kAnd:
    case CondExpr::Kind::kOr: {
      std::vector<uint32_t> kids;
      for (const auto& k : e.kids) kids.push_back(build_condition(r, k, sel));
      return add_node(
          r, {e.kind == CondExpr::Kind::kAnd ? CondNode::Op::kAnd : CondNode::Op::kOr, 0, kids});
    }
    case CondExpr::Kind::kAnyOf:
    case CondExpr::Kind::kAllOf:
      break;  // expanded before
  }
  return 0;
}

void mark_used(const CondExpr& e, std::set<std::string>& used) {
  if (e.kind == CondExpr::Kind::kName) used.insert(e.name);
  for (const auto& k : e.kids) mark_used(k, used);
}

// The Sigma-style form: named selections and a boolean condition over them.
void build_selection_form(const std::string& file, const YAML::Node& node, Rule& r) {
  for (const char* k : {"match", "not", "keywords"}) {
    if (node[k]) {
      yaml_fail(
          file, node[k],
          fmt::format("'{}' cannot be combined with 'selections' (put it in a selection)", k));
    }
  }
  const YAML::Node sels = node["selections"];
  const YAML::Node cond = node["condition"];
  if (!cond) yaml_fail(file, sels, "'selections' needs a 'condition'");
  if (!sels.IsMap() || sels.size() == 0) {
    yaml_fail(file, sels, "selections must be a non-empty mapping of names to selections");
  }
  check_unique_keys(file, sels);
  std::vector<std::string> names;
  std::map<std::string, YAML::Node> name_nodes;
  for (const auto& kv : sels) {
    const std::string name = yaml_string(file, kv.first, "selection name");
    if (!valid_selection_name(name)) {
      yaml_fail(file, kv.first,
                fmt::format("invalid selection name '{}' (letters, digits, '_', '.', '-'; not "
                            "and/or/not/of/them/all/any)",
                            name));
    }
    const YAML::Node& v = kv.second;
    Selection s{name, {}};
    const std::string what = fmt::format("selection '{}'", name);
    if (v.IsSequence() && v.size() > 0 && v[0].IsScalar()) {
      // A list of strings: keywords, as in Sigma.
      s.alternatives.push_back(add_clauses(r, {parse_keywords(file, v)}));
    } else if (v.IsSequence()) {
      if (v.size() == 0) yaml_fail(file, v, what + " must not be an empty list");
      for (const auto& alt : v)
        s.alternatives.push_back(add_clauses(r, parse_clauses(file, alt, what)));
    } else {
      s.alternatives.push_back(add_clauses(r, parse_clauses(file, v, what)));
    }
    names.push_back(name);
    name_nodes[name] = kv.first;
    r.selections.push_back(std::move(s));
  }

  r.condition_text = yaml_string(file, cond, "condition");
  CondParse parsed = parse_condition(r.condition_text);
  if (!parsed.expr) {
    throw YamlError(fmt::format("{}: condition: {}",
                                offset_location(file, cond, parsed.error.offset),
                                parsed.error.message));
  }
  CondExpr expr = std::move(*parsed.expr);
  if (auto err = expand_condition(expr, names)) {
    throw YamlError(
        fmt::format("{}: condition: {}", offset_location(file, cond, err->offset), err->message));
  }
  std::set<std::string> used;
  mark_used(expr, used);
  for (const auto& n : names) {
    if (!used.count(n)) {
      yaml_fail(file, name_nodes[n], fmt::format("selection '{}' is not used in the condition", n));
    }
  }
  std::map<std::string, uint32_t> sel_nodes;
  for (const auto& s : r.selections) sel_nodes[s.name] = selection_node(r, s);
  r.condition_root = build_condition(r, expr, sel_nodes);
}

Rule parse_rule(const std::string& file, const YAML::Node& node, PatternCheck patterns) {
  if (!node.IsMap()) yaml_fail(file, node, "a rule must be a mapping");
  yaml_check_keys(file, node,
                  {"id", "title", "title_vi", "description", "severity", "mitre", "author",
                   "sigma_id", "references", "match", "not", "keywords", "selections", "condition",
                   "group_by", "threshold", "after", "suppress", "evidence"});
  check_unique_keys(file, node);
  const auto required = [&](const char* key) {
    const YAML::Node n = node[key];
    if (!n || n.IsNull()) yaml_fail(file, node, fmt::format("missing required key '{}'", key));
    return n;
  };
  Rule r;
  r.file = file;
  if (!node.Mark().is_null()) {
    r.line = node.Mark().line + 1;
    r.column = node.Mark().column + 1;
  }

  const YAML::Node id = required("id");
  r.id = yaml_string(file, id, "id");
  if (!valid_id(r.id)) {
    yaml_fail(file, id, fmt::format("id '{}' must be 1-128 characters of [a-z0-9._-]", r.id));
  }
  r.title = yaml_string(file, required("title"), "title");
  if (r.title.empty()) yaml_fail(file, node["title"], "title must not be empty");
  if (const YAML::Node n = node["title_vi"]) r.title_vi = yaml_string(file, n, "title_vi");
  if (const YAML::Node n = node["description"]) r.description = yaml_string(file, n, "description");
  if (const YAML::Node n = node["author"]) r.author = yaml_string(file, n, "author");
  if (const YAML::Node n = node["sigma_id"]) r.sigma_id = yaml_string(file, n, "sigma_id");
  if (const YAML::Node n = node["references"]) r.references = string_list(file, n, "references");

  const YAML::Node sev = required("severity");
  const auto severity = parse_severity(yaml_string(file, sev, "severity"));
  if (!severity) {
    yaml_fail(
        file, sev,
        fmt::format("bad severity '{}' (expected low, medium, high or critical)", sev.Scalar()));
  }
  r.severity = *severity;

  if (const YAML::Node n = node["mitre"]) {
    const auto ids = string_list(file, n, "mitre");
    for (size_t i = 0; i < ids.size(); ++i) {
      if (!valid_mitre(ids[i])) {
        yaml_fail(file, n.IsSequence() ? n[i] : n,
                  fmt::format("bad MITRE ATT&CK id '{}' (expected T#### or T####.###)", ids[i]));
      }
    }
    r.mitre = ids;
  }

  YAML::Node cond_node;
  if (node["selections"]) {
    build_selection_form(file, node, r);
    cond_node = node["condition"];
  } else {
    if (node["condition"]) yaml_fail(file, node["condition"], "'condition' needs 'selections'");
    build_match_form(file, node, r);
    cond_node = node["match"] ? node["match"] : node["keywords"];
  }
  // The engine evaluates a rule only when one of its patterns hit, so a condition that holds
  // when nothing hit ("not filter", "a or not b") would silently never fire: refuse it.
  if (eval_condition(r, [](uint32_t) { return false; })) {
    yaml_fail(file, cond_node,
              fmt::format("condition '{}' holds for an event that matches none of its selections; "
                          "a rule needs at least one positive selection joined with 'and' (e.g. "
                          "'sel and not filter', not 'not filter' alone)",
                          r.condition_text));
  }

  const auto field_list = [&](const YAML::Node& n, const std::string& what) {
    auto out = string_list(file, n, what);
    std::set<std::string> seen;
    for (const auto& f : out) {
      if (!valid_field_name(f)) yaml_fail(file, n, fmt::format("invalid field name '{}'", f));
      if (!seen.insert(f).second) yaml_fail(file, n, fmt::format("'{}' listed twice", f));
    }
    return out;
  };
  if (const YAML::Node n = node["group_by"]) r.group_by = field_list(n, "group_by");

  if (const YAML::Node n = node["threshold"]) {
    if (!n.IsMap()) yaml_fail(file, n, "threshold must be a mapping {count: N, within: T}");
    yaml_check_keys(file, n, {"count", "within", "distinct", "group_by"});
    check_unique_keys(file, n);
    if (!n["count"]) yaml_fail(file, n, "threshold needs 'count'");
    if (!n["within"]) yaml_fail(file, n, "threshold needs 'within'");
    const long long count = yaml_int(file, n["count"], "threshold count");
    if (count < 2 || count > kMaxThresholdCount) {
      yaml_fail(file, n["count"],
                fmt::format("threshold count must be between 2 and {} (got {}); without a "
                            "threshold every matching event alerts",
                            kMaxThresholdCount, count));
    }
    const long long within = yaml_duration_seconds(file, n["within"], "threshold within");
    if (within < 1 || within > kMaxDuration) {
      yaml_fail(file, n["within"], "threshold within must be between 1s and 30d");
    }
    Threshold th{static_cast<uint32_t>(count), within, {}};
    if (const YAML::Node d = n["distinct"]) {
      th.distinct = yaml_string(file, d, "threshold distinct");
      if (!valid_field_name(th.distinct)) {
        yaml_fail(file, d, fmt::format("invalid field name '{}'", th.distinct));
      }
    }
    if (const YAML::Node g = n["group_by"]) {
      // Sugar: group_by may sit inside the threshold, where it reads naturally.
      if (node["group_by"]) yaml_fail(file, g, "group_by given both in the rule and in threshold");
      r.group_by = field_list(g, "group_by");
    }
    if (!th.distinct.empty() &&
        std::find(r.group_by.begin(), r.group_by.end(), th.distinct) != r.group_by.end()) {
      yaml_fail(file, n["distinct"],
                fmt::format("'{}' is both counted distinct and grouped by: each group would only "
                            "ever see one value",
                            th.distinct));
    }
    r.threshold = std::move(th);
  }

  if (const YAML::Node n = node["after"]) {
    if (!n.IsMap()) yaml_fail(file, n, "after must be a mapping {rule: ID, within: T}");
    yaml_check_keys(file, n, {"rule", "within"});
    check_unique_keys(file, n);
    if (!n["rule"]) yaml_fail(file, n, "after needs 'rule'");
    if (!n["within"]) yaml_fail(file, n, "after needs 'within'");
    After a;
    a.rule = yaml_string(file, n["rule"], "after rule");
    if (a.rule == r.id) yaml_fail(file, n["rule"], "a rule cannot come after itself");
    a.within_seconds = yaml_duration_seconds(file, n["within"], "after within");
    if (a.within_seconds < 1 || a.within_seconds > kMaxDuration) {
      yaml_fail(file, n["within"], "after within must be between 1s and 30d");
    }
    a.where = yaml_location(file, n["rule"]);
    r.after = std::move(a);
  }

  if (const YAML::Node n = node["suppress"]) {
    r.suppress_seconds = yaml_duration_seconds(file, n, "suppress");
    if (r.suppress_seconds < 1 || r.suppress_seconds > kMaxDuration) {
      yaml_fail(file, n, "suppress must be between 1s and 30d");
    }
  }
  if (const YAML::Node n = node["evidence"]) {
    const long long ev = yaml_int(file, n, "evidence");
    if (ev < 0 || ev > kMaxEvidence) {
      yaml_fail(file, n, fmt::format("evidence must be between 0 and {}", kMaxEvidence));
    }
    r.evidence_max = static_cast<uint32_t>(ev);
  }

  // A regex Hyperscan refuses is a load error, reported at the value's file:line:column.
  if (patterns == PatternCheck::kCheck) {
    if (Status s = check_rule_patterns(r); !s.ok()) throw YamlError(s.error());
  }
  return r;
}

struct Loaded {
  std::vector<Rule> rules;
  std::vector<std::string> errors;
  PatternCheck patterns = PatternCheck::kCheck;
};

// Parses one file rule by rule so that one broken rule does not hide the others.
void parse_document(const std::string& file, const YAML::Node& root, Loaded& out) {
  if (!root || root.IsNull()) return;  // empty or comment-only file
  const auto one = [&](const YAML::Node& n) {
    try {
      out.rules.push_back(parse_rule(file, n, out.patterns));
    } catch (const YamlError& e) {
      out.errors.push_back(e.what());
    } catch (const YAML::Exception& e) {
      out.errors.push_back(fmt::format("{}: {}", yaml_location(file, n), e.what()));
    }
  };
  if (root.IsSequence()) {
    for (const auto& n : root) one(n);
  } else if (root.IsMap()) {
    one(root);
  } else {
    out.errors.push_back(
        fmt::format("{}: expected a rule mapping or a list of rules", yaml_location(file, root)));
  }
}

void parse_file(const std::string& file, Loaded& out) {
  auto doc = load_yaml_file(file);
  if (!doc.ok()) {
    out.errors.push_back(doc.error());
    return;
  }
  parse_document(file, doc.value(), out);
}

// Moves rules whose id was already seen to errors, naming both places.
void reject_duplicates(Loaded& l) {
  std::map<std::string, std::string> first;  // id -> "file:line:col" of its first definition
  std::vector<Rule> kept;
  for (auto& r : l.rules) {
    const auto [it, inserted] =
        first.emplace(r.id, fmt::format("{}:{}:{}", r.file, r.line, r.column));
    if (!inserted) {
      l.errors.push_back(fmt::format("{}:{}:{}: duplicate rule id '{}' (first defined at {})",
                                     r.file, r.line, r.column, r.id, it->second));
      continue;
    }
    kept.push_back(std::move(r));
  }
  l.rules = std::move(kept);
}

// Moves rules whose `after` names a rule that is not loaded (unknown, or itself broken) to errors,
// until none is left: a rule chained to a broken one goes too.
void reject_dangling_after(Loaded& l) {
  for (bool changed = true; changed;) {
    changed = false;
    std::set<std::string> ids;
    for (const auto& r : l.rules) ids.insert(r.id);
    std::vector<Rule> kept;
    for (auto& r : l.rules) {
      if (r.after && !ids.count(r.after->rule)) {
        l.errors.push_back(
            fmt::format("{}: after: no rule '{}' is loaded", r.after->where, r.after->rule));
        changed = true;
        continue;
      }
      kept.push_back(std::move(r));
    }
    l.rules = std::move(kept);
  }
}

Result<std::vector<Rule>> finish(Loaded l, bool skip_broken, std::vector<std::string>* skipped) {
  if (l.errors.empty() || skip_broken) {
    if (skipped != nullptr) *skipped = std::move(l.errors);
    return std::move(l.rules);
  }
  std::string msg;
  for (const auto& e : l.errors) {
    if (!msg.empty()) msg += '\n';
    msg += e;
  }
  return Error::invalid_input(std::move(msg));
}

}  // namespace

std::string_view to_string(MatchKind k) {
  switch (k) {
    case MatchKind::kEquals:
      return "equals";
    case MatchKind::kContains:
      return "contains";
    case MatchKind::kStartsWith:
      return "startswith";
    case MatchKind::kEndsWith:
      return "endswith";
    case MatchKind::kRegex:
      return "regex";
    case MatchKind::kExists:
      return "exists";
    case MatchKind::kInList:
      return "in_list";
  }
  return "equals";
}

std::vector<bool> positive_clauses(const Rule& r) {
  std::vector<bool> out(r.clauses.size(), false);
  // (node, under an odd number of nots); the condition is a small DAG, so a plain walk is fine.
  std::vector<std::pair<uint32_t, bool>> stack{{r.condition_root, false}};
  while (!stack.empty()) {
    const auto [node, negated] = stack.back();
    stack.pop_back();
    const CondNode& n = r.condition[node];
    if (n.op == CondNode::Op::kClause) {
      if (negated == r.clauses[n.clause].negate) out[n.clause] = true;
      continue;
    }
    const bool flip = n.op == CondNode::Op::kNot;
    for (uint32_t k : n.kids) stack.emplace_back(k, negated != flip);
  }
  return out;
}

namespace {

// The clauses every satisfying assignment of `node` must hit.
std::vector<bool> required_under(const Rule& r, uint32_t node) {
  const CondNode& n = r.condition[node];
  std::vector<bool> out(r.clauses.size(), false);
  switch (n.op) {
    case CondNode::Op::kClause:
      out[n.clause] = !r.clauses[n.clause].negate;
      break;
    case CondNode::Op::kAnd:
      for (uint32_t k : n.kids) {
        const auto kid = required_under(r, k);
        for (size_t c = 0; c < out.size(); ++c) out[c] = out[c] || kid[c];
      }
      break;
    case CondNode::Op::kOr:
      for (size_t i = 0; i < n.kids.size(); ++i) {
        const auto kid = required_under(r, n.kids[i]);
        for (size_t c = 0; c < out.size(); ++c) out[c] = i == 0 ? kid[c] : out[c] && kid[c];
      }
      break;
    case CondNode::Op::kNot:
      break;  // nothing is known to be required under a negation
  }
  return out;
}

}  // namespace

std::vector<bool> required_clauses(const Rule& r) {
  if (r.condition.empty()) return std::vector<bool>(r.clauses.size(), false);
  return required_under(r, r.condition_root);
}

Result<std::vector<Rule>> load_rules_file(const std::string& file) {
  Loaded l;
  parse_file(file, l);
  reject_duplicates(l);
  reject_dangling_after(l);
  return finish(std::move(l), false, nullptr);
}

Result<std::vector<Rule>> load_rules_text(const std::string& text, const std::string& name,
                                          PatternCheck patterns) {
  auto doc = parse_yaml_text(text, name);
  if (!doc.ok()) return Error::invalid_input(doc.error());
  Loaded l;
  l.patterns = patterns;
  parse_document(name, doc.value(), l);
  reject_duplicates(l);
  reject_dangling_after(l);
  return finish(std::move(l), false, nullptr);
}

void attach_intel_lists(std::vector<Rule>& rules, const IntelLists& lists,
                        std::vector<std::string>& warnings) {
  for (Rule& rule : rules) {
    for (FieldMatcher& m : rule.clauses) {
      if (m.kind != MatchKind::kInList) continue;
      m.lists.clear();
      for (const auto& name : m.values) {
        auto list = lists.find(name);
        if (!list) {
          warnings.push_back(fmt::format(
              "{}: rule '{}': no intel list '{}' (file {}.txt in the intel directory): it matches "
              "nothing",
              m.where, rule.id, name, name));
          list = std::make_shared<IntelList>(name);
        }
        m.lists.push_back(std::move(list));
      }
    }
  }
}

Result<std::vector<Rule>> load_rules(const std::string& dir, bool skip_broken,
                                     std::vector<std::string>* skipped, size_t* files_read,
                                     const std::string& intel_dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return Error::not_found(fmt::format("{}: not a rules directory", dir));
  std::vector<std::string> files;
  // Symlinked subdirectories are not followed (no cycles); symlinked files are read.
  fs::recursive_directory_iterator it(dir, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const auto ext = it->path().extension();
    if ((ext == ".yml" || ext == ".yaml") && it->is_regular_file(ec)) {
      files.push_back(it->path().string());
    }
  }
  if (ec) return Error{fmt::format("{}: cannot list rules: {}", dir, ec.message())};
  std::sort(files.begin(), files.end());
  if (files_read != nullptr) *files_read = files.size();
  Loaded l;
  for (const auto& f : files) parse_file(f, l);
  reject_duplicates(l);
  reject_dangling_after(l);
  auto rules = finish(std::move(l), skip_broken, skipped);
  if (!rules) return rules;
  // Threat-intelligence lists, read afresh with the rules (a reload re-reads both).
  const std::string lists_dir = intel_dir.empty() ? (fs::path(dir) / "intel").string() : intel_dir;
  IntelLoadReport report;
  auto lists = IntelLists::load_dir(lists_dir, report);
  if (!lists) return lists.failure();
  std::vector<std::string> warnings = std::move(report.problems);
  attach_intel_lists(*rules, *lists, warnings);
  for (const auto& w : warnings) spdlog::warn("intel list: {}", w);
  if (report.files > 0) {
    spdlog::info("intel lists: {} lists, {} entries, {} bad lines from {}", lists->size(),
                 report.entries, report.bad_lines, lists_dir);
  }
  return rules;
}

}  // namespace soc
