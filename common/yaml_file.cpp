#include "common/yaml_file.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace soc {

Result<YAML::Node> load_yaml_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{fmt::format("{}: cannot open: {}", path, std::strerror(errno))};
  std::stringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return Error{fmt::format("{}: cannot read: {}", path, std::strerror(errno))};
  try {
    return YAML::Load(buf.str());
  } catch (const YAML::Exception& e) {
    return Error{fmt::format("{}:{}:{}: YAML syntax error: {}", path, e.mark.line + 1,
                             e.mark.column + 1, e.msg)};
  }
}

std::string yaml_location(const std::string& file, const YAML::Node& node) {
  const YAML::Mark m = node.Mark();
  if (m.is_null()) return file;
  return fmt::format("{}:{}:{}", file, m.line + 1, m.column + 1);
}

void yaml_fail(const std::string& file, const YAML::Node& node, const std::string& why) {
  throw YamlError(fmt::format("{}: {}", yaml_location(file, node), why));
}

std::string yaml_string(const std::string& file, const YAML::Node& node, const std::string& what) {
  if (!node.IsScalar()) yaml_fail(file, node, what + " must be a string");
  return node.Scalar();
}

long long yaml_int(const std::string& file, const YAML::Node& node, const std::string& what) {
  if (!node.IsScalar()) yaml_fail(file, node, what + " must be an integer");
  try {
    size_t used = 0;
    const long long v = std::stoll(node.Scalar(), &used);
    if (used == node.Scalar().size()) return v;
  } catch (const std::exception&) {
  }
  yaml_fail(file, node, fmt::format("{} must be an integer, got '{}'", what, node.Scalar()));
}

bool yaml_bool(const std::string& file, const YAML::Node& node, const std::string& what) {
  bool v = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, v)) {
    yaml_fail(file, node, what + " must be true or false");
  }
  return v;
}

long long yaml_duration_seconds(const std::string& file, const YAML::Node& node,
                                const std::string& what) {
  if (!node.IsScalar()) yaml_fail(file, node, what + " must be a duration such as 30s or 5m");
  const std::string& s = node.Scalar();
  size_t used = 0;
  long long v = -1;
  try {
    v = std::stoll(s, &used);
  } catch (const std::exception&) {
  }
  long long unit = 0;
  const std::string suffix = v < 0 ? "" : s.substr(used);
  if (suffix.empty() || suffix == "s")
    unit = 1;
  else if (suffix == "m")
    unit = 60;
  else if (suffix == "h")
    unit = 3600;
  else if (suffix == "d")
    unit = 86400;
  if (v < 0 || unit == 0) {
    yaml_fail(file, node,
              fmt::format("{} must be a duration such as 30s, 5m, 2h or 1d, got '{}'", what, s));
  }
  return v * unit;
}

void yaml_check_keys(const std::string& file, const YAML::Node& map,
                     std::initializer_list<std::string_view> known) {
  if (!map.IsMap()) yaml_fail(file, map, "expected a mapping");
  for (const auto& kv : map) {
    const std::string key = kv.first.Scalar();
    bool found = false;
    for (auto k : known) found = found || k == key;
    if (!found) {
      std::string list;
      for (auto k : known) {
        if (!list.empty()) list += ", ";
        list += k;
      }
      yaml_fail(file, kv.first, fmt::format("unknown key '{}' (expected one of: {})", key, list));
    }
  }
}

}  // namespace soc
