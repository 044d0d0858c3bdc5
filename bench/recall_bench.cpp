// Detection coverage (issue 12): recall over fail2ban's labelled test logs and alert rate over
// benign logs, through the collector's DetectChain (decoders, audit assembly, detector) with every
// rule under the given directories. Not a test of its own (bench/recall.sh runs it over
// ../shared/data); integration.recall_bench runs it on a small fixture.
//
//   recall_bench --rules DIR [--rules DIR ...] --labelled DIR [--benign FILE ...]
//                [--cache-dir DIR] [--misses N]
//
// --labelled: a directory of files in fail2ban's test log format: `# failJSON: {...}` before a
// log line says whether fail2ban must match it ("match": true/false) and often when it happened
// ("time"); the lines after a failJSON up to the next comment line belong to it (one labelled
// entry). Each file (a service) is replayed in order through a fresh chain, every log line fed
// (labelled or not), read at its entry's "time" (in the decoders' default zone) when given. An
// entry counts as detected when one of its lines raised an alert itself or was counted into a
// threshold rule's alert (Detector::set_track_folded). Files without a failJSON are skipped.
//
// --benign: files of benign lines (loghub's Thunderbird format: the label, epoch, date and node
// words before the syslog line are dropped); alerts are distinct alert ids, as the store keeps
// them (a repeat in the suppress window folds into one alert).
//
// Ends with name=value lines: fail2ban_entries, fail2ban_detected, fail2ban_recall,
// fail2ban_quiet_entries, fail2ban_quiet_alerted, benign_lines, benign_alerts,
// benign_alerts_per_10k.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "collector/detect/database_cache.h"
#include "collector/detect/detect_chain.h"
#include "collector/detect/rule.h"

namespace {

namespace fs = std::filesystem;

struct Options {
  std::vector<std::string> rules;
  std::string labelled;
  std::vector<std::string> benign;
  std::string cache_dir;
  size_t misses = 0;  // missed attack lines to print per service
};

// When no entry gives a time; benign files are read at it too (their lines are older).
constexpr const char* kDefaultReadTime = "2026-12-31T23:59:59+07:00";
// Entries' times are local times without a zone: they are read in the decoders' default zone, so
// a zone-less line time and its read time agree. Lines that carry another zone may then look
// hours ahead of their read time: a day's tolerance keeps their own times.
constexpr std::chrono::hours kFutureTolerance{24};

struct Entry {
  bool match = false;
  std::vector<size_t> lines;  // indexes into the file's log lines
};

struct LogFile {
  std::vector<std::string> lines;    // log lines in order (comments dropped)
  std::vector<std::string> read_at;  // per line: its envelope's read time
  std::vector<Entry> entries;
};

// "2005-01-9T13:25:40.123" -> "2005-01-09T13:25:40.123+07:00"; empty when not a time.
std::string read_time_of(const std::string& t) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  int used = 0;
  if (std::sscanf(t.c_str(), "%d-%d-%dT%d:%d:%d%n", &y, &mo, &d, &h, &mi, &s, &used) != 6) {
    return "";
  }
  std::string frac;
  if (static_cast<size_t>(used) < t.size() && t[static_cast<size_t>(used)] == '.') {
    frac = t.substr(static_cast<size_t>(used));
  }
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}+07:00", y, mo, d, h, mi, s, frac);
}

LogFile read_labelled(const fs::path& file) {
  LogFile f;
  std::ifstream in(file, std::ios::binary);
  std::string line;
  std::string read_at = kDefaultReadTime;
  constexpr size_t kNone = SIZE_MAX;
  size_t open = kNone;  // the entry the next log lines belong to
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (line.front() == '#') {
      open = kNone;
      const size_t at = line.find("failJSON:");
      if (at == std::string::npos) continue;
      const auto j =
          nlohmann::json::parse(line.substr(at + 9), nullptr, /*allow_exceptions=*/false);
      if (!j.is_object()) {
        std::fprintf(stderr, "recall_bench: %s: unreadable failJSON: %s\n", file.c_str(),
                     line.c_str());
        continue;
      }
      Entry e;
      e.match = j.value("match", false);
      if (j.contains("time") && j["time"].is_string()) {
        if (auto t = read_time_of(j["time"].get<std::string>()); !t.empty()) read_at = t;
      }
      open = f.entries.size();
      f.entries.push_back(std::move(e));
      continue;
    }
    if (open != kNone) f.entries[open].lines.push_back(f.lines.size());
    f.lines.push_back(line);
    f.read_at.push_back(read_at);
  }
  // Entries with no line (a failJSON followed by a comment) label nothing.
  std::erase_if(f.entries, [](const Entry& e) { return e.lines.empty(); });
  return f;
}

struct Counts {
  size_t attacks = 0;   // entries with "match": true
  size_t detected = 0;  // of those, detected
  size_t quiet = 0;     // entries with "match": false
  size_t quiet_alerted = 0;
};

// Replays `f` through a fresh chain; returns per line whether it was detected.
std::vector<bool> replay(const soc::Decoder& decoder,
                         const std::shared_ptr<const soc::Engine>& engine, const std::string& src,
                         const std::vector<std::string>& lines,
                         const std::vector<std::string>& read_at,
                         std::map<std::string, size_t>* rules_fired,
                         std::unordered_set<std::string>* alert_ids) {
  soc::DetectChain chain(decoder, engine);
  chain.set_track_folded(true);
  std::vector<bool> detected(lines.size(), false);
  const auto on_event = [&](const soc::Event& e, const std::vector<soc::Detection>& raised) {
    for (const auto& d : raised) {
      if (e.env.seq >= 1 && e.env.seq <= lines.size()) detected[e.env.seq - 1] = true;
      for (const uint64_t s : d.folded_seqs) {
        if (s >= 1 && s <= lines.size()) detected[s - 1] = true;
      }
      if (rules_fired != nullptr) ++(*rules_fired)[d.rule.id];
      if (alert_ids != nullptr) alert_ids->insert(d.alert_id);
    }
  };
  soc::Event event;
  for (size_t i = 0; i < lines.size(); ++i) {
    event = soc::Event();
    event.env.agent = "recall-bench";
    event.env.host = "f2b-test";
    event.env.org = "BENCH";
    event.env.src = src;
    event.env.seq = i + 1;  // names the line for folded_seqs
    event.env.ts = read_at[i];
    event.env.msg = lines[i];
    chain.push(event, on_event);
  }
  chain.flush(on_event);
  return detected;
}

// Thunderbird lines start with a label, epoch, date and node before the syslog line.
std::string strip_loghub_prefix(const std::string& file, const std::string& line) {
  if (file.find("Thunderbird") == std::string::npos) return line;
  size_t at = 0;
  for (int w = 0; w < 4 && at != std::string::npos; ++w) {
    at = line.find(' ', at);
    if (at != std::string::npos) ++at;
  }
  return at == std::string::npos ? "" : line.substr(at);
}

int usage() {
  std::fprintf(stderr,
               "usage: recall_bench --rules DIR [--rules DIR ...] --labelled DIR "
               "[--benign FILE ...] [--cache-dir DIR] [--misses N]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) return usage();
    const std::string v = argv[++i];
    if (a == "--rules") {
      o.rules.push_back(v);
    } else if (a == "--labelled") {
      o.labelled = v;
    } else if (a == "--benign") {
      o.benign.push_back(v);
    } else if (a == "--cache-dir") {
      o.cache_dir = v;
    } else if (a == "--misses") {
      o.misses = std::stoul(v);
    } else {
      return usage();
    }
  }
  if (o.rules.empty() || o.labelled.empty()) return usage();

  std::vector<soc::Rule> pack;
  for (const auto& dir : o.rules) {
    auto r = soc::load_rules(dir);
    if (!r) {
      std::fprintf(stderr, "recall_bench: %s\n", r.error().c_str());
      return 1;
    }
    for (auto& x : *r) pack.push_back(std::move(x));
  }
  std::shared_ptr<soc::DatabaseCache> cache;
  if (!o.cache_dir.empty()) {
    if (auto opened = soc::DatabaseCache::open(o.cache_dir); opened.ok())
      cache = std::move(*opened);
  }
  auto built = soc::Engine::build(std::move(pack), cache);
  if (!built) {
    std::fprintf(stderr, "recall_bench: %s\n", built.error().c_str());
    return 1;
  }
  const std::shared_ptr<const soc::Engine> engine = std::move(built).value();
  const soc::Decoder decoder(soc::UserDecoders(), soc::LogZone(), kFutureTolerance);
  std::printf("rules=%zu\n", engine->rules().size());

  // Labelled attack and quiet lines, one service per file.
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(o.labelled)) {
    if (e.is_regular_file()) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  Counts total;
  std::vector<std::pair<std::string, double>> weak;  // services below 0.5
  std::printf("%-28s %8s %8s %7s %8s %8s\n", "service", "attacks", "detected", "recall", "quiet",
              "alerted");
  for (const auto& file : files) {
    const LogFile f = read_labelled(file);
    if (f.entries.empty()) continue;
    const auto detected =
        replay(decoder, engine, "file:" + file.string(), f.lines, f.read_at, nullptr, nullptr);
    Counts c;
    std::vector<size_t> missed;
    for (const auto& e : f.entries) {
      const bool hit =
          std::any_of(e.lines.begin(), e.lines.end(), [&](size_t l) { return detected[l]; });
      if (e.match) {
        ++c.attacks;
        c.detected += hit;
        if (!hit) missed.push_back(e.lines.front());
      } else {
        ++c.quiet;
        c.quiet_alerted += hit;
      }
    }
    total.attacks += c.attacks;
    total.detected += c.detected;
    total.quiet += c.quiet;
    total.quiet_alerted += c.quiet_alerted;
    const std::string service = file.filename().string();
    if (c.attacks == 0) {
      std::printf("%-28s %8zu %8s %7s %8zu %8zu\n", service.c_str(), c.attacks, "-", "-", c.quiet,
                  c.quiet_alerted);
      continue;
    }
    const double recall = static_cast<double>(c.detected) / static_cast<double>(c.attacks);
    std::printf("%-28s %8zu %8zu %7.3f %8zu %8zu\n", service.c_str(), c.attacks, c.detected, recall,
                c.quiet, c.quiet_alerted);
    if (recall < 0.5) weak.emplace_back(service, recall);
    for (size_t i = 0; i < missed.size() && i < o.misses; ++i) {
      std::printf("    missed: %s\n", f.lines[missed[i]].c_str());
    }
  }
  std::printf("services below 0.5 (%zu):", weak.size());
  for (const auto& [s, r] : weak) std::printf(" %s(%.2f)", s.c_str(), r);
  std::printf("\n");

  // Benign lines: how many alerts, and from which rules.
  size_t benign_lines = 0;
  size_t benign_alerts = 0;
  std::map<std::string, size_t> fired;
  for (const auto& path : o.benign) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "recall_bench: %s: cannot open\n", path.c_str());
      return 1;
    }
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      line = strip_loghub_prefix(path, line);
      if (!line.empty()) lines.push_back(std::move(line));
    }
    const std::vector<std::string> read_at(lines.size(), kDefaultReadTime);
    std::unordered_set<std::string> ids;
    std::map<std::string, size_t> file_fired;
    replay(decoder, engine, "file:" + path, lines, read_at, &file_fired, &ids);
    std::printf("benign %s: %zu lines, %zu alerts\n", path.c_str(), lines.size(), ids.size());
    benign_lines += lines.size();
    benign_alerts += ids.size();
    for (const auto& [rule, n] : file_fired) fired[rule] += n;
  }
  if (!o.benign.empty()) {
    std::vector<std::pair<size_t, std::string>> top;
    for (const auto& [rule, n] : fired) top.emplace_back(n, rule);
    std::sort(top.begin(), top.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    std::printf("rules firing on benign lines (detections, top 10 of %zu):\n", top.size());
    for (size_t i = 0; i < top.size() && i < 10; ++i) {
      std::printf("  %6zu %s\n", top[i].first, top[i].second.c_str());
    }
  }

  const auto ratio = [](size_t a, size_t b) {
    return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b);
  };
  std::printf("fail2ban_entries=%zu\n", total.attacks);
  std::printf("fail2ban_detected=%zu\n", total.detected);
  std::printf("fail2ban_quiet_entries=%zu\n", total.quiet);
  std::printf("fail2ban_quiet_alerted=%zu\n", total.quiet_alerted);
  std::printf("benign_lines=%zu\n", benign_lines);
  std::printf("benign_alerts=%zu\n", benign_alerts);
  std::printf("fail2ban_recall=%.3f\n", ratio(total.detected, total.attacks));
  std::printf("benign_alerts_per_10k=%.2f\n", 10000.0 * ratio(benign_alerts, benign_lines));
  return 0;
}
