#include "ctl/alerts_cmd.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>

#include "collector/store/alert_store.h"
#include "ctl/output.h"
#include "ctl/store_option.h"

namespace soc::ctl {
namespace {

struct ListOptions {
  std::string store;
  std::string format = "table";
  size_t limit = 100;
};

struct ShowOptions {
  std::string store;
  std::string format = "text";
  std::string id;
};

int fail(const std::string& message) {
  return report_failure(message);
}

std::string dump(const nlohmann::json& j) {
  // Text fields that are not valid UTF-8 (from log lines) must not abort the output, and what a
  // terminal would act on is escaped (json_safe).
  return json_safe(
      j.dump(2, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::replace));
}

std::string join_group(const Alert& a) {
  if (a.group.empty()) return "-";
  std::string out;
  for (const auto& [k, v] : a.group) {
    if (!out.empty()) out += ' ';
    out += k + "=" + v;
  }
  return out;
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

int run_list(const ListOptions& o) {
  auto store = AlertStore::open_read_only(o.store);
  if (!store) return fail(store.error());
  auto alerts = (*store)->list(o.limit);
  if (!alerts) return fail(alerts.error());

  if (o.format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& a : *alerts) out.push_back(to_json(a));
    fmt::print("{}\n", dump(out));
    return kExitOk;
  }
  if (alerts->empty()) {
    fmt::print("no alerts\n");
    return kExitOk;
  }
  Table table({"LAST SEEN", "SEVERITY", "RULE", "HOST", "GROUP", "COUNT", "STATUS", "ID", "TITLE"});
  for (const auto& a : *alerts) {
    table.add_row({format_local_seconds(a.last_seen), std::string(to_string(a.rule.severity)),
                   a.rule.id, a.host, join_group(a), std::to_string(a.count), a.status, a.id,
                   a.rule.title});
  }
  table.print(stdout);
  return kExitOk;
}

void print_text(const Alert& a) {
  const auto field = [](std::string_view label, const std::string& value) {
    fmt::print("{:<14}{}\n", label, printable(value.empty() ? "-" : value));
  };
  field("ID", a.id);
  field("Rule", a.rule.id);
  field("Title", a.rule.title);
  field("Title (vi)", a.rule.title_vi);
  field("Severity", std::string(to_string(a.rule.severity)));
  field("MITRE", join(a.rule.mitre, ", "));
  if (!a.rule.author.empty()) field("Rule author", a.rule.author);
  if (!a.rule.sigma_id.empty()) field("Sigma id", a.rule.sigma_id);
  if (!a.rule.references.empty()) field("References", join(a.rule.references, " "));
  field("Status", a.status);
  field("Host", a.host);
  field("Org", a.org);
  field("Agent", a.agent);
  field("Group", join_group(a));
  field("Count", std::to_string(a.count));
  field("Window start", format_rfc3339_local(a.window_start));
  field("First seen", format_rfc3339_local(a.first_seen));
  field("Last seen", format_rfc3339_local(a.last_seen));
  field("Created", format_rfc3339_local(a.created_at));
  field("Updated", format_rfc3339_local(a.updated_at));
  fmt::print("\nEvidence ({} of {} events kept):\n", a.evidence.size(), a.count);
  for (const auto& e : a.evidence) {
    fmt::print("  {}  {}  {}{}\n", printable(e.ts), printable(e.src), printable(e.msg),
               e.trunc ? " [truncated]" : "");
  }
}

int run_show(const ShowOptions& o) {
  auto store = AlertStore::open_read_only(o.store);
  if (!store) return fail(store.error());
  auto alert = (*store)->get(o.id);
  if (!alert) return fail(alert.error());
  if (!alert->has_value()) return fail("no alert with id " + o.id);
  if (o.format == "json") {
    fmt::print("{}\n", dump(to_json(**alert)));
  } else {
    print_text(**alert);
  }
  return kExitOk;
}

}  // namespace

void add_alerts_commands(CLI::App& app, CommandAction& selected) {
  CLI::App* alerts = app.add_subcommand("alerts", "Inspect alerts in the alert store");
  alerts->require_subcommand(1);

  // Options live in shared_ptrs: CLI11 writes into them during parsing, the action reads them
  // after, and both lambdas keep them alive.
  auto list_opts = std::make_shared<ListOptions>();
  CLI::App* list = alerts->add_subcommand("list", "List alerts, most recent first");
  add_store_option(*list, list_opts->store);
  list->add_option("--format", list_opts->format, "Output format")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  list->add_option("--limit", list_opts->limit, "Show at most N alerts")
      ->check(CLI::Range(size_t{1}, size_t{1000000}))
      ->type_name("N")
      ->capture_default_str();
  list->callback(
      [&selected, list_opts] { selected = [list_opts] { return run_list(*list_opts); }; });

  auto show_opts = std::make_shared<ShowOptions>();
  CLI::App* show = alerts->add_subcommand("show", "Show one alert with its evidence");
  show->add_option("id", show_opts->id, "Alert id (see `socctl alerts list`)")->required();
  add_store_option(*show, show_opts->store);
  show->add_option("--format", show_opts->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  show->callback(
      [&selected, show_opts] { selected = [show_opts] { return run_show(*show_opts); }; });
}

}  // namespace soc::ctl
