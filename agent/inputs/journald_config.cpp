#include "agent/inputs/journald_config.h"

#include "common/yaml_file.h"

namespace soc {
namespace {

std::vector<std::string> parse_names(const std::string& file, const YAML::Node& node,
                                     const std::string& what) {
  if (!node.IsSequence()) yaml_fail(file, node, what + " must be a list of names");
  std::vector<std::string> out;
  for (const auto& item : node) {
    std::string name = yaml_string(file, item, what + " entries");
    // A match is "FIELD=value" bytes: a newline or '=' cannot be meant and would match nothing.
    if (name.empty() || name.find_first_of("\n=") != std::string::npos) {
      yaml_fail(file, item, what + " entries must be non-empty names without '=' or newline");
    }
    out.push_back(std::move(name));
  }
  return out;
}

int parse_priority(const std::string& file, const YAML::Node& node) {
  const std::string v = yaml_string(file, node, "'max_priority'");
  for (int p = 0; p < 8; ++p) {
    if (v == kJournaldPriorityNames[p] || v == std::to_string(p)) return p;
  }
  yaml_fail(file, node,
            "'max_priority' must be 0..7 or one of emerg, alert, crit, err, warning, notice, "
            "info, debug; got '" +
                v + "'");
}

}  // namespace

JournaldConfig parse_journald_config(const std::string& file, const YAML::Node& node) {
  JournaldConfig c;
  if (node.IsNull()) return c;
  if (!node.IsMap()) yaml_fail(file, node, "'journald' must be a mapping (or empty)");
  yaml_check_keys(file, node,
                  {"directory", "units", "identifiers", "max_priority", "start", "user_journals"});
  if (const auto d = node["directory"]) {
    c.directory = yaml_string(file, d, "'directory'");
    if (c.directory.empty() || c.directory[0] != '/') {
      yaml_fail(file, d,
                "journald 'directory' must be an absolute path, got '" + c.directory + "'");
    }
    while (c.directory.size() > 1 && c.directory.back() == '/') c.directory.pop_back();
  }
  if (const auto u = node["units"]) {
    c.units = parse_names(file, u, "'units'");
    // As systemctl and journalctl -u do: a bare name is a service.
    for (auto& unit : c.units) {
      if (unit.find('.') == std::string::npos) unit += ".service";
    }
  }
  if (const auto i = node["identifiers"]) c.identifiers = parse_names(file, i, "'identifiers'");
  if (const auto p = node["max_priority"]) c.max_priority = parse_priority(file, p);
  if (const auto s = node["start"]) {
    const std::string v = yaml_string(file, s, "'start'");
    if (v == "beginning") {
      c.start = JournaldStart::kBeginning;
    } else if (v == "end") {
      c.start = JournaldStart::kEnd;
    } else {
      yaml_fail(file, s, "'start' must be 'beginning' or 'end', got '" + v + "'");
    }
  }
  if (const auto u = node["user_journals"]) {
    c.user_journals = yaml_bool(file, u, "'user_journals'");
    if (c.user_journals && !c.directory.empty()) {
      yaml_fail(file, u, "'user_journals' applies to the local journal, not to a 'directory'");
    }
  }
  return c;
}

JournaldConfig security_journald_config(unsigned logs) {
  JournaldConfig c;
  for (const auto& m : kSecurityJournal) {
    if ((logs & static_cast<unsigned>(m.log)) == 0) continue;
    (m.unit ? c.units : c.identifiers).emplace_back(m.name);
  }
  return c;
}

}  // namespace soc
