#include "common/yaml_file.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace soc {
namespace {

constexpr const char* kOpenQuote = "quoted string not closed before the end of the file";

Error syntax_error(const std::string& name, const YAML::Mark& at, const std::string& why) {
  return Error{
      fmt::format("{}:{}:{}: YAML syntax error: {}", name, at.line + 1, at.column + 1, why)};
}

bool later(const YAML::Mark& a, const YAML::Mark& b) {
  return a.line > b.line || (a.line == b.line && a.column > b.column);
}

// The start of the scalar that begins last in the document. The depth bound keeps an alias cycle
// (`&a [*a]`) from recursing forever.
void last_scalar(const YAML::Node& n, YAML::Mark& last, int depth = 0) {
  if (depth > 256) return;
  if (n.IsScalar()) {
    if (later(n.Mark(), last)) last = n.Mark();
  } else if (n.IsSequence()) {
    for (const auto& item : n) last_scalar(item, last, depth + 1);
  } else if (n.IsMap()) {
    for (const auto& kv : n) {
      last_scalar(kv.first, last, depth + 1);
      last_scalar(kv.second, last, depth + 1);
    }
  }
}

}  // namespace

std::optional<YAML::Mark> yaml_open_quote(const std::string& text) {
  if (text.find_first_of("\"'") == std::string::npos) return std::nullopt;
  // With a document-end marker appended, the marker lands inside a string left open, which
  // yaml-cpp does reject; in any other text it changes nothing.
  try {
    YAML::Load(text + "\n...\n");
    return std::nullopt;
  } catch (const YAML::Exception& e) {
    if (e.msg != YAML::ErrorMsg::DOC_IN_SCALAR) return std::nullopt;
  }
  // The open string runs to the end of the text, so it is the scalar that begins last. (The line
  // break added makes yaml-cpp take the string silently when the text had no final one.)
  try {
    const YAML::Node doc = YAML::Load(text + "\n");
    YAML::Mark at = YAML::Mark::null_mark();
    last_scalar(doc, at);
    if (!at.is_null()) return at;
  } catch (const YAML::Exception&) {
  }
  return std::nullopt;
}

Result<YAML::Node> parse_yaml_text(const std::string& text, const std::string& name) {
  YAML::Node doc;
  try {
    doc = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    // Without a final line break yaml-cpp does see the open string, but names the end of the file.
    if (e.msg == YAML::ErrorMsg::EOF_IN_SCALAR) {
      if (const auto at = yaml_open_quote(text)) return syntax_error(name, *at, kOpenQuote);
    }
    return syntax_error(name, e.mark, e.msg);
  }
  if (const auto at = yaml_open_quote(text)) return syntax_error(name, *at, kOpenQuote);
  return doc;
}

Result<YAML::Node> load_yaml_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{fmt::format("{}: cannot open: {}", path, std::strerror(errno))};
  std::stringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return Error{fmt::format("{}: cannot read: {}", path, std::strerror(errno))};
  return parse_yaml_text(buf.str(), path);
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
