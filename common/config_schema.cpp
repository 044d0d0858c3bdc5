#include "common/config_schema.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "common/kafka.h"
#include "common/yaml_file.h"

namespace soc {
namespace {

std::string parent_of(const std::string& path) {
  const size_t dot = path.rfind('.');
  return dot == std::string::npos ? std::string() : path.substr(0, dot);
}

std::string name_of(const std::string& path) {
  const size_t dot = path.rfind('.');
  return dot == std::string::npos ? path : path.substr(dot + 1);
}

std::string size_text(int64_t bytes) {
  static constexpr std::pair<int64_t, const char*> kUnits[] = {
      {1LL << 40, "TiB"}, {1LL << 30, "GiB"}, {1LL << 20, "MiB"}, {1LL << 10, "KiB"}};
  for (const auto& [unit, name] : kUnits) {
    if (bytes >= unit && bytes % unit == 0) return fmt::format("{}{}", bytes / unit, name);
  }
  return fmt::format("{}", bytes);
}

std::string duration_text(int64_t ms) {
  static constexpr std::pair<int64_t, const char*> kUnits[] = {
      {86'400'000, "d"}, {3'600'000, "h"}, {60'000, "m"}, {1000, "s"}};
  if (ms == 0) return "0s";
  for (const auto& [unit, name] : kUnits) {
    if (ms % unit == 0) return fmt::format("{}{}", ms / unit, name);
  }
  return fmt::format("{}ms", ms);
}

std::string bound_text(const ConfigKeyInfo& k, int64_t v) {
  if (k.type == ConfigType::kSize) return size_text(v);
  if (k.type == ConfigType::kDuration) return duration_text(v);
  return fmt::format("{}", v);
}

bool has_range(const ConfigKeyInfo& k) {
  return k.min != std::numeric_limits<int64_t>::min() ||
         k.max != std::numeric_limits<int64_t>::max();
}

std::string range_text(const ConfigKeyInfo& k) {
  const bool lo = k.min != std::numeric_limits<int64_t>::min();
  const bool hi = k.max != std::numeric_limits<int64_t>::max();
  if (lo && hi) return bound_text(k, k.min) + " .. " + bound_text(k, k.max);
  if (lo) return "at least " + bound_text(k, k.min);
  if (hi) return "at most " + bound_text(k, k.max);
  return {};
}

std::string choices_text(const ConfigKeyInfo& k, bool in_message = false) {
  std::string out;
  const std::string quote = in_message && k.quoted_choices ? "'" : "";
  for (size_t i = 0; i < k.choices.size(); ++i) {
    if (i > 0) out += i + 1 == k.choices.size() ? " or " : ", ";
    out += quote + k.choices[i] + quote;
  }
  if (k.numeric_choices) out += fmt::format(" (or 0 .. {})", k.choices.size() - 1);
  return out;
}

// "30s" → 30000. A plain number is seconds, as everywhere in these files.
std::optional<int64_t> parse_duration_ms(const std::string& s) {
  size_t used = 0;
  long long v = -1;
  try {
    v = std::stoll(s, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (v < 0 || s[0] == '-' || s[0] == '+') return std::nullopt;
  const std::string unit = s.substr(used);
  int64_t mult = 0;
  if (unit == "ms") mult = 1;
  if (unit.empty() || unit == "s") mult = 1000;
  if (unit == "m") mult = 60'000;
  if (unit == "h") mult = 3'600'000;
  if (unit == "d") mult = 86'400'000;
  if (mult == 0 || v > std::numeric_limits<int64_t>::max() / mult) return std::nullopt;
  return v * mult;
}

// "64MiB" → 67108864 (K, KB, KiB ... are all binary units: "8MB" means about that much).
std::optional<int64_t> parse_size(const std::string& s) {
  size_t used = 0;
  unsigned long long v = 0;
  try {
    v = std::stoull(s, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (s[0] == '-' || s[0] == '+') return std::nullopt;
  std::string unit = s.substr(used);
  while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  uint64_t mult = 0;
  if (unit.empty() || unit == "B") mult = 1;
  if (unit == "K" || unit == "KB" || unit == "KiB") mult = 1ull << 10;
  if (unit == "M" || unit == "MB" || unit == "MiB") mult = 1ull << 20;
  if (unit == "G" || unit == "GB" || unit == "GiB") mult = 1ull << 30;
  if (unit == "T" || unit == "TB" || unit == "TiB") mult = 1ull << 40;
  if (mult == 0 || v > static_cast<unsigned long long>(std::numeric_limits<int64_t>::max()) / mult)
    return std::nullopt;
  return static_cast<int64_t>(v * mult);
}

// Converts `node` by the key's type; records an error and returns false when it does not fit.
bool convert(ConfigContext& ctx, const ConfigKeyInfo& k, const YAML::Node& node, ConfigValue& v) {
  const std::string what = "'" + ctx.prefix + k.path + "'";
  const auto scalar = [&](const char* expected) {
    if (node.IsScalar()) return true;
    ctx.fail(node, fmt::format("{} must be {}", what, expected));
    return false;
  };
  const auto in_range = [&](int64_t n) {
    if (n >= k.min && n <= k.max) return true;
    ctx.fail(node, fmt::format("{} must be {}, got {}", what, range_text(k), node.Scalar()));
    return false;
  };
  switch (k.type) {
    case ConfigType::kBool:
      if (!node.IsScalar() || !YAML::convert<bool>::decode(node, v.flag)) {
        ctx.fail(node, what + " must be true or false");
        return false;
      }
      return true;
    case ConfigType::kInt: {
      if (!scalar("an integer")) return false;
      try {
        size_t used = 0;
        v.number = std::stoll(node.Scalar(), &used);
        if (used == node.Scalar().size()) return in_range(v.number);
      } catch (const std::exception&) {
      }
      ctx.fail(node, fmt::format("{} must be an integer, got '{}'", what, node.Scalar()));
      return false;
    }
    case ConfigType::kDuration: {
      if (!scalar("a duration such as 30s or 5m")) return false;
      const auto ms = parse_duration_ms(node.Scalar());
      if (!ms) {
        ctx.fail(node, fmt::format("{} must be a duration such as 30s, 5m, 2h or 1d, got '{}'",
                                   what, node.Scalar()));
        return false;
      }
      v.number = *ms;
      return in_range(v.number);
    }
    case ConfigType::kSize: {
      if (!scalar("a size such as 64MiB")) return false;
      const auto bytes = parse_size(node.Scalar());
      if (!bytes) {
        ctx.fail(node, fmt::format("{} must be a size such as 512KiB, 64MiB or 1GiB, got '{}'",
                                   what, node.Scalar()));
        return false;
      }
      v.number = *bytes;
      return in_range(v.number);
    }
    case ConfigType::kString:
      if (!scalar("a string")) return false;
      v.text = node.Scalar();
      return true;
    case ConfigType::kEnum: {
      if (!scalar("a string")) return false;
      v.text = node.Scalar();
      for (size_t i = 0; i < k.choices.size(); ++i) {
        if (v.text == k.choices[i] || (k.numeric_choices && v.text == std::to_string(i))) {
          v.number = static_cast<int64_t>(i);
          v.text = k.choices[i];
          return true;
        }
      }
      ctx.fail(node, fmt::format("{} must be {}, got '{}'", what, choices_text(k, true), v.text));
      return false;
    }
    case ConfigType::kPath:
      if (!scalar("a path")) return false;
      v.text = node.Scalar();
      if (v.text.empty()) {
        ctx.fail(node, what + " must not be empty");
        return false;
      }
      if (ctx.paths_relative_to_file) {
        v.text = ctx.resolve(v.text);
      } else if (v.text[0] != '/') {
        ctx.fail(node, fmt::format("{} must be an absolute path, got '{}'", what, v.text));
        return false;
      }
      return true;
    case ConfigType::kList:
      if (node.IsScalar() && k.scalar_is_list) {
        v.list.push_back(node.Scalar());
        return true;
      }
      if (!node.IsSequence()) {
        ctx.fail(node, what + " must be a list");
        return false;
      }
      for (const auto& item : node) {
        if (!item.IsScalar()) {
          ctx.fail(item, what + " entries must be strings");
          return false;
        }
        v.list.push_back(item.Scalar());
      }
      return true;
    case ConfigType::kMap:
      if (node.IsMap()) return true;
      ctx.fail(node, what + " must be a mapping");
      return false;
    case ConfigType::kSecret:
      try {
        v.text = yaml_secret_value(ctx.file, node, what);
      } catch (const YamlError& e) {
        ctx.errors.push_back(e.what());
        return false;
      }
      return true;
    case ConfigType::kSection:
      if (node.IsMap() || node.IsNull()) return true;
      ctx.fail(node, what + " must be a mapping");
      return false;
    case ConfigType::kSectionList:
      if (node.IsSequence()) return true;
      ctx.fail(node, what + " must be a list");
      return false;
  }
  return false;
}

void walk_section(ConfigContext& ctx, const YAML::Node& map, const std::string& prefix,
                  const std::vector<ConfigKeyInfo>& keys,
                  const std::function<void(size_t, const ConfigValue&)>& on_value) {
  if (map.IsNull()) {
    // An empty section: only its required keys matter.
  } else if (!map.IsMap()) {
    ctx.fail(map, prefix.empty() ? "the configuration must be a YAML mapping"
                                 : fmt::format("'{}' must be a mapping", prefix));
    return;
  }
  std::map<std::string, YAML::Mark> seen;
  if (map.IsMap()) {
    for (const auto& kv : map) {
      if (!kv.first.IsScalar()) {
        ctx.fail(kv.first, "a key must be a string");
        continue;
      }
      const std::string name = kv.first.Scalar();
      const std::string path = prefix.empty() ? name : prefix + "." + name;
      // yaml-cpp keeps every pair of a repeated key and answers lookups with the first one.
      if (const auto [it, fresh] = seen.emplace(name, kv.first.Mark()); !fresh) {
        ctx.fail(kv.first,
                 fmt::format("duplicate key '{}' (first at line {})", path, it->second.line + 1));
        continue;
      }
      size_t index = keys.size();
      for (size_t i = 0; i < keys.size(); ++i) {
        if (keys[i].path == path) index = i;
      }
      if (index == keys.size()) {
        std::string best;
        size_t best_distance = 3;
        std::vector<std::string> siblings;
        for (const auto& k : keys) {
          if (parent_of(k.path) != prefix) continue;
          const std::string sibling = name_of(k.path);
          siblings.push_back(sibling);
          const size_t d = config_edit_distance(name, sibling);
          if (d < best_distance && d < sibling.size()) {
            best_distance = d;
            best = sibling;
          }
        }
        std::string why = fmt::format("unknown key '{}'", name);
        std::string section = ctx.prefix + prefix;
        if (!section.empty() && section.back() == '.') section.pop_back();
        if (!section.empty()) why += " in '" + section + "'";
        if (!best.empty()) why += fmt::format(": did you mean '{}'?", best);
        std::string list;
        for (const auto& s : siblings) list += (list.empty() ? "" : ", ") + s;
        if (best.empty() && !list.empty()) why += " (expected one of: " + list + ")";
        ctx.fail(kv.first, why);
        continue;
      }
      const ConfigKeyInfo& k = keys[index];
      ConfigValue v;
      v.node = kv.second;
      v.ctx = &ctx;
      if (!convert(ctx, k, kv.second, v)) continue;
      if (k.type == ConfigType::kSection && k.items == nullptr) {
        on_value(index, v);  // the section is present
        walk_section(ctx, kv.second, path, keys, on_value);
        continue;
      }
      try {
        on_value(index, v);
      } catch (const YamlError& e) {
        ctx.errors.push_back(e.what());
      }
    }
  }
  for (const auto& k : keys) {
    if (!k.required || parent_of(k.path) != prefix) continue;
    if (seen.count(name_of(k.path)) != 0) continue;
    const std::string full = ctx.prefix + k.path;
    const std::string section = parent_of(full);
    std::string why = section.empty() ? fmt::format("'{}' is required", full)
                                      : fmt::format("'{}' needs '{}' ('{}' is required)", section,
                                                    name_of(full), full);
    if (!k.help.empty()) why += ": " + k.help;
    ctx.fail(map, why);
  }
}

void reference_rows(const std::vector<ConfigKeyInfo>& keys, const std::string& prefix,
                    std::string& out) {
  const auto cell = [](std::string s) {
    std::string r;
    for (const char ch : s) r += ch == '|' ? std::string("\\|") : std::string(1, ch);
    return r;
  };
  for (const auto& k : keys) {
    const std::string path = prefix + k.path;
    std::string type = config_type_name(k.type);
    if (k.type == ConfigType::kEnum) type += ": " + choices_text(k);
    std::string allowed = has_range(k) ? range_text(k) : "";
    if (k.required) allowed = allowed.empty() ? "required" : "required; " + allowed;
    std::string def = k.default_text.empty() ? "" : "`" + k.default_text + "`";
    out += fmt::format("| `{}` | {} | {} | {} | {} |\n", path, cell(type), cell(def), cell(allowed),
                       cell(k.help));
    if (k.items != nullptr) {
      reference_rows(*k.items, path + (k.type == ConfigType::kSectionList ? "[]." : "."), out);
    }
  }
}

}  // namespace

const char* config_type_name(ConfigType t) {
  switch (t) {
    case ConfigType::kBool:
      return "bool";
    case ConfigType::kInt:
      return "int";
    case ConfigType::kDuration:
      return "duration";
    case ConfigType::kSize:
      return "size";
    case ConfigType::kString:
      return "string";
    case ConfigType::kEnum:
      return "enum";
    case ConfigType::kPath:
      return "path";
    case ConfigType::kList:
      return "list";
    case ConfigType::kMap:
      return "map";
    case ConfigType::kSecret:
      return "secret";
    case ConfigType::kSection:
      return "section";
    case ConfigType::kSectionList:
      return "list of sections";
  }
  return "?";
}

void ConfigContext::fail(const YAML::Node& at, const std::string& why) {
  errors.push_back(fmt::format("{}: {}", yaml_location(file, at), why));
}

std::string ConfigContext::resolve(const std::string& p) const {
  if (p.empty() || p[0] == '/') return p;
  const auto base = std::filesystem::absolute(file).parent_path();
  return (base / p).lexically_normal().string();
}

Status ConfigContext::status() const {
  if (errors.empty()) return Ok{};
  std::string text;
  for (const auto& e : errors) text += (text.empty() ? "" : "\n") + e;
  return Error::invalid_input(text);
}

namespace config_detail {

void walk(ConfigContext& ctx, const YAML::Node& map, const std::vector<ConfigKeyInfo>& keys,
          const std::function<void(size_t, const ConfigValue&)>& on_value) {
  walk_section(ctx, map, "", keys, on_value);
}

}  // namespace config_detail

size_t config_edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string config_reference_markdown(const std::vector<ConfigKeyInfo>& keys) {
  std::string out =
      "| Key | Type | Default | Allowed | Description |\n"
      "|-----|------|---------|---------|-------------|\n";
  reference_rows(keys, "", out);
  return out;
}

}  // namespace soc
