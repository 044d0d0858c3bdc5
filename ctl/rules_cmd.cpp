#include "ctl/rules_cmd.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "collector/decode/envelope_reader.h"
#include "collector/detect/database_cache.h"
#include "collector/detect/detect_chain.h"
#include "collector/detect/rule.h"
#include "ctl/output.h"
#include "ctl/sigma_import.h"

namespace soc::ctl {
namespace {

inline constexpr const char* kDefaultRulesDir = "/usr/share/soc/rules";
inline constexpr const char* kRulesEnv = "SOC_RULES";

using ordered_json = nlohmann::ordered_json;

int fail(const std::string& message) {
  return report_failure(message);
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

// --- compiled rule databases --------------------------------------------------------------------

// $XDG_CACHE_HOME/soc, else ~/.cache/soc; empty without either.
std::string default_cache_dir() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && xdg[0] == '/') {
    return std::string(xdg) + "/soc";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && home[0] == '/') {
    return std::string(home) + "/.cache/soc";
  }
  return "";
}

// The cache named by --cache-dir (empty: the default; none: no cache). The default is used
// quietly when it works; a directory the user named says why it is not used.
std::shared_ptr<DatabaseCache> open_cache(const std::string& option) {
  if (option == "none") return nullptr;
  const std::string dir = option.empty() ? default_cache_dir() : option;
  if (dir.empty()) return nullptr;
  auto cache = DatabaseCache::open(dir);
  if (!cache) {
    if (!option.empty()) {
      fmt::print(stderr, "rule database cache not used: {}\n", printable(cache.error()));
    }
    return nullptr;
  }
  return std::move(cache).value();
}

void add_cache_option(CLI::App* cmd, std::string& cache_dir) {
  cmd->add_option("--cache-dir", cache_dir,
                  "Compiled rule databases reused by the next run (default $XDG_CACHE_HOME/soc "
                  "or ~/.cache/soc; none: compile every time)")
      ->type_name("DIR|none");
}

// --- rules check -------------------------------------------------------------------------------

struct CheckOptions {
  std::string dir;
  std::string cache_dir;
};

int run_check(const CheckOptions& o) {
  std::vector<std::string> errors;
  size_t files = 0;
  auto rules = load_rules(o.dir, /*skip_broken=*/true, &errors, &files);
  if (!rules) return fail(rules.error());
  std::map<Severity, size_t> by_severity;
  size_t thresholds = 0, conditions = 0, sigma = 0;
  for (const auto& r : *rules) {
    ++by_severity[r.severity];
    thresholds += r.threshold.has_value();
    conditions += r.condition_text != "match" && r.condition_text != "match and not not";
    sigma += !r.sigma_id.empty();
  }
  const size_t good = rules->size();
  // Rules that load on their own must also compile together, as the collector builds them.
  size_t databases = 0, patterns = 0;
  if (auto engine = Engine::build(std::move(rules).value(), open_cache(o.cache_dir)); engine.ok()) {
    databases = (*engine)->database_count();
    patterns = (*engine)->pattern_count();
  } else {
    errors.push_back(engine.error());
  }
  for (const auto& e : errors) fmt::print(stderr, "{}\n", printable_lines(e));
  fmt::print(
      "{}: {} files, {} rules loaded ({} low, {} medium, {} high, {} critical; {} with "
      "threshold, {} with condition, {} from Sigma), {} errors\n",
      printable(o.dir), files, good, by_severity[Severity::kLow], by_severity[Severity::kMedium],
      by_severity[Severity::kHigh], by_severity[Severity::kCritical], thresholds, conditions, sigma,
      errors.size());
  if (errors.empty()) {
    fmt::print("engine: {} Hyperscan databases, {} patterns\n", databases, patterns);
  }
  return errors.empty() ? kExitOk : kExitFailure;
}

// --- rules test --------------------------------------------------------------------------------

struct TestOptions {
  std::string rules;
  std::string decoders;
  std::string format = "text";
  std::string input;
  std::string host = "localhost";
  std::string org = "TEST";
  std::string timezone = LogZone::kDefault;
  std::string cache_dir;
  bool skip_broken = false;
};

// What one input line produced, for either output format.
struct LineResult {
  size_t number = 0;
  std::string line;
  Event event;
  std::vector<Engine::RuleMatch> matches;
  std::vector<std::optional<Detector::ThresholdState>> thresholds;  // per match
  std::vector<bool> after_met;                                      // per match (rules with after)
  std::vector<Detection> detections;
};

// The selection a clause belongs to (the first that lists it).
std::string selection_of(const Rule& r, uint32_t clause) {
  for (const auto& s : r.selections) {
    for (const auto& alt : s.alternatives) {
      if (std::find(alt.begin(), alt.end(), clause) != alt.end()) return s.name;
    }
  }
  return "?";
}

std::string describe_hit(const Rule& r, const Engine::ClauseHit& h) {
  const FieldMatcher& m = r.clauses[h.clause];
  if (m.kind == MatchKind::kExists) return fmt::format("{} exists", m.field);
  std::vector<std::string> vals;
  for (uint32_t v : h.values) vals.push_back("'" + m.values[v] + "'");
  return fmt::format("{} {}{} {}", m.field, to_string(m.kind), m.nocase ? " (nocase)" : "",
                     join(vals, m.all ? " and " : ", "));
}

std::string group_text(const std::vector<std::pair<std::string, std::string>>& group) {
  std::vector<std::string> parts;
  for (const auto& [k, v] : group) parts.push_back(k + "=" + v);
  return join(parts, " ");
}

// The alert raised for rule `r` on this line, if any.
const Detection* detection_for(const LineResult& res, const Rule& r) {
  for (const auto& d : res.detections) {
    if (d.rule.id == r.id) return &d;
  }
  return nullptr;
}

std::string threshold_text(const Rule& r, const Detector::ThresholdState& st, const Detection* d) {
  const std::string what =
      r.threshold->distinct.empty() ? "events" : "distinct " + r.threshold->distinct;
  if (d != nullptr && d->count >= st.need) {
    return fmt::format("{}/{} {} within {}s: threshold reached", d->count, st.need, what,
                       st.within_seconds);
  }
  if (st.fired) {
    return fmt::format("alert already raised in this window: folded into it (count +1)");
  }
  return fmt::format("{}/{} {} within {}s", st.have, st.need, what, st.within_seconds);
}

void print_text(const LineResult& res, const Engine& engine) {
  fmt::print("--- line {}: {}\n", res.number, printable(res.line));
  // Field names come from the log too (keys of JSON lines), so both columns are escaped.
  std::vector<std::pair<std::string, std::string>> fields;
  size_t width = 0;
  for (const auto& [k, v] : res.event.fields.all()) {
    fields.emplace_back(printable(k), printable(v));
    width = std::max(width, display_width(fields.back().first));
  }
  fmt::print("fields:\n");
  for (const auto& [k, v] : fields) {
    fmt::print("  {}{}  {}\n", k, std::string(width - display_width(k), ' '), v);
  }
  if (res.matches.empty()) {
    fmt::print("rules matched: none\n");
  } else {
    fmt::print("rules matched:\n");
  }
  for (size_t i = 0; i < res.matches.size(); ++i) {
    const Rule& r = engine.rules()[res.matches[i].rule];
    fmt::print("  {} ({}{}{}): {}\n", printable(r.id), to_string(r.severity),
               r.mitre.empty() ? "" : ", ", printable(join(r.mitre, ", ")), printable(r.title));
    // The match/not form needs no condition line: its hits say it all.
    if (r.condition_text != "match" && r.condition_text != "match and not not") {
      fmt::print("    condition: {}\n", printable(r.condition_text));
    }
    for (const auto& h : res.matches[i].hits) {
      fmt::print("    {}: {}\n", printable(selection_of(r, h.clause)),
                 printable(describe_hit(r, h)));
    }
    if (const auto& st = res.thresholds[i]) {
      const Detection* d = detection_for(res, r);
      std::string group;
      if (!r.group_by.empty()) {
        std::vector<std::pair<std::string, std::string>> g;
        for (const auto& f : r.group_by) {
          g.emplace_back(f, std::string(event_field(res.event, f).value_or("")));
        }
        group = " (group " + group_text(g) + ")";
      }
      fmt::print("    threshold: {}{}\n", printable(threshold_text(r, *st, d)), printable(group));
    }
    if (r.after) {
      fmt::print("    after: {} within {}s: {}\n", printable(r.after->rule),
                 r.after->within_seconds,
                 res.after_met[i] ? "met" : "not met for this group (no alert)");
    }
  }
  if (res.detections.empty()) {
    fmt::print("alerts: none\n\n");
    return;
  }
  fmt::print("alerts:\n");
  for (const auto& d : res.detections) {
    const std::string author = d.rule.author.empty() ? "" : " author=\"" + d.rule.author + "\"";
    fmt::print(
        "  ALERT {} {} [{}] id={} count={}{}{}\n", printable(d.rule.id), to_string(d.rule.severity),
        printable(join(d.rule.mitre, ",")), printable(d.alert_id), d.count,
        d.group.empty() ? "" : " group=" + printable(group_text(d.group)), printable(author));
  }
  fmt::print("\n");
}

// Text from log lines may hold bytes that are not UTF-8: replace rather than abort. What a
// terminal would act on is escaped (json_safe).
std::string dump(const ordered_json& j) {
  return json_safe(
      j.dump(-1, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::replace));
}

void print_json(const LineResult& res, const Engine& engine) {
  ordered_json j;
  j["n"] = res.number;
  j["line"] = res.line;
  ordered_json fields = ordered_json::object();
  for (const auto& [k, v] : res.event.fields.all()) fields[k] = v;
  j["fields"] = std::move(fields);
  ordered_json matches = ordered_json::array();
  for (size_t i = 0; i < res.matches.size(); ++i) {
    const Rule& r = engine.rules()[res.matches[i].rule];
    ordered_json m;
    m["rule"] = r.id;
    m["severity"] = std::string(to_string(r.severity));
    ordered_json hits = ordered_json::array();
    for (const auto& h : res.matches[i].hits) {
      const FieldMatcher& c = r.clauses[h.clause];
      ordered_json hit;
      hit["selection"] = selection_of(r, h.clause);
      hit["field"] = c.field;
      hit["kind"] = std::string(to_string(c.kind));
      ordered_json values = ordered_json::array();
      for (uint32_t v : h.values) values.push_back(c.values[v]);
      hit["values"] = std::move(values);
      hits.push_back(std::move(hit));
    }
    m["hits"] = std::move(hits);
    if (const auto& st = res.thresholds[i]) {
      const Detection* d = detection_for(res, r);
      const bool reached = d != nullptr && d->count >= st->need;
      m["threshold"] = {{"have", reached ? d->count : st->have},
                        {"need", st->need},
                        {"within_seconds", st->within_seconds},
                        {"distinct", r.threshold->distinct},
                        {"fired", reached || st->fired}};
    }
    if (r.after) {
      m["after"] = {{"rule", r.after->rule},
                    {"within_seconds", r.after->within_seconds},
                    {"met", static_cast<bool>(res.after_met[i])}};
    }
    matches.push_back(std::move(m));
  }
  j["matches"] = std::move(matches);
  ordered_json alerts = ordered_json::array();
  for (const auto& d : res.detections) {
    ordered_json a;
    a["rule"] = d.rule.id;
    a["severity"] = std::string(to_string(d.rule.severity));
    a["mitre"] = d.rule.mitre;
    a["alert_id"] = d.alert_id;
    a["count"] = d.count;
    a["title"] = d.rule.title;
    if (!d.rule.author.empty()) a["author"] = d.rule.author;
    ordered_json group = ordered_json::object();
    for (const auto& [k, v] : d.group) group[k] = v;
    a["group"] = std::move(group);
    alerts.push_back(std::move(a));
  }
  j["alerts"] = std::move(alerts);
  fmt::print("{}\n", dump(j));
}

int run_test(const TestOptions& o) {
  auto pack = load_rule_pack(
      {o.rules, o.skip_broken, open_cache(o.cache_dir), "use --skip-broken to test the rest"});
  if (!pack) return fail(pack.error());
  for (const auto& s : pack->skipped) fmt::print(stderr, "rule skipped: {}\n", printable(s));
  DecoderOptions decoding;
  decoding.timezone = o.timezone;
  decoding.user_dir = o.decoders;
  auto decoder = load_decoder(decoding);
  if (!decoder) return fail(decoder.error());
  DetectChain chain(std::move(decoder->decoder), std::move(pack->engine));
  const Engine& engine = chain.engine();

  std::ifstream file;
  std::istream* in = &std::cin;
  if (o.input != "-") {
    file.open(o.input, std::ios::binary);
    if (!file) return fail(o.input + ": cannot open");
    in = &file;
  }
  const std::string src = o.input == "-" ? "stdin" : "file:" + o.input;
  Event event;                 // the line being read
  std::deque<size_t> numbers;  // numbers of the lines not shown yet, in order
  // Each event the chain completes: a line, or an audit event joined from several records
  // (collector/decode/audit_assembler.h), shown once complete under the number of its first line.
  const auto report = [&](Event& e, std::vector<Detection>& raised) {
    LineResult res;
    if (&e == &event) {  // the line just read, not an audit record: shown at once
      res.number = numbers.back();
      numbers.pop_back();
    } else {  // records of one event are consecutive lines as a rule
      res.number = numbers.empty() ? 0 : numbers.front();
      const size_t records =
          static_cast<size_t>(std::count(e.env.msg.begin(), e.env.msg.end(), '\n') + 1);
      for (size_t i = 0; i < records && !numbers.empty(); ++i) numbers.pop_front();
    }
    res.line = e.env.msg;
    res.event = std::move(e);
    res.detections = std::move(raised);
    res.matches = engine.explain(res.event);
    for (const auto& m : res.matches) {
      res.thresholds.push_back(chain.detector().threshold_state(m.rule, res.event));
      res.after_met.push_back(chain.detector().after_met(m.rule, res.event));
    }
    if (o.format == "json") {
      print_json(res, engine);
    } else {
      print_text(res, engine);
    }
  };
  std::string line;
  size_t number = 0;
  while (std::getline(*in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    // A JSON envelope (as on soc.events) is taken as it is; anything else is a raw log line,
    // wrapped as the agent would wrap it (read now; the syslog header's host wins when present).
    std::optional<Envelope> env;
    if (line.front() == '{') {
      if (auto parsed = parse_envelope(line); parsed.ok()) env = std::move(parsed).value();
    }
    if (!env) {
      Envelope e;
      e.agent = "socctl-rules-test";
      e.host = o.host;
      e.org = o.org;
      e.src = src;
      e.seq = number;
      e.ts = format_rfc3339_local(std::chrono::system_clock::now());
      e.msg = line;
      env = std::move(e);
    }
    event = Event();
    event.env = std::move(*env);
    numbers.push_back(number);
    chain.push(event, report);
  }
  chain.flush(report);
  if (in->bad()) return fail(o.input + ": read error");
  return kExitOk;
}

}  // namespace

void add_rules_commands(CLI::App& app, CommandAction& selected) {
  CLI::App* rules = app.add_subcommand("rules", "Check, test and import detection rules");
  rules->require_subcommand(1);

  auto check_opts = std::make_shared<CheckOptions>();
  CLI::App* check = rules->add_subcommand(
      "check", "Validate a rule directory; every problem as file:line:column: reason");
  check->add_option("dir", check_opts->dir, "Rule directory (searched recursively)")
      ->required()
      ->type_name("DIR");
  add_cache_option(check, check_opts->cache_dir);
  check->callback(
      [&selected, check_opts] { selected = [check_opts] { return run_check(*check_opts); }; });

  auto test_opts = std::make_shared<TestOptions>();
  CLI::App* test = rules->add_subcommand(
      "test", "Decode log lines and show which rules match and why, and the alerts they raise");
  test->add_option("input", test_opts->input,
                   "File of log lines (raw lines or soc.events JSON envelopes), or - for stdin")
      ->required()
      ->type_name("FILE|-");
  test->add_option("--rules", test_opts->rules, "Rule directory")
      ->envname(kRulesEnv)
      ->default_val(std::string(kDefaultRulesDir))
      ->type_name("DIR");
  test->add_option("--decoders", test_opts->decoders, "User decoder directory (optional)")
      ->type_name("DIR");
  test->add_option("--format", test_opts->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  test->add_option("--host", test_opts->host, "host.name for lines without a syslog header")
      ->capture_default_str();
  test->add_option("--org", test_opts->org, "organization.id of the events")->capture_default_str();
  test->add_option("--timezone", test_opts->timezone,
                   "Zone of timestamps without one (RFC 3164, error logs): an IANA name, +HH:MM, "
                   "UTC or agent (as the collector's decoders.timezone)")
      ->capture_default_str();
  test->add_flag("--skip-broken", test_opts->skip_broken, "Test with the rules that load");
  add_cache_option(test, test_opts->cache_dir);
  test->callback(
      [&selected, test_opts] { selected = [test_opts] { return run_test(*test_opts); }; });

  auto import_opts = std::make_shared<SigmaImportOptions>();
  CLI::App* import = rules->add_subcommand(
      "import-sigma", "Convert SigmaHQ rules (Linux, web server) into rule files");
  // CLI11 lets a vector positional swallow everything, so SRC... OUT_DIR is split after parsing.
  import
      ->add_option("paths", import_opts->sources,
                   "Sigma rule files or directories, then the directory for the converted rules")
      ->required()
      ->expected(2, -1)
      ->type_name("SRC_DIR... OUT_DIR");
  import->add_flag("--quiet", import_opts->quiet, "Only print the summary");
  import->callback([&selected, import_opts] {
    import_opts->out_dir = import_opts->sources.back();
  import_opts->sources.pop_back();
  selected = [import_opts] { return run_import_sigma(*import_opts); };
});
}  // namespace soc::ctl

}  // namespace soc::ctl
