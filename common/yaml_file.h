// Loading YAML configuration and rule files with errors that name the file and line.
#pragma once

#include <yaml-cpp/yaml.h>

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
