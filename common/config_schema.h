// Declarative configuration, in the spirit of Fluent Bit's config_map: every key of a YAML
// configuration is listed once, in a table, with its type, default, allowed range and help text.
// From that table come the parsing into the typed config struct, the validation (wrong type, out
// of range, unknown key with a "did you mean", duplicate key, missing required key: each error at
// its file:line:column, all of them at once), and the reference that --config-reference prints
// and docs/configuration.md holds.
//
//   ConfigSchema<Limits> s;
//   s.add({.path = "limits.poll_interval_ms", .type = ConfigType::kInt, .default_text = "200",
//          .min = 1, .max = 10000, .help = "..."},
//         [](Limits& l, const ConfigValue& v) { l.poll_ms = v.number; });
//
// A dotted path is a key of a section of the same struct; a section whose items are another
// struct (a list of listeners, an optional input) has its own schema, named by `items` for the
// reference and parsed by the section's setter (ConfigSchema::parse / parse_list).
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"

namespace soc {

enum class ConfigType {
  kBool,
  kInt,
  kDuration,  // "30s", "5m", "2h", "1d", "250ms"; a plain number is seconds
  kSize,      // bytes: 65536, 512KiB, 64MiB, 1GiB (K/KB/M/MB/G/GB are binary units too)
  kString,
  kEnum,         // one of `choices`
  kPath,         // absolute, or relative to the config file where the schema says so
  kList,         // a list of strings (a single string is a list of one)
  kMap,          // a free mapping (e.g. librdkafka properties), read by the setter
  kSecret,       // a value, {file: PATH} or {env: NAME} (see yaml_secret_value)
  kSection,      // a mapping of further keys
  kSectionList,  // a list of mappings, each read by the `items` schema
};

const char* config_type_name(ConfigType t);

struct ConfigKeyInfo {
  std::string path;  // "limits.poll_interval_ms"
  ConfigType type = ConfigType::kString;
  std::string default_text;  // as the reference shows it; empty: no default
  // Allowed range of kInt (the number), kDuration (milliseconds) and kSize (bytes).
  int64_t min = std::numeric_limits<int64_t>::min();
  int64_t max = std::numeric_limits<int64_t>::max();
  std::vector<std::string> choices;  // kEnum
  std::string help;
  bool required = false;
  bool numeric_choices = false;  // kEnum: the index 0..N-1 is accepted for a choice too
  bool quoted_choices = false;   // kEnum: error messages put the choices in quotes
  // kSection / kSectionList read by another schema: its keys (for the reference).
  const std::vector<ConfigKeyInfo>* items = nullptr;
  // kSectionList: an item may be written as a scalar, meaning {scalar_key: value}.
  std::string scalar_key;
  bool scalar_is_list = false;  // kList: a single string is a list of one
};

// One parse of one file: errors are collected, not thrown, so a sysadmin sees them all.
struct ConfigContext {
  std::string file;
  bool paths_relative_to_file = false;  // kPath: relative to the file's directory (else absolute)
  std::vector<std::string> errors;
  // Put before key names in messages while a nested schema reads its section ("redaction.").
  std::string prefix;

  // Records "file:line:column: why".
  void fail(const YAML::Node& at, const std::string& why);
  // A path relative to the configuration file's directory; absolute ones unchanged.
  std::string resolve(const std::string& path) const;
  // The errors, one a line; an Error when there is any.
  Status status() const;
};

// A key's value, converted by its type.
struct ConfigValue {
  YAML::Node node;  // where it was written (for setters' own errors)
  bool flag = false;
  int64_t number = 0;  // kInt; kDuration in milliseconds; kSize in bytes; kEnum: index of choice
  std::string text;    // kString, kEnum, kPath (resolved), kSecret
  std::vector<std::string> list;  // kList
  ConfigContext* ctx = nullptr;   // for setters that read nested schemas
};

namespace config_detail {

// Walks one mapping against `keys`: rejects duplicates, unknown keys and missing required ones,
// converts each value and hands it to on_value(index of its key, value).
void walk(ConfigContext& ctx, const YAML::Node& map, const std::vector<ConfigKeyInfo>& keys,
          const std::function<void(size_t, const ConfigValue&)>& on_value);

}  // namespace config_detail

// Levenshtein distance, for "did you mean".
size_t config_edit_distance(const std::string& a, const std::string& b);

// The reference of `keys` as a markdown table (nested item schemas listed as "syslog[].protocol").
std::string config_reference_markdown(const std::vector<ConfigKeyInfo>& keys);

template <class C>
class ConfigSchema {
 public:
  using Setter = std::function<void(C&, const ConfigValue&)>;
  // Runs after a mapping was read without error: checks that involve several keys.
  using Check = std::function<void(ConfigContext&, const YAML::Node&, C&)>;

  ConfigSchema& add(ConfigKeyInfo key, Setter set = {}) {
    keys_.push_back(std::move(key));
    setters_.push_back(std::move(set));
    return *this;
  }
  ConfigSchema& check(Check c) {
    checks_.push_back(std::move(c));
    return *this;
  }
  const std::vector<ConfigKeyInfo>& keys() const { return keys_; }

  // Reads the mapping `node` into `out`. A null node (`journald:`) is an empty mapping.
  void parse(ConfigContext& ctx, const YAML::Node& node, C& out) const {
    const size_t before = ctx.errors.size();
    config_detail::walk(ctx, node, keys_, [&](size_t i, const ConfigValue& v) {
      if (setters_[i]) setters_[i](out, v);
    });
    if (ctx.errors.size() != before) return;
    for (const auto& c : checks_) c(ctx, node, out);
  }

  // Reads every item of the sequence `node` (see ConfigKeyInfo::scalar_key).
  std::vector<C> parse_list(ConfigContext& ctx, const YAML::Node& node,
                            const std::string& scalar_key = {}) const {
    std::vector<C> out;
    for (const auto& it : node) {
      const YAML::Node item = it;
      C c{};
      if (item.IsScalar() && !scalar_key.empty()) {
        YAML::Node wrapped(YAML::NodeType::Map);
        wrapped[scalar_key] = item;
        parse(ctx, wrapped, c);
      } else {
        parse(ctx, item, c);
      }
      out.push_back(std::move(c));
    }
    return out;
  }

 private:
  std::vector<ConfigKeyInfo> keys_;
  std::vector<Setter> setters_;
  std::vector<Check> checks_;
};

// Reads a section by its own schema, its keys named "section.key" in messages.
template <class C>
void parse_section(ConfigContext& ctx, const std::string& section, const ConfigSchema<C>& schema,
                   const YAML::Node& node, C& out) {
  const std::string saved = ctx.prefix;
  ctx.prefix += section + ".";
  schema.parse(ctx, node, out);
  ctx.prefix = saved;
}

}  // namespace soc
