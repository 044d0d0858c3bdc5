#include "agent/inputs/journald_config.h"

namespace soc {
namespace {

// A match is "FIELD=value" bytes: a newline or '=' cannot be meant and would match nothing.
void check_names(const ConfigValue& v, const std::string& what) {
  size_t i = 0;
  for (const auto& name : v.list) {
    if (name.empty() || name.find_first_of("\n=") != std::string::npos) {
      v.ctx->fail(v.node.IsSequence() ? v.node[i] : v.node,
                  what + " entries must be non-empty names without '=' or newline");
    }
    ++i;
  }
}

}  // namespace

const ConfigSchema<JournaldConfig>& journald_schema() {
  using T = ConfigType;
  using C = JournaldConfig;
  static const ConfigSchema<C> schema = [] {
    ConfigSchema<C> s;
    s.add({.path = "directory",
           .type = T::kPath,
           .default_text = "the local journal",
           .help = "a directory of journal files (a container's /var/log/journal)"},
          [](C& c, const ConfigValue& v) {
            c.directory = v.text;
            while (c.directory.size() > 1 && c.directory.back() == '/') c.directory.pop_back();
          });
    s.add({.path = "units",
           .type = T::kList,
           .help = "entries of these units (_SYSTEMD_UNIT); a bare name gets \".service\""},
          [](C& c, const ConfigValue& v) {
            check_names(v, "'units'");
            c.units = v.list;
            // As systemctl and journalctl -u do: a bare name is a service.
            for (auto& unit : c.units) {
              if (unit.find('.') == std::string::npos) unit += ".service";
            }
          });
    s.add({.path = "identifiers",
           .type = T::kList,
           .help = "entries with these SYSLOG_IDENTIFIERs (entries of either list are read; "
                   "both empty: every entry)"},
          [](C& c, const ConfigValue& v) {
            check_names(v, "'identifiers'");
            c.identifiers = v.list;
          });
    s.add({.path = "max_priority",
           .type = T::kEnum,
           .default_text = "every entry",
           .choices = {std::begin(kJournaldPriorityNames), std::end(kJournaldPriorityNames)},
           .help = "keep entries of PRIORITY 0 .. this only",
           .numeric_choices = true},
          [](C& c, const ConfigValue& v) { c.max_priority = static_cast<int>(v.number); });
    s.add({.path = "start",
           .type = T::kEnum,
           .default_text = "end",
           .choices = {"beginning", "end"},
           .help = "where to begin when there is no saved cursor yet",
           .quoted_choices = true},
          [](C& c, const ConfigValue& v) {
            c.start = v.number == 0 ? JournaldStart::kBeginning : JournaldStart::kEnd;
          });
    s.add({.path = "user_journals",
           .type = T::kBool,
           .default_text = "false",
           .help = "local journal only: also read the users' journals"},
          [](C& c, const ConfigValue& v) { c.user_journals = v.flag; });
    s.check([](ConfigContext& ctx, const YAML::Node& node, C& c) {
      if (c.user_journals && !c.directory.empty()) {
        ctx.fail(node["user_journals"],
                 "'user_journals' applies to the local journal, not to a 'directory'");
      }
    });
    return s;
  }();
  return schema;
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
