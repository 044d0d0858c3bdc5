// The shipped rule pack (rules/): it loads cleanly, every rule has positive and negative cases,
// and each case's raw log lines, through the collector's DetectChain (decoder, audit records
// joined, detector), raise the case's rule or do not.
// The cases live in tests/rules/*.yml (format in tests/rules/README.md). Set SOC_PACK_CASES to a
// file name (e.g. web.yml) to run only that file's cases while writing rules.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "collector/detect/detect_chain.h"
#include "collector/detect/rule.h"
#include "tests/unit/case_files.h"

namespace soc {
namespace {

const std::string kRulesDir = std::string(SOC_SOURCE_DIR) + "/rules";
const std::string kCasesDir = std::string(SOC_SOURCE_DIR) + "/tests/rules";
// The agent's read time of every case line: RFC 3164 lines take their year from it.
constexpr const char* kReadTime = "2026-11-23T12:00:00+07:00";
// A pack this size covers what the ATT&CK tactics list in rules/README.md promises.
constexpr size_t kMinimumPackSize = 80;

struct Case {
  std::string where;  // file:line of the case, for failure messages
  std::string rule;
  bool fire = false;
  int repeat = 1;
  std::string src = "file:/var/log/syslog";
  std::string host = "web01";
  std::vector<std::string> lines;
};

// "{i}" in a line becomes the repetition number (0-based), so one line can stand for a run of
// attempts with distinct users, ports or paths.
std::string expand(std::string line, int i) {
  for (size_t at = line.find("{i}"); at != std::string::npos; at = line.find("{i}", at)) {
    line.replace(at, 3, std::to_string(i));
  }
  return line;
}

std::vector<Case> load_cases() {
  std::vector<Case> out;
  for (const auto& file : test::case_files(kCasesDir, "SOC_PACK_CASES")) {
    const YAML::Node root = YAML::LoadFile(file.string());
    for (const auto& n : root) {
      Case c;
      c.where = file.filename().string() + ":" + std::to_string(n.Mark().line + 1);
      c.rule = n["rule"].as<std::string>();
      c.fire = n["fire"].as<bool>();
      if (n["repeat"]) c.repeat = n["repeat"].as<int>();
      if (n["src"]) c.src = n["src"].as<std::string>();
      if (n["host"]) c.host = n["host"].as<std::string>();
      if (n["line"]) c.lines.push_back(n["line"].as<std::string>());
      for (const auto& l : n["lines"]) c.lines.push_back(l.as<std::string>());
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

class DetectPack : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto rules = load_rules(kRulesDir);
    ASSERT_TRUE(rules.ok()) << rules.error();
    auto engine = Engine::build(std::move(rules).value());
    ASSERT_TRUE(engine.ok()) << engine.error();
    engine_ = std::move(engine).value();
  }
  static void TearDownTestSuite() { engine_.reset(); }
  static inline std::shared_ptr<const Engine> engine_;  // built once for the suite
};

TEST_F(DetectPack, EveryRuleHasTitlesSeverityAndMitre) {
  ASSERT_NE(engine_, nullptr);
  EXPECT_GE(engine_->rules().size(), kMinimumPackSize);
  for (const auto& r : engine_->rules()) {
    EXPECT_FALSE(r.title.empty()) << r.id;
    EXPECT_FALSE(r.title_vi.empty()) << r.id;
    EXPECT_FALSE(r.mitre.empty()) << r.id;
    EXPECT_FALSE(r.description.empty()) << r.id;
  }
}

TEST_F(DetectPack, EveryCaseRaisesItsRuleOrNot) {
  ASSERT_NE(engine_, nullptr);
  // Every line is read at kReadTime, though some cases span an hour after it: a day's tolerance
  // keeps their own times (Decoder::kFutureTolerance would replace them with the read time).
  const Decoder decoder(UserDecoders(), LogZone(), std::chrono::hours(24));
  const auto cases = load_cases();
  ASSERT_FALSE(cases.empty());
  for (const Case& c : cases) {
    SCOPED_TRACE(c.where + " (" + c.rule + (c.fire ? ", fires)" : ", quiet)"));
    DetectChain chain(decoder, engine_);  // fresh threshold state for each case
    size_t mine = 0;
    std::string trace;
    uint64_t seq = 0;
    int i = 0;  // the repetition being fed
    const auto detect = [&](const Event& e, const std::vector<Detection>& raised) {
      std::string fired;
      for (const auto& d : raised) {
        mine += d.rule.id == c.rule;
        fired += " " + d.rule.id;
      }
      if (i == 0 || i + 1 == c.repeat) {
        trace += "  " + e.env.msg + "\n" + describe(e) + "  raised:" + fired + "\n";
      }
    };
    for (i = 0; i < c.repeat; ++i) {
      for (const auto& line : c.lines) {
        Event e;
        e.env.agent = "agent-1";
        e.env.host = c.host;
        e.env.org = "STTTT";
        e.env.src = c.src;
        e.env.ts = kReadTime;
        e.env.seq = ++seq;
        e.env.msg = expand(line, i);
        chain.push(e, detect);
      }
    }
    i = c.repeat - 1;
    chain.flush(detect);
    if (c.fire) {
      EXPECT_GE(mine, 1u) << "expected " << c.rule << " to fire; decoded:\n" << trace;
    } else {
      EXPECT_EQ(mine, 0u) << "expected " << c.rule << " to stay quiet; decoded:\n" << trace;
    }
  }
}

TEST_F(DetectPack, EveryRuleHasPositiveAndNegativeCases) {
  ASSERT_NE(engine_, nullptr);
  if (const char* only = std::getenv("SOC_PACK_CASES"); only != nullptr && *only != '\0') {
    GTEST_SKIP() << "SOC_PACK_CASES limits the cases to " << only;
  }
  std::set<std::string> ids;
  for (const auto& r : engine_->rules()) ids.insert(r.id);
  std::map<std::string, std::pair<int, int>> seen;  // rule -> (positive, negative)
  for (const Case& c : load_cases()) {
    EXPECT_TRUE(ids.count(c.rule)) << c.where << ": case for unknown rule " << c.rule;
    (c.fire ? seen[c.rule].first : seen[c.rule].second)++;
  }
  for (const auto& id : ids) {
    EXPECT_GE(seen[id].first, 1) << id << " has no positive case in tests/rules/";
    EXPECT_GE(seen[id].second, 1) << id << " has no negative case in tests/rules/";
  }
}

}  // namespace
}  // namespace soc
