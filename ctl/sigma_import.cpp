#include "ctl/sigma_import.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <system_error>

#include "collector/detect/engine.h"
#include "collector/detect/sigma.h"
#include "common/atomic_file.h"
#include "ctl/command.h"
#include "ctl/output.h"

namespace soc::ctl {
namespace {

namespace fs = std::filesystem;

struct Input {
  fs::path file;
  fs::path relative;  // where the converted rule goes under out_dir
};

Result<std::vector<Input>> collect(const std::vector<std::string>& sources) {
  std::vector<Input> out;
  for (const auto& s : sources) {
    std::error_code ec;
    const fs::path root(s);
    if (fs::is_regular_file(root, ec)) {
      out.push_back({root, root.filename()});
      continue;
    }
    if (!fs::is_directory(root, ec)) return Error{fmt::format("{}: no such file or directory", s)};
    // With several sources, each gets its own subdirectory so equal relative paths cannot clash.
    const fs::path prefix = sources.size() > 1 ? root.lexically_normal().filename() : fs::path();
    std::vector<Input> found;
    fs::recursive_directory_iterator it(root, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const auto ext = it->path().extension();
      if ((ext == ".yml" || ext == ".yaml") && it->is_regular_file(ec)) {
        found.push_back({it->path(), prefix / it->path().lexically_relative(root)});
      }
    }
    if (ec) return Error{fmt::format("{}: cannot list: {}", s, ec.message())};
    std::sort(found.begin(), found.end(),
              [](const Input& a, const Input& b) { return a.file < b.file; });
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

Result<std::string> read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return Error{fmt::format("{}: cannot open", p.string())};
  std::stringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return Error{fmt::format("{}: cannot read", p.string())};
  return buf.str();
}

// Refusals are grouped by kind and, where the detail names one specific thing (a field, a log
// source, a modifier), by that detail; for loader and regex errors by the reason after the
// location and pattern, which differ per rule.
std::string group_of(const SigmaRefusal& r) {
  if (r.kind == "regex" || r.kind == "rule loader") {
    const size_t colon = r.reason.rfind(": ");
    return r.kind + ": " + (colon == std::string::npos ? r.reason : r.reason.substr(colon + 2));
  }
  return r.kind + ": " + r.reason;
}

}  // namespace

int run_import_sigma(const SigmaImportOptions& o) {
  auto inputs = collect(o.sources);
  if (!inputs) return report_failure(inputs.error());
  std::error_code ec;
  // Rules are read by the collector's own user: 0755 directories and 0644 files, whatever the
  // umask (socctl's is 077).
  if (auto st = make_dirs(o.out_dir, 0755); !st) return report_failure(st.error());

  std::set<std::string> ids;
  std::vector<Rule> converted;
  std::map<std::string, size_t> by_group;
  size_t refused = 0;
  std::vector<std::string> mapped;  // rules that also run on another log source
  bool io_error = false;
  for (const auto& in : *inputs) {
    auto text = read_file(in.file);
    if (!text) {
      report_failure(text.error());
      io_error = true;
      continue;
    }
    // Ids come from file names; a clash (same name in two trees) gets a counter.
    std::string id = sigma_rule_id(in.file.string());
    for (int n = 2; ids.count(id); ++n)
      id = sigma_rule_id(in.file.string()) + "-" + std::to_string(n);
    SigmaOutcome out = convert_sigma(*text, id, in.file.string());
    if (!out.converted) {
      ++refused;
      ++by_group[group_of(out.refusal)];
      if (!o.quiet) {
        fmt::print("refused {}: {}: {}\n", printable(in.file.string()), printable(out.refusal.kind),
                   printable(out.refusal.reason));
      }
      continue;
    }
    fs::path dest = fs::path(o.out_dir) / in.relative;
    dest.replace_extension(".yml");
    if (auto st = make_dirs(dest.parent_path().string(), 0755); !st) {
      fmt::print(stderr, "socctl: {}\n", st.error());
      io_error = true;
      continue;
    }
    std::ofstream f(dest, std::ios::binary | std::ios::trunc);
    f << out.converted->yaml;
    f.close();
    fs::permissions(dest, fs::perms(0644), ec);
    if (!f || ec) {
      report_failure(dest.string() + ": cannot write");
      io_error = true;
      continue;
    }
    ids.insert(id);
    if (!out.converted->mapped_across.empty()) {
      // Always printed: a rule running beyond its own log source is a choice to review.
      mapped.push_back(fmt::format("mapped {}: {}", printable(in.file.string()),
                                   printable(out.converted->mapped_across)));
    }
    out.converted->rule.file = dest.string();
    converted.push_back(std::move(out.converted->rule));
  }

  const size_t total = converted.size() + refused;
  fmt::print("\nSigma rules: {} read, {} converted, {} refused; written to {}\n", total,
             converted.size(), refused, printable(o.out_dir));
  fmt::print("mapped across log sources: {}\n", mapped.size());
  for (const auto& m : mapped) fmt::print("  {}\n", m);
  if (!by_group.empty()) {
    std::vector<std::pair<size_t, std::string>> groups;
    for (const auto& [g, n] : by_group) groups.emplace_back(n, g);
    std::stable_sort(groups.begin(), groups.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    fmt::print("refused, by reason:\n");
    for (const auto& [n, g] : groups) fmt::print("  {:>4}  {}\n", n, printable(g));
  }
  // Every converted rule compiled on its own; now all of them together, as the collector would.
  const size_t n = converted.size();
  auto engine = Engine::build(std::move(converted));
  if (!engine) {
    return report_failure("the converted rules do not compile together: " + engine.error());
  }
  fmt::print(
      "engine: all {} converted rules compile together ({} Hyperscan databases, {} "
      "patterns)\n",
      n, (*engine)->database_count(), (*engine)->pattern_count());
  return io_error ? kExitFailure : kExitOk;
}

}  // namespace soc::ctl
