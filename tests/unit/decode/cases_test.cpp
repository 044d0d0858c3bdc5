// The table-driven decoder cases in tests/decoders/*.yml (format in tests/decoders/README.md):
// each raw line goes through the real decoding chain and must yield the listed fields. Set
// SOC_DECODER_CASES to a file name (e.g. sshd.yml) to run only that file.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "collector/decode/decoder.h"

namespace soc {
namespace {

namespace fs = std::filesystem;

const std::string kCasesDir = std::string(SOC_SOURCE_DIR) + "/tests/decoders";
constexpr const char* kReadTime = "2026-11-23T12:00:00+07:00";

struct DecoderCase {
  std::string where;  // file:line, for failure messages
  std::string line;
  std::string src = "file:/var/log/syslog";
  std::string host = "web01";
  std::map<std::string, std::string> fields;
  std::vector<std::string> absent;
};

std::vector<DecoderCase> load_cases() {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(kCasesDir)) {
    if (e.path().extension() == ".yml") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  const char* only = std::getenv("SOC_DECODER_CASES");
  std::vector<DecoderCase> out;
  for (const auto& file : files) {
    if (only != nullptr && *only != '\0' && file.filename() != only) continue;
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
    ASSERT_FALSE(c.fields.empty() && c.absent.empty()) << "a case must check something";
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
  }
}

}  // namespace
}  // namespace soc
