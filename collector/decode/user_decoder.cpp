#include "collector/decode/user_decoder.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <fmt/format.h>
#include <pcre2.h>
#include <spdlog/spdlog.h>
#include <string.h>  // memmem
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "common/printable.h"
#include "common/yaml_file.h"

namespace soc {
namespace {

using std::string_view;

// Fields only the collector sets; a user decoder must not be able to forge them.
constexpr std::array<string_view, 4> kProtected = {"event.original", "agent.id", "organization.id",
                                                   "log.file.path"};

// Backtracking bound per match (the match limit is in UserDecoders::Limits): a pathological
// regex on a hostile line gives up instead of stalling the pipeline.
constexpr uint32_t kDepthLimit = 10'000;

bool valid_field_name(string_view n) {
  if (n.empty() || n.front() == '.' || n.back() == '.') return false;
  for (char c : n) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return false;
  }
  return true;
}

bool is_protected(string_view n) {
  return std::find(kProtected.begin(), kProtected.end(), n) != kProtected.end();
}

struct CodeDeleter {
  void operator()(pcre2_code* c) const { pcre2_code_free(c); }
};
struct ContextDeleter {
  void operator()(pcre2_match_context* c) const { pcre2_match_context_free(c); }
};
struct MatchDataDeleter {
  void operator()(pcre2_match_data* d) const { pcre2_match_data_free(d); }
};

// How a decoder has been doing: atomics, since apply() is const and may run on several threads.
struct Health {
  std::atomic<bool> disabled{false};
  std::atomic<uint32_t> strikes{0};      // slow runs since window_start
  std::atomic<int64_t> window_start{0};  // steady_clock nanoseconds
};

struct Compiled {
  std::string name;
  std::string where;                  // file:line:column of the name, for duplicate reports
  std::vector<std::string> programs;  // empty: any
  std::string prefilter;
  std::unique_ptr<pcre2_code, CodeDeleter> code;
  std::vector<std::pair<uint32_t, std::string>> captures;  // group number -> field
  std::vector<std::pair<std::string, std::string>> constants;
  uint32_t groups = 0;
  bool jit = false;
  std::unique_ptr<Health> health = std::make_unique<Health>();
};

std::string pcre2_message(int code) {
  std::array<PCRE2_UCHAR, 256> buf{};
  const int n = pcre2_get_error_message(code, buf.data(), buf.size());
  if (n < 0) return fmt::format("PCRE2 error {}", code);
  return std::string(reinterpret_cast<const char*>(buf.data()), static_cast<size_t>(n));
}

// (group number, name) of every named capture.
std::vector<std::pair<uint32_t, std::string>> named_groups(const pcre2_code* code) {
  uint32_t count = 0, entry_size = 0;
  PCRE2_SPTR table = nullptr;
  pcre2_pattern_info(code, PCRE2_INFO_NAMECOUNT, &count);
  pcre2_pattern_info(code, PCRE2_INFO_NAMEENTRYSIZE, &entry_size);
  pcre2_pattern_info(code, PCRE2_INFO_NAMETABLE, &table);
  std::vector<std::pair<uint32_t, std::string>> out;
  for (uint32_t i = 0; i < count; ++i) {
    const PCRE2_SPTR entry = table + i * entry_size;
    const uint32_t group = (static_cast<uint32_t>(entry[0]) << 8) | entry[1];
    out.emplace_back(group, std::string(reinterpret_cast<const char*>(entry + 2)));
  }
  return out;
}

std::vector<std::string> string_list(const std::string& file, const YAML::Node& node,
                                     const std::string& what) {
  std::vector<std::string> out;
  if (node.IsSequence()) {
    for (const auto& item : node) out.push_back(yaml_string(file, item, what));
  } else {
    out.push_back(yaml_string(file, node, what));
  }
  for (const auto& s : out) {
    if (s.empty()) yaml_fail(file, node, what + " must not be empty");
  }
  return out;
}

void check_target(const std::string& file, const YAML::Node& node, const std::string& field) {
  if (!valid_field_name(field)) {
    yaml_fail(file, node, fmt::format("'{}' is not a field name", field));
  }
  if (is_protected(field)) {
    yaml_fail(file, node, fmt::format("field '{}' is set by the collector only", field));
  }
}

// Throws YamlError with the location; caught in UserDecoders::parse.
Compiled compile_one(const std::string& file, const YAML::Node& d) {
  yaml_check_keys(file, d, {"name", "program", "prefilter", "regex", "fields", "set"});
  Compiled c;
  if (!d["name"]) yaml_fail(file, d, "decoder needs a 'name'");
  c.name = yaml_string(file, d["name"], "name");
  if (c.name.empty()) yaml_fail(file, d["name"], "name must not be empty");
  c.where = yaml_location(file, d["name"]);
  if (d["program"]) c.programs = string_list(file, d["program"], "program");
  if (d["prefilter"]) {
    c.prefilter = yaml_string(file, d["prefilter"], "prefilter");
    if (c.prefilter.empty()) yaml_fail(file, d["prefilter"], "prefilter must not be empty");
  }
  const YAML::Node regex = d["regex"];
  if (!regex) yaml_fail(file, d, fmt::format("decoder '{}' needs a 'regex'", c.name));
  const std::string pattern = yaml_string(file, regex, "regex");
  int error = 0;
  PCRE2_SIZE offset = 0;
  c.code.reset(pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), 0,
                             &error, &offset, nullptr));
  if (!c.code) {
    yaml_fail(file, regex,
              fmt::format("decoder '{}': bad regex at offset {}: {}", c.name, offset,
                          pcre2_message(error)));
  }
  // JIT is an optimisation: where it is unavailable (MemoryDenyWriteExecute=yes refuses its
  // writable and executable pages: PCRE2_ERROR_NOMEMORY) the interpreter runs the same pattern.
  c.jit = pcre2_jit_compile(c.code.get(), PCRE2_JIT_COMPLETE) == 0;
  pcre2_pattern_info(c.code.get(), PCRE2_INFO_CAPTURECOUNT, &c.groups);

  std::unordered_map<std::string, std::string> mapping;
  if (const YAML::Node fields = d["fields"]) {
    if (!fields.IsMap()) yaml_fail(file, fields, "fields must map capture names to field names");
    for (const auto& kv : fields) {
      const std::string capture = yaml_string(file, kv.first, "capture name");
      const std::string field = yaml_string(file, kv.second, "field name");
      check_target(file, kv.second, field);
      mapping[capture] = field;
    }
  }
  for (auto& [group, name] : named_groups(c.code.get())) {
    auto it = mapping.find(name);
    std::string field;
    if (it != mapping.end()) {
      field = it->second;
      mapping.erase(it);
    } else {
      for (size_t i = 0; i < name.size(); ++i) {
        if (name.compare(i, 2, "__") == 0) {
          field += '.';
          ++i;
        } else {
          field += name[i];
        }
      }
      check_target(file, regex, field);
    }
    c.captures.emplace_back(group, std::move(field));
  }
  if (!mapping.empty()) {
    yaml_fail(file, d["fields"],
              fmt::format("decoder '{}': capture '{}' is not a named group of the regex", c.name,
                          mapping.begin()->first));
  }
  if (const YAML::Node set = d["set"]) {
    if (!set.IsMap()) yaml_fail(file, set, "set must map field names to values");
    for (const auto& kv : set) {
      const std::string field = yaml_string(file, kv.first, "field name");
      check_target(file, kv.first, field);
      c.constants.emplace_back(field, yaml_string(file, kv.second, "value"));
    }
  }
  if (c.captures.empty() && c.constants.empty()) {
    yaml_fail(file, regex,
              fmt::format("decoder '{}' sets nothing: add named captures or 'set'", c.name));
  }
  return c;
}

}  // namespace

struct UserDecoders::Impl {
  std::vector<Compiled> decoders;
  std::unordered_map<std::string, std::vector<size_t>> by_program;
  std::vector<size_t> any_program;
  std::unique_ptr<pcre2_match_context, ContextDeleter> context;
  uint32_t max_groups = 0;
  Limits limits;
  mutable std::atomic<uint64_t> slow{0};
  mutable std::atomic<uint64_t> disabled{0};

  Impl() : context(pcre2_match_context_create(nullptr)) { set_limits(Limits{}); }

  void set_limits(const Limits& l) {
    limits = l;
    if (context) {
      pcre2_set_match_limit(context.get(), std::max<uint32_t>(1, l.match_limit));
      pcre2_set_depth_limit(context.get(), kDepthLimit);
    }
  }

  // A run over budget or stopped by a limit: the decoder's `disable_after`-th within `window`
  // disables it until reload.
  void strike(const Compiled& c, int64_t now_ns) const {
    ++slow;
    Health& h = *c.health;
    const int64_t window_ns = std::chrono::nanoseconds(limits.window).count();
    uint32_t strikes = 0;
    if (now_ns - h.window_start.load(std::memory_order_relaxed) > window_ns) {
      h.window_start.store(now_ns, std::memory_order_relaxed);
      h.strikes.store(1, std::memory_order_relaxed);
      strikes = 1;
    } else {
      strikes = h.strikes.fetch_add(1, std::memory_order_relaxed) + 1;
    }
    if (strikes < limits.disable_after || h.disabled.exchange(true)) return;
    ++disabled;
    spdlog::warn(
        "user decoder '{}' disabled until the decoders are reloaded: {} lines within {} s took "
        "over {} us or {} backtracking steps; its lines keep the built-in decoders' fields",
        printable(c.name), strikes, limits.window.count(), limits.line_budget.count(),
        limits.match_limit);
  }

  void index() {
    by_program.clear();
    any_program.clear();
    for (size_t i = 0; i < decoders.size(); ++i) {
      max_groups = std::max(max_groups, decoders[i].groups);
      if (decoders[i].programs.empty()) any_program.push_back(i);
      for (const auto& p : decoders[i].programs) by_program[p].push_back(i);
    }
  }

  bool run(const Compiled& c, string_view message, Fields& f) const {
    if (c.health->disabled.load(std::memory_order_relaxed)) return false;
    if (!c.prefilter.empty() &&
        memmem(message.data(), message.size(), c.prefilter.data(), c.prefilter.size()) == nullptr) {
      return false;
    }
    thread_local std::unique_ptr<pcre2_match_data, MatchDataDeleter> data;
    thread_local uint32_t data_pairs = 0;
    if (!data || data_pairs < max_groups + 1) {
      data.reset(pcre2_match_data_create(max_groups + 1, nullptr));
      data_pairs = data ? max_groups + 1 : 0;
      if (!data) return false;
    }
    // Timed: PCRE2 bounds steps, not time, and a step's cost depends on the pattern.
    using Clock = std::chrono::steady_clock;
    const Clock::time_point start = Clock::now();
    const int rc = pcre2_match(c.code.get(), reinterpret_cast<PCRE2_SPTR>(message.data()),
                               message.size(), 0, 0, data.get(), context.get());
    const Clock::time_point end = Clock::now();
    if (end - start > limits.line_budget || rc == PCRE2_ERROR_MATCHLIMIT ||
        rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT) {
      strike(c,
             std::chrono::duration_cast<std::chrono::nanoseconds>(end.time_since_epoch()).count());
    }
    if (rc < 0) return false;  // no match, or a limit reached
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(data.get());
    const uint32_t pairs = pcre2_get_ovector_count(data.get());
    for (const auto& [group, field] : c.captures) {
      if (group >= pairs || static_cast<int>(group) >= rc) continue;
      const PCRE2_SIZE start = ov[2 * group], end = ov[2 * group + 1];
      if (start == PCRE2_UNSET || end <= start || end > message.size()) continue;
      f.set(field, message.substr(start, end - start));
    }
    for (const auto& [field, value] : c.constants) f.set(field, value);
    return true;
  }
};

UserDecoders::UserDecoders() : impl_(std::make_unique<Impl>()) {}
UserDecoders::UserDecoders(UserDecoders&&) noexcept = default;
UserDecoders& UserDecoders::operator=(UserDecoders&&) noexcept = default;
UserDecoders::~UserDecoders() = default;

size_t UserDecoders::size() const {
  return impl_ ? impl_->decoders.size() : 0;
}

std::vector<std::string> UserDecoders::names() const {
  std::vector<std::string> out;
  if (impl_) {
    for (const auto& d : impl_->decoders) out.push_back(d.name);
  }
  return out;
}

void UserDecoders::set_limits(const Limits& limits) {
  if (impl_) impl_->set_limits(limits);
}

UserDecoders::Stats UserDecoders::stats() const {
  if (!impl_) return {};
  return {impl_->slow.load(), impl_->disabled.load()};
}

std::vector<std::string> UserDecoders::disabled() const {
  std::vector<std::string> out;
  if (impl_) {
    for (const auto& d : impl_->decoders) {
      if (d.health->disabled.load()) out.push_back(d.name);
    }
  }
  return out;
}

bool UserDecoders::jit() const {
  if (!impl_) return true;
  return std::all_of(impl_->decoders.begin(), impl_->decoders.end(),
                     [](const Compiled& c) { return c.jit; });
}

bool UserDecoders::apply(string_view program, string_view message, Fields& f) const {
  if (!impl_ || impl_->decoders.empty()) return false;
  static const std::vector<size_t> kNone;
  const std::vector<size_t>* named = &kNone;
  if (!program.empty() && !impl_->by_program.empty()) {
    // unordered_map<std::string> lookup by view needs a key; programs are short.
    const auto it = impl_->by_program.find(std::string(program));
    if (it != impl_->by_program.end()) named = &it->second;
  }
  // Merge the two index lists so decoders run in load order.
  const auto& any = impl_->any_program;
  size_t a = 0, n = 0;
  while (a < any.size() || n < named->size()) {
    size_t next;
    if (n >= named->size() || (a < any.size() && any[a] < (*named)[n])) {
      next = any[a++];
    } else {
      next = (*named)[n++];
    }
    if (impl_->run(impl_->decoders[next], message, f)) return true;
  }
  return false;
}

Result<UserDecoders> UserDecoders::parse(string_view yaml, const std::string& file) {
  UserDecoders out;
  try {
    auto parsed = parse_yaml_text(std::string(yaml), file);
    if (!parsed.ok()) return Error{parsed.error()};
    YAML::Node root = std::move(parsed).value();
    if (root.IsNull()) return out;  // an empty file
    YAML::Node list = root;
    if (root.IsMap()) {
      yaml_check_keys(file, root, {"decoders"});
      const YAML::Node& const_root = root;  // const: a lookup must not insert the key
      if (!const_root["decoders"]) yaml_fail(file, root, "expected 'decoders:' and a list");
      list = const_root["decoders"];
    }
    if (!list.IsSequence()) yaml_fail(file, list, "expected a list of decoders");
    for (const auto& d : list) {
      Compiled c = compile_one(file, d);
      for (const auto& other : out.impl_->decoders) {
        if (other.name == c.name) {
          yaml_fail(file, d["name"], fmt::format("duplicate decoder name '{}'", c.name));
        }
      }
      out.impl_->decoders.push_back(std::move(c));
    }
  } catch (const YamlError& e) {
    return Error{e.what()};
  } catch (const YAML::Exception& e) {
    return Error{fmt::format("{}:{}:{}: {}", file, e.mark.line + 1, e.mark.column + 1, e.msg)};
  } catch (const std::exception& e) {
    return Error{fmt::format("{}: {}", file, e.what())};
  }
  out.impl_->index();
  return out;
}

Result<UserDecoders> load_user_decoders(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Error{fmt::format("{}: not a directory", dir)};
  std::vector<fs::path> files;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string ext = it->path().extension().string();
    if ((ext == ".yml" || ext == ".yaml") && it->is_regular_file(ec)) files.push_back(it->path());
  }
  if (ec) return Error{fmt::format("{}: cannot list: {}", dir, ec.message())};
  std::sort(files.begin(), files.end());

  UserDecoders all;
  std::unordered_map<std::string, std::string> seen;  // name -> where
  for (const auto& path : files) {
    const std::string file = path.string();
    std::ifstream in(file, std::ios::binary);
    if (!in) return Error{fmt::format("{}: cannot open", file)};
    std::stringstream buf;
    buf << in.rdbuf();
    auto parsed = UserDecoders::parse(buf.str(), file);
    if (!parsed) return Error{parsed.error()};
    for (auto& c : parsed->impl_->decoders) {
      const auto [it, fresh] = seen.emplace(c.name, c.where);
      if (!fresh) {
        return Error{fmt::format("{}: duplicate decoder name '{}' (first at {})", c.where, c.name,
                                 it->second)};
      }
      all.impl_->decoders.push_back(std::move(c));
    }
  }
  all.impl_->index();
  return all;
}

}  // namespace soc
