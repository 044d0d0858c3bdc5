#include "ctl/decoders_cmd.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "collector/decode/decoder_registry.h"
#include "ctl/output.h"

namespace soc::ctl {
namespace {

struct ListOptions {
  std::string format = "table";
};

std::string join(std::span<const std::string_view> items, std::string_view sep) {
  if (items.empty()) return "-";
  std::string out;
  for (const std::string_view s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

int run_list(const ListOptions& o) {
  const auto specs = DecoderRegistry::builtin().all();
  if (o.format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const DecoderSpec* spec : specs) {
      out.push_back({{"name", spec->name},
                     {"programs", spec->programs},
                     {"formats", spec->formats},
                     {"shape", spec->shape.decode == nullptr ? "" : spec->shape.text},
                     {"description", spec->description}});
    }
    fmt::print("{}\n", json_safe(out.dump(2)));
    return kExitOk;
  }
  // Programs are single words, formats are phrases: "; " keeps the phrases apart.
  Table table({"NAME", "PROGRAMS", "FORMATS", "DESCRIPTION"});
  for (const DecoderSpec* spec : specs) {
    table.add_row({std::string(spec->name), join(spec->programs, " "), join(spec->formats, "; "),
                   std::string(spec->description)});
  }
  table.print(stdout);
  // The line-shape rule: lines without a syslog header, and MSGs no program decoder took.
  fmt::print("\nby line shape (tried in this order, up to the first that decides):\n");
  Table shapes({"NAME", "LINE SHAPE"});
  for (const DecoderSpec* spec : specs) {
    if (spec->shape.decode != nullptr) {
      shapes.add_row({std::string(spec->name), std::string(spec->shape.text)});
    }
  }
  shapes.print(stdout);
  return kExitOk;
}

}  // namespace

void add_decoders_commands(CLI::App& app, CommandAction& selected) {
  CLI::App* decoders = app.add_subcommand("decoders", "Show the collector's built-in decoders");
  decoders->require_subcommand(1);

  auto list_opts = std::make_shared<ListOptions>();
  CLI::App* list = decoders->add_subcommand(
      "list",
      "List the built-in decoders: name, syslog programs, formats, description, and the line "
      "shapes that choose a decoder for lines without a syslog header");
  list->add_option("--format", list_opts->format, "Output format")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  list->callback(
      [&selected, list_opts] { selected = [list_opts] { return run_list(*list_opts); }; });
}

}  // namespace soc::ctl
