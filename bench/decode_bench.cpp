// Decode throughput: lines per second through soc::Decoder over a mixed set of generated log lines
// (or the lines of a file), one thread. Not a test; built with -DSOC_BENCH=ON.
//
//   decode_bench [--lines N] [--rounds R] [--user-decoders DIR] [--file PATH]
//
// Prints one `format=F lines=N lines_per_s=X` line per generated format and ends with
// `decode_lines_per_s=X` for the whole mix: lines per second of one thread's CPU time (the
// per-core figure; `decode_lines_per_s_wall` is the same over elapsed time), best of R rounds.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "collector/decode/decoder.h"
#include "collector/decode/user_decoder.h"

namespace {

using soc::Event;

struct Line {
  std::string format;
  std::string src;
  std::string text;
};

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  Line next() {
    const unsigned r = u(100);
    if (r < 30) return {"access_log", "file:/var/log/nginx/access.log", access()};
    if (r < 38) return {"access_syslog", "file:/var/log/syslog", syslog("nginx", access())};
    if (r < 53) return {"sshd", "file:/var/log/auth.log", sshd()};
    if (r < 58) return {"pam", "file:/var/log/auth.log", pam()};
    if (r < 62) return {"sudo", "file:/var/log/auth.log", sudo()};
    if (r < 65) return {"su", "file:/var/log/auth.log", su()};
    if (r < 68) return {"account", "file:/var/log/auth.log", account()};
    if (r < 78) return {"auditd", "file:/var/log/audit/audit.log", audit()};
    if (r < 86) return {"firewall", "file:/var/log/ufw.log", firewall()};
    if (r < 90) return {"apache_error", "file:/var/log/apache2/error.log", apache_error()};
    if (r < 94) return {"json", "file:/var/log/app/app.json", json()};
    return {"other", "file:/var/log/syslog", other()};
  }

 private:
  std::mt19937 rng_;
  unsigned seq_ = 0;

  template <size_t N>
  std::string_view pick(const std::string_view (&items)[N]) {
    return items[rng_() % N];
  }
  std::string ip() {
    return std::to_string(u(223) + 1) + "." + std::to_string(u(256)) + "." +
           std::to_string(u(256)) + "." + std::to_string(u(254) + 1);
  }
  unsigned u(unsigned mod) { return static_cast<unsigned>(rng_() % mod); }
  std::string num(unsigned mod) { return std::to_string(u(mod)); }
  std::string header(std::string_view tag) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "Nov %2u %02u:%02u:%02u web01 ", u(28) + 1, u(24), u(60), u(60));
    return std::string(buf) + std::string(tag);
  }
  std::string syslog(std::string_view program, const std::string& msg) {
    return header(program) + "[" + num(60000) + "]: " + msg;
  }
  std::string user() {
    static constexpr std::string_view kUsers[] = {"root",   "admin", "hung",   "lan.nt",  "deploy",
                                                  "oracle", "test",  "ubuntu", "www-data"};
    return std::string(pick(kUsers));
  }

  std::string access() {
    static constexpr std::string_view kPaths[] = {"/",
                                                  "/index.php?id=12&lang=vi",
                                                  "/tin-tuc/chi-tiet?slug=thong-bao+moi&page=2",
                                                  "/wp-login.php",
                                                  "/api/v1/documents/8812?format=json",
                                                  "/search?q=%27%20OR%201%3D1--",
                                                  "/static/js/app.min.js?v=3.2.1",
                                                  "/cgi-bin/.%2e/.%2e/.%2e/bin/sh",
                                                  "/.env",
                                                  "/uploads/shell.php?cmd=id"};
    static constexpr std::string_view kAgents[] = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0 Safari/537.36",
        "curl/8.5.0", "sqlmap/1.8#stable (https://sqlmap.org)",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Mobile/15E148"};
    static constexpr std::string_view kMethods[] = {"GET", "GET", "GET", "POST", "HEAD"};
    static constexpr std::string_view kStatus[] = {"200", "200", "304", "404", "403", "500"};
    char when[64];
    std::snprintf(when, sizeof when, "[%02u/Nov/2026:%02u:%02u:%02u +0700]", u(28) + 1, u(24),
                  u(60), u(60));
    return ip() + " - - " + when + " \"" + std::string(pick(kMethods)) + " " +
           std::string(pick(kPaths)) + " HTTP/1.1\" " + std::string(pick(kStatus)) + " " +
           num(90000) + " \"https://portal.example.gov.vn/\" \"" + std::string(pick(kAgents)) +
           "\"";
  }
  std::string sshd() {
    switch (u(5)) {
      case 0:
        return syslog("sshd", "Failed password for " + user() + " from " + ip() + " port " +
                                  num(65535) + " ssh2");
      case 1:
        return syslog("sshd", "Failed password for invalid user " + user() + "x from " + ip() +
                                  " port " + num(65535) + " ssh2");
      case 2:
        return syslog("sshd", "Invalid user " + user() + "1 from " + ip() + " port " + num(65535));
      case 3:
        return syslog("sshd-session", "Accepted publickey for " + user() + " from " + ip() +
                                          " port " + num(65535) +
                                          " ssh2: ED25519 SHA256:Xq3a0hV0pZl8c3JY2m9bWfLQp0m9e1T");
      default:
        return syslog("sshd", "Connection closed by authenticating user " + user() + " " + ip() +
                                  " port " + num(65535) + " [preauth]");
    }
  }
  std::string pam() {
    if (u(2)) {
      return syslog("CRON",
                    "pam_unix(cron:session): session opened for user root(uid=0) by "
                    "(uid=0)");
    }
    return syslog("sshd",
                  "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 "
                  "tty=ssh ruser= rhost=" +
                      ip() + "  user=" + user());
  }
  std::string sudo() {
    return header("sudo") + ":    " + user() +
           " : TTY=pts/0 ; PWD=/home/hung ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx";
  }
  std::string su() {
    return u(2) ? syslog("su", "(to root) " + user() + " on pts/" + num(9))
                : syslog("su", "FAILED SU (to root) " + user() + " on pts/" + num(9));
  }
  std::string account() {
    switch (u(3)) {
      case 0:
        return syslog("useradd", "new user: name=" + user() + "2, UID=" + num(60000) +
                                     ", GID=1001, home=/home/x, shell=/bin/bash, from=/dev/pts/0");
      case 1:
        return syslog("usermod", "add '" + user() + "' to group 'sudo'");
      default:
        return syslog("passwd", "pam_unix(passwd:chauthtok): password changed for " + user());
    }
  }
  std::string audit() {
    const std::string stamp =
        "msg=audit(17954" + num(100000) + "." + num(1000) + ":" + std::to_string(++seq_) + "): ";
    switch (u(4)) {
      case 0:
        return "type=SYSCALL " + stamp +
               "arch=c000003e syscall=59 success=yes exit=0 a0=55d5c2a0 a1=55d5c2b0 a2=55d5c2c0 "
               "a3=0 items=2 ppid=2210 pid=" +
               num(99999) +
               " auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 "
               "comm=\"curl\" exe=\"/usr/bin/curl\" subj=unconfined key=\"exec\"";
      case 1:
        return "type=EXECVE " + stamp +
               "argc=4 a0=\"curl\" a1=\"-s\" a2=\"-o\" a3=2F746D702F782E7368";
      case 2:
        return "type=PATH " + stamp +
               "item=0 name=\"/usr/bin/curl\" inode=1234 dev=08:01 mode=0100755 ouid=0 ogid=0 "
               "rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0";
      default:
        return "type=PROCTITLE " + stamp + "proctitle=6375726C002D73002D6F002F746D702F782E7368";
    }
  }
  std::string firewall() {
    return header("kernel") + ": [" + num(99999) + ".123456] [UFW BLOCK] IN=eth0 OUT= " +
           "MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=" + ip() +
           " DST=10.10.1.5 LEN=60 TOS=0x00 PREC=0x00 TTL=50 ID=" + num(65535) +
           " DF PROTO=TCP SPT=" + num(65535) + " DPT=" + num(1024) +
           " WINDOW=29200 RES=0x00 SYN URGP=0";
  }
  std::string apache_error() {
    return "[Mon Nov 23 10:" + num(50) + ":" + num(50) +
           ".123456 2026] [core:error] [pid 1234:tid 5678] [client " + ip() + ":" + num(65535) +
           "] AH00126: Invalid URI in request GET /..%2f..%2fetc/passwd HTTP/1.1";
  }
  std::string json() {
    return "{\"@timestamp\":\"2026-11-23T10:00:01.123Z\",\"log\":{\"level\":\"warn\"},\"event\":{"
           "\"action\":\"login\",\"outcome\":\"failure\"},\"user\":{\"name\":\"" +
           user() + "\"},\"source\":{\"ip\":\"" + ip() +
           "\"},\"tags\":[\"portal\",\"auth\"],\"message\":\"login failed\"}";
  }
  std::string other() {
    static constexpr std::string_view kMsgs[] = {
        "Started Session 42 of User hung.", "(root) CMD (command -v debian-sa1 > /dev/null)",
        "Reached target Timers.", "DHCPACK of 10.10.1.5 from 10.10.1.1"};
    static constexpr std::string_view kProgs[] = {"systemd", "CRON", "systemd", "dhclient"};
    const unsigned i = u(4);
    return syslog(kProgs[i], std::string(kMsgs[i]));
  }
};

soc::Envelope make_envelope(const Line& l) {
  soc::Envelope env;
  env.agent = "0f8e4a52-1c2d-4e5f-9a0b-112233445566";
  env.host = "web01.example.gov.vn";
  env.org = "STTTT";
  env.src = l.src;
  env.ts = "2026-11-23T10:05:00.000+07:00";
  env.msg = l.text;
  return env;
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Best-of-rounds lines per CPU second (this thread's CPU time, so a busy machine that takes the
// core away now and then does not count against the decoder) for decoding `envs`. One Event is
// reused for every line, as the collector's pipeline does, so field buffers are recycled; the
// envelope copy into it stands in for the pipeline's move of the parsed envelope.
struct Rate {
  double cpu = 0;   // lines per second of this thread's CPU time
  double wall = 0;  // lines per second of elapsed time
};

Rate measure(const soc::Decoder& decoder, const std::vector<soc::Envelope>& envs, int rounds) {
  Rate best;
  Event event;
  size_t sink = 0;
  for (int r = 0; r < rounds; ++r) {
    const double start = thread_cpu_seconds();
    const auto wall_start = std::chrono::steady_clock::now();
    for (const soc::Envelope& env : envs) {
      event.env = env;
      decoder.decode(event);
      sink += event.fields.size();
    }
    const double took = thread_cpu_seconds() - start;
    const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - wall_start;
    const auto n = static_cast<double>(envs.size());
    if (took > 0) best.cpu = std::max(best.cpu, n / took);
    if (wall.count() > 0) best.wall = std::max(best.wall, n / wall.count());
  }
  if (sink == 0) std::printf("no fields decoded\n");
  return best;
}

int usage() {
  std::fprintf(stderr,
               "usage: decode_bench [--lines N] [--rounds R] [--user-decoders DIR] [--file "
               "PATH]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  size_t count = 500000;
  int rounds = 3;
  std::string user_dir, file;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (i + 1 >= argc) return usage();
    if (a == "--lines") {
      count = std::strtoul(argv[++i], nullptr, 10);
    } else if (a == "--rounds") {
      rounds = std::atoi(argv[++i]);
    } else if (a == "--user-decoders") {
      user_dir = argv[++i];
    } else if (a == "--file") {
      file = argv[++i];
    } else {
      return usage();
    }
  }
  if (count == 0 || rounds <= 0) return usage();

  soc::UserDecoders user;
  if (!user_dir.empty()) {
    auto loaded = soc::load_user_decoders(user_dir);
    if (!loaded.ok()) {
      std::fprintf(stderr, "%s\n", loaded.error().c_str());
      return 1;
    }
    user = std::move(loaded.value());
  }
  const size_t user_count = user.size();
  const soc::Decoder decoder(std::move(user));

  std::vector<Line> lines;
  if (!file.empty()) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "%s: cannot open\n", file.c_str());
      return 1;
    }
    for (std::string text; lines.size() < count && std::getline(in, text);) {
      lines.push_back({"file", "file:" + file, std::move(text)});
    }
  } else {
    Generator gen(20261123);
    while (lines.size() < count) lines.push_back(gen.next());
  }

  std::map<std::string, std::vector<soc::Envelope>> by_format;
  std::vector<soc::Envelope> all;
  size_t bytes = 0;
  for (const Line& l : lines) {
    all.push_back(make_envelope(l));
    by_format[l.format].push_back(make_envelope(l));
    bytes += l.text.size();
  }
  std::printf("lines=%zu avg_line_bytes=%zu user_decoders=%zu rounds=%d\n", all.size(),
              all.empty() ? 0 : bytes / all.size(), user_count, rounds);
  if (file.empty()) {
    for (const auto& [format, events] : by_format) {
      std::printf("format=%s lines=%zu lines_per_s=%.0f\n", format.c_str(), events.size(),
                  measure(decoder, events, rounds).cpu);
    }
  }
  const Rate rate = measure(decoder, all, rounds);
  std::printf("decode_lines_per_s_wall=%.0f\n", rate.wall);
  std::printf("decode_lines_per_s=%.0f\n", rate.cpu);
  return 0;
}
