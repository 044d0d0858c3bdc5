// The shipped rule pack (rules/): it loads cleanly, and every rule fires on its positive examples
// and stays quiet on its negative ones (tests/data/rules/pack_cases.yml).
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "collector/detect/detector.h"

namespace soc {
namespace {

const std::string kRulesDir = std::string(SOC_SOURCE_DIR) + "/rules";
const std::string kCases = std::string(SOC_SOURCE_DIR) + "/tests/data/rules/pack_cases.yml";

const std::set<std::string> kShipped = {
    "ssh-brute-force", "ssh-invalid-user-burst", "ssh-root-login-success",
    "sudo-root-shell", "sudo-auth-failure",      "new-user-created",
};

// The syslog MSG of "Mon DD HH:MM:SS host program[pid]: MSG".
std::string syslog_msg(const std::string& line) {
  size_t pos = 0;
  for (int i = 0; i < 4 && pos != std::string::npos; ++i) pos = line.find(' ', pos + 1);
  const size_t colon = line.find(": ", pos);
  return colon == std::string::npos ? line : line.substr(colon + 2);
}

struct Case {
  std::string rule;
  bool fire = false;
  int repeat = 1;
  int every = 1;
  std::string line;
  std::vector<std::pair<std::string, std::string>> fields;
  int index = 0;
};

std::vector<Case> load_cases() {
  std::vector<Case> out;
  const YAML::Node root = YAML::LoadFile(kCases);
  int i = 0;
  for (const auto& n : root) {
    Case c;
    c.index = i++;
    c.rule = n["rule"].as<std::string>();
    c.fire = n["fire"].as<bool>();
    if (n["repeat"]) c.repeat = n["repeat"].as<int>();
    if (n["every"]) c.every = n["every"].as<int>();
    c.line = n["line"].as<std::string>();
    for (const auto& kv : n["fields"]) {
      c.fields.emplace_back(kv.first.as<std::string>(), kv.second.as<std::string>());
    }
    out.push_back(std::move(c));
  }
  return out;
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
  static inline std::unique_ptr<Engine> engine_;  // built once for the suite
};

TEST_F(DetectPack, ShippedRulesLoadWithTitlesAndMitre) {
  ASSERT_NE(engine_, nullptr);
  std::set<std::string> ids;
  for (const auto& r : engine_->rules()) {
    ids.insert(r.id);
    EXPECT_FALSE(r.title_vi.empty()) << r.id;
    EXPECT_FALSE(r.mitre.empty()) << r.id;
    EXPECT_FALSE(r.description.empty()) << r.id;
  }
  for (const auto& id : kShipped) EXPECT_TRUE(ids.count(id)) << id << " missing from rules/";
}

TEST_F(DetectPack, EveryRuleFiresOnItsPositiveCasesOnly) {
  ASSERT_NE(engine_, nullptr);
  const SysTime t0 = SysTime(std::chrono::seconds(1795435200));
  for (const Case& c : load_cases()) {
    SCOPED_TRACE("case #" + std::to_string(c.index) + " (" + c.rule + "): " + c.line);
    Detector d(*engine_);
    std::vector<Detection> got;
    for (int i = 0; i < c.repeat; ++i) {
      Event e;
      e.env.agent = "agent-1";
      e.env.host = "web01";
      e.env.org = "STTTT";
      e.env.msg = c.line;
      e.env.seq = static_cast<uint64_t>(i + 1);
      e.time = t0 + std::chrono::seconds(static_cast<int64_t>(i) * c.every);
      e.fields.set("event.original", c.line);
      e.fields.set("host.name", "web01");
      e.fields.set("message", syslog_msg(c.line));
      for (const auto& [k, v] : c.fields) e.fields.set(k, v);
      for (auto& x : d.process(e)) got.push_back(std::move(x));
    }
    size_t mine = 0;
    for (const auto& x : got) mine += x.rule_id == c.rule;
    if (c.fire) {
      EXPECT_GE(mine, 1u);
      for (const auto& x : got) {
        if (x.rule_id == c.rule) {
          EXPECT_EQ(x.host, "web01");
        }
      }
    } else {
      EXPECT_EQ(mine, 0u);
    }
  }
}

TEST_F(DetectPack, EveryShippedRuleHasPositiveAndNegativeCases) {
  std::map<std::string, std::pair<int, int>> seen;  // rule -> (positive, negative)
  for (const Case& c : load_cases()) {
    EXPECT_TRUE(kShipped.count(c.rule)) << "case for unknown rule " << c.rule;
    (c.fire ? seen[c.rule].first : seen[c.rule].second)++;
  }
  for (const auto& id : kShipped) {
    EXPECT_GE(seen[id].first, 1) << id;
    EXPECT_GE(seen[id].second, 1) << id;
  }
}

TEST_F(DetectPack, ThresholdRuleRaisesOnceThenFolds) {
  ASSERT_NE(engine_, nullptr);
  Detector d(*engine_);
  const SysTime t0 = SysTime(std::chrono::seconds(1795435200));
  std::vector<Detection> got;
  for (int i = 0; i < 8; ++i) {
    Event e;
    e.env.host = "web01";
    e.env.msg = "Failed password for root from 203.0.113.7 port 52211 ssh2";
    e.time = t0 + std::chrono::seconds(i);
    e.fields.set("host.name", "web01");
    e.fields.set("process.name", "sshd");
    e.fields.set("message", e.env.msg);
    e.fields.set("source.ip", "203.0.113.7");
    e.fields.set("event.outcome", "failure");
    for (auto& x : d.process(e)) got.push_back(std::move(x));
  }
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0].rule_id, "ssh-brute-force");
  EXPECT_EQ(got[0].count, 5u);
  EXPECT_EQ(got[0].severity, Severity::kHigh);
  EXPECT_EQ(got[0].title_vi, "Dò mật khẩu SSH từ một địa chỉ");
  for (const auto& x : got) EXPECT_EQ(x.alert_id, got[0].alert_id);
}

}  // namespace
}  // namespace soc
