#include "collector/detect/rule.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <system_error>

#include "collector/detect/engine.h"
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

FieldMatcher parse_matcher(const std::string& file, const std::string& field,
                           const YAML::Node& value) {
  FieldMatcher m;
  m.field = field;
  m.where = yaml_location(file, value);
  if (value.IsNull()) yaml_fail(file, value, fmt::format("field '{}' needs a value", field));
  if (!value.IsMap()) {
    // Bare scalar or list: exact match against any of the values.
    m.kind = MatchKind::kEquals;
    m.values = string_list(file, value, fmt::format("field '{}'", field));
    return m;
  }
  yaml_check_keys(file, value,
                  {"equals", "contains", "startswith", "endswith", "regex", "nocase", "all"});
  check_unique_keys(file, value);
  static const std::pair<const char*, MatchKind> kKinds[] = {
      {"equals", MatchKind::kEquals},         {"contains", MatchKind::kContains},
      {"startswith", MatchKind::kStartsWith}, {"endswith", MatchKind::kEndsWith},
      {"regex", MatchKind::kRegex},
  };
  int found = 0;
  for (const auto& [key, kind] : kKinds) {
    const YAML::Node v = value[key];
    if (!v) continue;
    if (++found > 1) {
      yaml_fail(file, v,
                fmt::format("field '{}' has more than one of equals, contains, startswith, "
                            "endswith, regex (use one per field)",
                            field));
    }
    m.kind = kind;
    m.where = yaml_location(file, v);
    m.values = string_list(file, v, fmt::format("field '{}' {}", field, key));
    for (const auto& s : m.values) {
      if (s.empty() && kind != MatchKind::kEquals) {
        yaml_fail(file, v,
                  fmt::format("field '{}': empty {} value would match everything", field, key));
      }
    }
  }
  if (found == 0) {
    yaml_fail(file, value,
              fmt::format("field '{}' needs one of equals, contains, startswith, endswith, regex",
                          field));
  }
  if (const YAML::Node n = value["nocase"]) m.nocase = yaml_bool(file, n, "nocase");
  if (const YAML::Node a = value["all"]) m.all = yaml_bool(file, a, "all");
  return m;
}

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
    out.push_back(parse_matcher(file, field, kv.second));
  }
  return out;
}

Rule parse_rule(const std::string& file, const YAML::Node& node) {
  if (!node.IsMap()) yaml_fail(file, node, "a rule must be a mapping");
  yaml_check_keys(file, node,
                  {"id", "title", "title_vi", "description", "severity", "mitre", "match", "not",
                   "group_by", "threshold", "suppress", "evidence"});
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

  r.match = parse_clauses(file, required("match"), "match");
  if (const YAML::Node n = node["not"]) r.exclude = parse_clauses(file, n, "not");

  if (const YAML::Node n = node["group_by"]) {
    r.group_by = string_list(file, n, "group_by");
    std::set<std::string> seen;
    for (const auto& f : r.group_by) {
      if (!valid_field_name(f)) yaml_fail(file, n, fmt::format("invalid field name '{}'", f));
      if (!seen.insert(f).second) yaml_fail(file, n, fmt::format("'{}' listed twice", f));
    }
  }

  if (const YAML::Node n = node["threshold"]) {
    if (!n.IsMap()) yaml_fail(file, n, "threshold must be a mapping {count: N, within: T}");
    yaml_check_keys(file, n, {"count", "within"});
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
    r.threshold = Threshold{static_cast<uint32_t>(count), within};
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
  if (Status s = check_rule_patterns(r); !s.ok()) throw YamlError(s.error());
  return r;
}

struct Loaded {
  std::vector<Rule> rules;
  std::vector<std::string> errors;
};

// Parses one file rule by rule so that one broken rule does not hide the others.
void parse_file(const std::string& file, Loaded& out) {
  auto doc = load_yaml_file(file);
  if (!doc.ok()) {
    out.errors.push_back(doc.error());
    return;
  }
  const YAML::Node& root = doc.value();
  if (!root || root.IsNull()) return;  // empty or comment-only file
  const auto one = [&](const YAML::Node& n) {
    try {
      out.rules.push_back(parse_rule(file, n));
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
  return Error{std::move(msg)};
}

}  // namespace

Result<std::vector<Rule>> load_rules_file(const std::string& file) {
  Loaded l;
  parse_file(file, l);
  reject_duplicates(l);
  return finish(std::move(l), false, nullptr);
}

Result<std::vector<Rule>> load_rules(const std::string& dir, bool skip_broken,
                                     std::vector<std::string>* skipped) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Error{fmt::format("{}: not a rules directory", dir)};
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
  Loaded l;
  for (const auto& f : files) parse_file(f, l);
  reject_duplicates(l);
  return finish(std::move(l), skip_broken, skipped);
}

}  // namespace soc
