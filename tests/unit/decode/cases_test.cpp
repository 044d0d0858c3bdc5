// The table-driven decoder cases in tests/decoders/*.yml (format in tests/decoders/README.md):
// each raw line goes through the real decoding chain and must yield the listed fields. Set
// SOC_DECODER_CASES to a file name (e.g. sshd.yml) to run only that file.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "collector/decode/decoder.h"
#include "common/clock.h"
#include "tests/unit/case_files.h"

namespace soc {
namespace {

const std::string kCasesDir = std::string(SOC_SOURCE_DIR) + "/tests/decoders";
constexpr const char* kReadTime = "2026-11-23T12:00:00+07:00";

struct DecoderCase {
  std::string where;  // file:line, for failure messages
  std::string line;
  std::string src = "file:/var/log/syslog";
  std::string host = "web01";
  std::map<std::string, std::string> fields;
  std::vector<std::string> absent;
  std::string time;     // RFC 3339: the event time it must get (the same instant)
  bool decoded = true;  // false: no decoder may claim it, only the base fields are set
};

// What Decoder::decode sets before any decoder runs: the envelope's and the syslog header's.
bool is_base_field(const std::string& name) {
  static const std::vector<std::string> kBase = {
      "event.original",      "agent.id",           "organization.id",
      "log.file.path",       "host.name",          "message",
      "process.name",        "process.pid",        "log.syslog.appname",
      "log.syslog.priority", "event.repeat_count", "event.time_untrusted"};
  return std::find(kBase.begin(), kBase.end(), name) != kBase.end();
}

std::vector<DecoderCase> load_cases() {
  std::vector<DecoderCase> out;
  for (const auto& file : test::case_files(kCasesDir, "SOC_DECODER_CASES")) {
    const YAML::Node root = YAML::LoadFile(file.string());
    for (const auto& n : root) {
      DecoderCase c;
      c.where = file.filename().string() + ":" + std::to_string(n.Mark().line + 1);
      c.line = n["line"].as<std::string>();
      if (n["src"]) c.src = n["src"].as<std::string>();
      if (n["host"]) c.host = n["host"].as<std::string>();
      for (const auto& f : n["fields"]) {
        c.fields[f.first.as<std::string>()] = f.second.as<std::string>();
      }
      for (const auto& a : n["absent"]) c.absent.push_back(a.as<std::string>());
      if (n["time"]) c.time = n["time"].as<std::string>();
      if (n["decoded"]) c.decoded = n["decoded"].as<bool>();
      out.push_back(std::move(c));
    }
  }
  return out;
}

std::string describe(const Event& e) {
  std::string s;
  for (const auto& [k, v] : e.fields.all()) s += "    " + k + ": " + v + "\n";
  return s;
}

TEST(DecoderCases, EveryLineYieldsItsFields) {
  // Case lines may be dated up to a day after the read time and keep their own times.
  const Decoder decoder(UserDecoders(), LogZone(), std::chrono::hours(24));
  const auto cases = load_cases();
  ASSERT_FALSE(cases.empty()) << "no cases in " << kCasesDir;
  for (const DecoderCase& c : cases) {
    SCOPED_TRACE(c.where);
    ASSERT_FALSE(c.fields.empty() && c.absent.empty() && c.time.empty() && c.decoded)
        << "a case must check something";
    Event e;
    e.env.agent = "agent-1";
    e.env.host = c.host;
    e.env.org = "STTTT";
    e.env.src = c.src;
    e.env.seq = 1;
    e.env.ts = kReadTime;
    e.env.msg = c.line;
    decoder.decode(e);
    for (const auto& [name, want] : c.fields) {
      EXPECT_EQ(e.fields.get(name).value_or("<absent>"), want)
          << name << " of\n  " << c.line << "\ndecoded as\n"
          << describe(e);
    }
    for (const auto& name : c.absent) {
      EXPECT_FALSE(e.fields.get(name).has_value())
          << name << " must be absent in\n  " << c.line << "\ndecoded as\n"
          << describe(e);
    }
    if (!c.time.empty()) {
      const auto want = parse_rfc3339(c.time);
      ASSERT_TRUE(want.has_value()) << "time: " << c.time << " is not RFC 3339";
      EXPECT_EQ(format_rfc3339_utc(e.time), format_rfc3339_utc(*want))
          << "event time of\n  " << c.line;
    }
    if (!c.decoded) {
      std::string claimed;
      for (const auto& [name, value] : e.fields.all()) {
        if (!is_base_field(name)) claimed += " " + name;
      }
      EXPECT_EQ(claimed, "") << "no decoder may claim\n  " << c.line << "\ndecoded as\n"
                             << describe(e);
    }
  }
}

}  // namespace
}  // namespace soc
