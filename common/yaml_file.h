// Loading YAML configuration and rule files with errors that name the file and line.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <stdexcept>
#include <string>

#include "common/result.h"

namespace soc {

// Thrown while interpreting a YAML document; caught at the loader's boundary and returned as an
// Error. The message already carries "file:line:column: ".
class YamlError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses a file; a missing file, an unreadable one or a syntax error becomes an Error naming it.
Result<YAML::Node> load_yaml_file(const std::string& path);

// Parses YAML text (the first document); a syntax error becomes
// "name:line:column: YAML syntax error: ...", a quoted string left open included (at its opening
// quote; see yaml_open_quote).
Result<YAML::Node> parse_yaml_text(const std::string& text, const std::string& name);

// Where a quoted string of the first document opens that is never closed. yaml-cpp 0.7 takes such
// a string silently when the text ends with a line break: it swallows the rest of the file, and a
// loader would then complain of missing keys instead.
std::optional<YAML::Mark> yaml_open_quote(const std::string& text);

// "file:line:column" of a node (1-based), or just "file" when the node has no mark.
std::string yaml_location(const std::string& file, const YAML::Node& node);

// Throws YamlError at `node`'s location.
[[noreturn]] void yaml_fail(const std::string& file, const YAML::Node& node,
                            const std::string& why);

// Typed accessors that throw YamlError with the location on a wrong type.
std::string yaml_string(const std::string& file, const YAML::Node& node, const std::string& what);
long long yaml_int(const std::string& file, const YAML::Node& node, const std::string& what);
bool yaml_bool(const std::string& file, const YAML::Node& node, const std::string& what);

// Parses durations such as "30s", "5m", "2h", "1d" or a plain number of seconds.
long long yaml_duration_seconds(const std::string& file, const YAML::Node& node,
                                const std::string& what);

// Rejects keys of a map that are not in `known`, naming the first unknown one.
void yaml_check_keys(const std::string& file, const YAML::Node& map,
                     std::initializer_list<std::string_view> known);

}  // namespace soc
