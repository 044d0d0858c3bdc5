// The Detector: detections without thresholds, thresholds over event time, grouping,
// suppression windows, idempotent alert ids and bounded state.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "collector/decode/decoder.h"
#include "collector/detect/alert_id.h"
#include "collector/detect/detector.h"

namespace soc {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

// 2026-11-23T12:00:00Z, on an hour boundary so suppress windows are easy to reason about.
const SysTime kT0 = SysTime(seconds(1795435200));

std::unique_ptr<Engine> engine_from(const std::string& yaml) {
  static int n = 0;
  const fs::path dir =
      fs::temp_directory_path() / ("soc_detector_test_" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / ("d" + std::to_string(n++) + ".yml");
  std::ofstream(file) << yaml;
  auto rules = load_rules_file(file.string());
  EXPECT_TRUE(rules.ok()) << rules.error();
  if (!rules.ok()) return nullptr;
  auto engine = Engine::build(std::move(rules).value());
  EXPECT_TRUE(engine.ok()) << engine.error();
  return engine.ok() ? std::move(engine).value() : nullptr;
}

const char* kRules = R"(
- id: brute
  title: Brute force
  title_vi: Dò mật khẩu
  severity: high
  mitre: [T1110.001]
  match:
    process.name: sshd
    event.outcome: failure
  group_by: [source.ip]
  threshold: {count: 5, within: 60s}
  suppress: 1h
  evidence: 3
- id: root-login
  title: Root login
  title_vi: Đăng nhập root
  severity: critical
  mitre: [T1078.003, T1021.004]
  match:
    process.name: sshd
    user.name: root
    event.outcome: success
  group_by: [source.ip]
  suppress: 1h
)";

Event ssh(SysTime t, const std::string& ip, const std::string& outcome = "failure",
          const std::string& user = "root", const std::string& host = "web01") {
  static uint64_t seq = 0;
  Event e;
  e.env.agent = "agent-1";
  e.env.host = host;
  e.env.org = "STTTT";
  e.env.seq = ++seq;
  e.env.msg = "sshd line " + std::to_string(seq);
  e.time = t;
  e.fields.set("host.name", host);
  e.fields.set("organization.id", "STTTT");
  e.fields.set("agent.id", "agent-1");
  e.fields.set("process.name", "sshd");
  e.fields.set("event.outcome", outcome);
  e.fields.set("user.name", user);
  if (!ip.empty()) e.fields.set("source.ip", ip);
  return e;
}

class DetectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine_ = engine_from(kRules);
    ASSERT_TRUE(engine_);
  }
  std::unique_ptr<Engine> engine_;
};

TEST_F(DetectorTest, WithoutThresholdEveryEventIsADetection) {
  Detector d(*engine_);
  const Event e = ssh(kT0 + seconds(125), "203.0.113.7", "success");
  const auto out = d.process(e);
  ASSERT_EQ(out.size(), 1u);
  const Detection& x = out[0];
  EXPECT_EQ(x.rule.id, "root-login");
  EXPECT_EQ(x.rule.title, "Root login");
  EXPECT_EQ(x.rule.title_vi, "Đăng nhập root");
  EXPECT_EQ(x.rule.severity, Severity::kCritical);
  EXPECT_EQ(x.rule.mitre, (std::vector<std::string>{"T1078.003", "T1021.004"}));
  EXPECT_EQ(x.host, "web01");
  EXPECT_EQ(x.org, "STTTT");
  EXPECT_EQ(x.agent, "agent-1");
  using Group = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(x.group, (Group{{"source.ip", "203.0.113.7"}}));
  EXPECT_EQ(x.window_start, kT0);  // floor to the hour
  EXPECT_EQ(x.first_seen, e.time);
  EXPECT_EQ(x.last_seen, e.time);
  EXPECT_EQ(x.count, 1u);
  ASSERT_EQ(x.evidence.size(), 1u);
  EXPECT_EQ(x.evidence[0].msg, e.env.msg);
  EXPECT_EQ(x.alert_id, make_alert_id("root-login", "web01", x.group, to_unix_seconds(kT0)));
  EXPECT_EQ(d.group_count(), 0u);  // no threshold, no state
}

TEST_F(DetectorTest, SuppressionFoldsRepeatsIntoTheSameAlert) {
  Detector d(*engine_);
  const auto a = d.process(ssh(kT0 + seconds(10), "203.0.113.7", "success"));
  const auto b = d.process(ssh(kT0 + seconds(3599), "203.0.113.7", "success"));
  const auto c = d.process(ssh(kT0 + seconds(3600), "203.0.113.7", "success"));
  const auto other = d.process(ssh(kT0 + seconds(20), "198.51.100.1", "success"));
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  ASSERT_EQ(c.size(), 1u);
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(a[0].alert_id, b[0].alert_id);
  EXPECT_NE(a[0].alert_id, c[0].alert_id);  // next window
  EXPECT_EQ(c[0].window_start, kT0 + seconds(3600));
  EXPECT_NE(a[0].alert_id, other[0].alert_id);  // another group
}

TEST_F(DetectorTest, ThresholdFiresAtExactlyNWithinTheWindow) {
  Detector d(*engine_);
  // Five failures spanning exactly 60 s: the fifth fires.
  for (int i = 0; i < 4; ++i) {
    EXPECT_TRUE(d.process(ssh(kT0 + seconds(100 + 15 * i), "203.0.113.7")).empty()) << i;
  }
  const auto out = d.process(ssh(kT0 + seconds(160), "203.0.113.7"));
  ASSERT_EQ(out.size(), 1u);
  const Detection& x = out[0];
  EXPECT_EQ(x.rule.id, "brute");
  EXPECT_EQ(x.count, 5u);
  EXPECT_EQ(x.first_seen, kT0 + seconds(100));
  EXPECT_EQ(x.last_seen, kT0 + seconds(160));
  EXPECT_EQ(x.window_start, kT0);
  EXPECT_EQ(x.evidence.size(), 3u);  // evidence: 3 keeps the newest three
  EXPECT_EQ(x.alert_id, make_alert_id("brute", "web01", x.group, to_unix_seconds(kT0)));
}

TEST_F(DetectorTest, FoldedTrackingListsTheEventsAThresholdAlertCounts) {
  Detector d(*engine_);
  d.set_track_folded(true);
  // An event that falls out of the 60 s window is not one the alert counts.
  const Event stale = ssh(kT0, "203.0.113.7");
  EXPECT_TRUE(d.process(stale).empty());
  std::vector<uint64_t> counted;
  std::vector<Detection> out;
  for (int i = 0; i < 5; ++i) {
    const Event e = ssh(kT0 + seconds(100 + i), "203.0.113.7");
    counted.push_back(e.env.seq);
    out = d.process(e);
  }
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].folded_seqs, counted);
  // A later event of the window folds into the alert: it lists itself.
  const Event late = ssh(kT0 + seconds(200), "203.0.113.7");
  const auto more = d.process(late);
  ASSERT_EQ(more.size(), 1u);
  EXPECT_EQ(more[0].folded_seqs, std::vector<uint64_t>{late.env.seq});
  // Off (the default), nothing is listed.
  Detector quiet(*engine_);
  std::vector<Detection> last;
  for (int i = 0; i < 5; ++i) last = quiet.process(ssh(kT0 + seconds(i), "198.51.100.1"));
  ASSERT_EQ(last.size(), 1u);
  EXPECT_TRUE(last[0].folded_seqs.empty());
}

TEST_F(DetectorTest, RepeatedMessagesCountAsTheirOccurrences) {
  // rsyslog: "message repeated 5 times: [ Failed password for root from ...]" is five attempts.
  Detector d(*engine_);
  Event folded = ssh(kT0, "203.0.113.7");
  folded.fields.set("event.repeat_count", "5");
  const auto out = d.process(folded);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].rule.id, "brute");
  EXPECT_EQ(out[0].count, 5u);
  // A later fold into the raised alert adds its occurrences too; a garbled count is one.
  Event more = ssh(kT0 + seconds(10), "203.0.113.7");
  more.fields.set("event.repeat_count", "3");
  EXPECT_EQ(d.process(more).at(0).count, 3u);
  Event odd = ssh(kT0 + seconds(11), "203.0.113.7");
  odd.fields.set("event.repeat_count", "x3");
  EXPECT_EQ(d.process(odd).at(0).count, 1u);
  // Below the threshold, four folded attempts are not enough.
  Detector fresh(*engine_);
  Event four = ssh(kT0, "198.51.100.9");
  four.fields.set("event.repeat_count", "4");
  EXPECT_TRUE(fresh.process(four).empty());
}

TEST_F(DetectorTest, ThresholdUsesEventTimeNotArrival) {
  Detector d(*engine_);
  // Processed back to back, but the events happened 16 s apart: five span 64 s > 60 s.
  for (int i = 0; i < 8; ++i) {
    EXPECT_TRUE(d.process(ssh(kT0 + seconds(16 * i), "203.0.113.7")).empty()) << i;
  }
}

TEST_F(DetectorTest, LateEventOutsideTheWindowDoesNotCount) {
  Detector d(*engine_);
  for (int i = 0; i < 4; ++i)
    EXPECT_TRUE(d.process(ssh(kT0 + seconds(500 + i), "1.2.3.4")).empty());
  // A fifth event, delivered now but logged ten minutes earlier.
  EXPECT_TRUE(d.process(ssh(kT0 + seconds(-100), "1.2.3.4")).empty());
  // An in-window late one counts.
  const auto out = d.process(ssh(kT0 + seconds(470), "1.2.3.4"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first_seen, kT0 + seconds(470));
  EXPECT_EQ(out[0].last_seen, kT0 + seconds(503));
}

TEST_F(DetectorTest, FurtherEventsInTheWindowFoldIntoTheAlert) {
  Detector d(*engine_);
  std::vector<Detection> all;
  for (int i = 0; i < 12; ++i) {
    for (auto& x : d.process(ssh(kT0 + seconds(i), "203.0.113.7"))) all.push_back(std::move(x));
  }
  ASSERT_EQ(all.size(), 8u);  // the 5th raises, 6th..12th follow
  EXPECT_EQ(all[0].count, 5u);
  EXPECT_EQ(all[0].evidence.size(), 3u);
  for (size_t i = 1; i < all.size(); ++i) {
    EXPECT_EQ(all[i].alert_id, all[0].alert_id);
    EXPECT_EQ(all[i].count, 1u);
    EXPECT_TRUE(all[i].evidence.empty()) << i;  // the alert already holds `evidence: 3`
  }
  // A new window needs five fresh events.
  std::vector<Detection> next;
  for (int i = 0; i < 5; ++i) {
    for (auto& x : d.process(ssh(kT0 + seconds(3600 + i), "203.0.113.7"))) next.push_back(x);
  }
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].count, 5u);
  EXPECT_NE(next[0].alert_id, all[0].alert_id);
  EXPECT_EQ(next[0].window_start, kT0 + seconds(3600));
}

TEST_F(DetectorTest, GroupByKeepsAttackersApart) {
  Detector d(*engine_);
  for (int i = 0; i < 4; ++i) {
    EXPECT_TRUE(d.process(ssh(kT0 + seconds(2 * i), "203.0.113.7")).empty());
    EXPECT_TRUE(d.process(ssh(kT0 + seconds(2 * i + 1), "198.51.100.9")).empty());
  }
  EXPECT_TRUE(d.process(ssh(kT0 + seconds(9), "192.0.2.1")).empty());
  // The same address on another host is another group too.
  EXPECT_TRUE(d.process(ssh(kT0 + seconds(9), "203.0.113.7", "failure", "root", "db01")).empty());
  const auto out = d.process(ssh(kT0 + seconds(10), "198.51.100.9"));
  ASSERT_EQ(out.size(), 1u);
  using Group = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(out[0].group, (Group{{"source.ip", "198.51.100.9"}}));
  EXPECT_EQ(out[0].count, 5u);
  EXPECT_EQ(d.group_count(), 4u);
}

TEST_F(DetectorTest, MissingGroupFieldIsTheEmptyValue) {
  Detector d(*engine_);
  const auto out = d.process(ssh(kT0, "", "success"));
  ASSERT_EQ(out.size(), 1u);
  using Group = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(out[0].group, (Group{{"source.ip", ""}}));
}

TEST_F(DetectorTest, FreshDetectorReplayingTheSameEventsGivesTheSameAlertIds) {
  std::vector<Event> events;
  for (int i = 0; i < 30; ++i) {
    events.push_back(ssh(kT0 + seconds(7 * i), i % 3 ? "203.0.113.7" : "198.51.100.9",
                         i % 5 ? "failure" : "success"));
  }
  const auto run = [&] {
    Detector d(*engine_);
    std::vector<std::string> ids;
    for (const auto& e : events) {
      for (const auto& x : d.process(e)) ids.push_back(x.alert_id + "/" + std::to_string(x.count));
    }
    return ids;
  };
  const auto first = run();
  EXPECT_GE(first.size(), 8u);
  EXPECT_EQ(first, run());
}

TEST_F(DetectorTest, GroupCapEvictsOldestAndCounts) {
  Detector d(*engine_, 2);
  EXPECT_TRUE(d.process(ssh(kT0, "10.0.0.1")).empty());
  EXPECT_TRUE(d.process(ssh(kT0, "10.0.0.2")).empty());
  EXPECT_TRUE(d.process(ssh(kT0, "10.0.0.1")).empty());  // .1 is now the most recent
  EXPECT_TRUE(d.process(ssh(kT0, "10.0.0.3")).empty());  // evicts .2
  EXPECT_EQ(d.group_count(), 2u);
  EXPECT_EQ(d.evicted_groups(), 1u);
  // .1 kept its two events: three more fire it.
  EXPECT_TRUE(d.process(ssh(kT0, "10.0.0.1")).empty());
  EXPECT_TRUE(d.process(ssh(kT0, "10.0.0.1")).empty());
  EXPECT_EQ(d.process(ssh(kT0, "10.0.0.1")).size(), 1u);
  EXPECT_EQ(d.evicted_groups(), 1u);
  // .2 starts from scratch: it needs five again.
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(d.process(ssh(kT0, "10.0.0.2")).empty());
  EXPECT_EQ(d.evicted_groups(), 2u);
  EXPECT_EQ(d.process(ssh(kT0, "10.0.0.2")).size(), 1u);
}

TEST_F(DetectorTest, AReusedGroupSlotCarriesNothingOver) {
  // One slot: .1 fires in it, .2 evicts .1 and takes the slot. .2 must start from nothing (not
  // fold into .1's alert, not count .1's events), and so must .1 when it comes back.
  Detector d(*engine_, 1);
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(d.process(ssh(kT0, "10.0.0.1")).empty());
  ASSERT_EQ(d.process(ssh(kT0, "10.0.0.1")).size(), 1u);
  std::vector<std::string> second;  // the lines of .2
  std::vector<Detection> fired;
  for (int i = 0; i < 5; ++i) {
    const Event e = ssh(kT0, "10.0.0.2");
    second.push_back(e.env.msg);
    fired = d.process(e);
    if (i < 4) {
      EXPECT_TRUE(fired.empty());
    }
  }
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0].count, 5u);
  ASSERT_EQ(fired[0].evidence.size(), 3u);  // the rule keeps 3
  for (const auto& env : fired[0].evidence) {
    EXPECT_NE(std::find(second.begin(), second.end(), env.msg), second.end()) << env.msg;
  }
  EXPECT_TRUE(d.process(ssh(kT0, "10.0.0.1")).empty());
  EXPECT_EQ(d.group_count(), 1u);
  EXPECT_EQ(d.evicted_groups(), 2u);
}

TEST_F(DetectorTest, IdleGroupsExpireInTheirHostsEventTime) {
  Detector d(*engine_);
  EXPECT_TRUE(d.process(ssh(kT0, "10.0.0.1")).empty());
  EXPECT_TRUE(d.process(ssh(kT0, "10.0.0.1", "failure", "root", "db01")).empty());
  EXPECT_EQ(d.group_count(), 2u);
  // web01's clock moves past max(within, suppress) = 1h; db01's does not.
  EXPECT_TRUE(d.process(ssh(kT0 + seconds(3500), "10.0.0.9", "success", "alice")).empty());
  EXPECT_EQ(d.expire_idle(), 0u);
  d.process(ssh(kT0 + seconds(3601), "10.0.0.9", "success", "alice"));
  EXPECT_EQ(d.expire_idle(), 1u);
  EXPECT_EQ(d.group_count(), 1u);
  EXPECT_EQ(d.evicted_groups(), 0u);  // expiry is not eviction
}

TEST_F(DetectorTest, EventTimeFallsBackToTheEnvelope) {
  Detector d(*engine_);
  Event e = ssh(SysTime{}, "203.0.113.7", "success");
  e.env.ts = "2026-11-23T19:47:00.123+07:00";  // 12:47 UTC
  const auto out = d.process(e);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].window_start, kT0);
  EXPECT_EQ(out[0].first_seen, kT0 + std::chrono::milliseconds(47 * 60 * 1000 + 123));
}

TEST(DetectorEvidence, ZeroEvidenceKeepsNone) {
  auto en = engine_from(R"(
- id: quiet
  title: Q
  severity: low
  match: {process.name: sshd}
  threshold: {count: 2, within: 10s}
  evidence: 0
- id: quiet-single
  title: Q1
  severity: low
  match: {process.name: sshd}
  evidence: 0
)");
  ASSERT_TRUE(en);
  Detector d(*en);
  EXPECT_EQ(d.process(ssh(kT0, "1.1.1.1")).size(), 1u);  // quiet-single
  const auto out = d.process(ssh(kT0, "1.1.1.1"));
  ASSERT_EQ(out.size(), 2u);
  for (const auto& x : out) EXPECT_TRUE(x.evidence.empty()) << x.rule.id;
}

const char* kSpray = R"(
- id: spray
  title: Password spraying
  severity: high
  match: {process.name: sshd, event.outcome: failure}
  threshold: {distinct: user.name, count: 4, within: 5m, group_by: [source.ip]}
  suppress: 1h
  evidence: 3
)";

TEST(DetectorDistinct, FiresOnTheNthDistinctValueOnly) {
  auto en = engine_from(kSpray);
  ASSERT_TRUE(en);
  Detector d(*en);
  // Many failures for the same user do not count as spraying.
  for (int i = 0; i < 10; ++i) {
    EXPECT_TRUE(d.process(ssh(kT0 + seconds(i), "203.0.113.7", "failure", "root")).empty());
  }
  EXPECT_TRUE(d.process(ssh(kT0 + seconds(20), "203.0.113.7", "failure", "admin")).empty());
  EXPECT_TRUE(d.process(ssh(kT0 + seconds(21), "203.0.113.7", "failure", "oracle")).empty());
  // Another source's users do not add to this one's.
  EXPECT_TRUE(d.process(ssh(kT0 + seconds(22), "198.51.100.1", "failure", "guest")).empty());
  const Event fourth = ssh(kT0 + seconds(30), "203.0.113.7", "failure", "guest");
  const auto st_before = d.threshold_state(0, fourth);
  ASSERT_TRUE(st_before);
  EXPECT_EQ(st_before->have, 3u);
  EXPECT_EQ(st_before->need, 4u);
  EXPECT_EQ(st_before->within_seconds, 300);
  const auto out = d.process(fourth);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].rule.id, "spray");
  EXPECT_EQ(out[0].count, 4u);
  EXPECT_EQ(out[0].last_seen, kT0 + seconds(30));
  EXPECT_EQ(out[0].first_seen, kT0 + seconds(9));  // root's newest time
  EXPECT_EQ(out[0].evidence.size(), 3u);
  using Group = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(out[0].group, (Group{{"source.ip", "203.0.113.7"}}));
  const auto st_after = d.threshold_state(0, fourth);
  ASSERT_TRUE(st_after);
  EXPECT_TRUE(st_after->fired);
  // Further events in the window fold into the alert.
  const auto more = d.process(ssh(kT0 + seconds(31), "203.0.113.7", "failure", "x"));
  ASSERT_EQ(more.size(), 1u);
  EXPECT_EQ(more[0].count, 1u);
  EXPECT_EQ(more[0].alert_id, out[0].alert_id);
}

TEST(DetectorDistinct, ValuesOutsideTheWindowDoNotCount) {
  auto en = engine_from(kSpray);
  ASSERT_TRUE(en);
  Detector d(*en);
  // Four users, but spread over more than five minutes: never four within 5m.
  const char* users[] = {"a", "b", "c", "d", "e", "f"};
  for (int i = 0; i < 6; ++i) {
    EXPECT_TRUE(d.process(ssh(kT0 + seconds(110 * i), "203.0.113.7", "failure", users[i])).empty())
        << i;
  }
  // An event without the distinct field does not count (and does not crash).
  Event no_user = ssh(kT0 + seconds(700), "203.0.113.7");
  no_user.fields = Fields();
  no_user.fields.set("host.name", "web01");
  no_user.fields.set("process.name", "sshd");
  no_user.fields.set("event.outcome", "failure");
  no_user.fields.set("source.ip", "203.0.113.7");
  EXPECT_TRUE(d.process(no_user).empty());
  // A late event older than the window does not count either.
  EXPECT_TRUE(d.process(ssh(kT0, "203.0.113.7", "failure", "zz")).empty());
}

TEST(DetectorDistinct, StateIsBoundedByTheCount) {
  auto en = engine_from(kSpray);
  ASSERT_TRUE(en);
  Detector d(*en);
  // Thousands of distinct users: fires every 4, never holds more than 3 between alerts; the
  // state query never reports more than need - 1.
  size_t alerts = 0;
  for (int i = 0; i < 4000; ++i) {
    const Event e = ssh(kT0 + seconds(i), "203.0.113.7", "failure", "u" + std::to_string(i));
    const auto st = d.threshold_state(0, e);
    ASSERT_TRUE(st);
    EXPECT_LT(st->have, 4u);
    for (const auto& x : d.process(e)) alerts += x.count == 4;
  }
  EXPECT_GE(alerts, 2u);  // one per suppress window (1 h): 4000 s spans two
  EXPECT_EQ(d.group_count(), 1u);
}

TEST(DetectorState, NothingForRulesWithoutThreshold) {
  auto en = engine_from(kRules);
  ASSERT_TRUE(en);
  Detector d(*en);
  EXPECT_FALSE(d.threshold_state(1, ssh(kT0, "1.1.1.1", "success")));
  const auto st = d.threshold_state(0, ssh(kT0, "1.1.1.1"));
  ASSERT_TRUE(st);
  EXPECT_EQ(st->have, 0u);
  d.process(ssh(kT0, "1.1.1.1"));
  d.process(ssh(kT0 + seconds(1), "1.1.1.1"));
  EXPECT_EQ(d.threshold_state(0, ssh(kT0, "1.1.1.1"))->have, 2u);
  EXPECT_EQ(d.threshold_state(0, ssh(kT0, "2.2.2.2"))->have, 0u);  // another group
}

const char* kAfterRules = R"(
- id: brute
  title: Brute force
  severity: high
  match: {process.name: sshd, event.outcome: failure}
  group_by: [source.ip]
  threshold: {count: 3, within: 60s}
- id: login-after-brute
  title: Login after brute force
  severity: critical
  match: {process.name: sshd, event.outcome: success}
  group_by: [source.ip]
  after: {rule: brute, within: 10m}
)";

size_t count_of(const std::vector<Detection>& out, const std::string& rule) {
  size_t n = 0;
  for (const auto& d : out) n += d.rule.id == rule;
  return n;
}

TEST(DetectorAfter, FiresOnlyAfterTheOtherRuleWasMetForTheSameGroup) {
  auto engine = engine_from(kAfterRules);
  ASSERT_TRUE(engine);
  Detector d(*engine);
  const std::string attacker = "203.0.113.7";
  // A login before any brute force, and one after too few failures: quiet.
  EXPECT_EQ(count_of(d.process(ssh(kT0, attacker, "success")), "login-after-brute"), 0u);
  d.process(ssh(kT0 + seconds(1), attacker));
  d.process(ssh(kT0 + seconds(2), attacker));
  EXPECT_EQ(count_of(d.process(ssh(kT0 + seconds(3), attacker, "success")), "login-after-brute"),
            0u);
  // The third failure meets the threshold; the next login from there raises the follower.
  EXPECT_EQ(count_of(d.process(ssh(kT0 + seconds(4), attacker)), "brute"), 1u);
  EXPECT_EQ(count_of(d.process(ssh(kT0 + seconds(30), attacker, "success")), "login-after-brute"),
            1u);
  // Another address logging in meanwhile is not that attacker.
  EXPECT_EQ(
      count_of(d.process(ssh(kT0 + seconds(31), "198.51.100.2", "success")), "login-after-brute"),
      0u);
  // Failures folding into the raised alert keep the mark fresh; past `within` it lapses.
  d.process(ssh(kT0 + seconds(60), attacker));
  EXPECT_EQ(
      count_of(d.process(ssh(kT0 + seconds(60 + 599), attacker, "success")), "login-after-brute"),
      1u);
  EXPECT_EQ(
      count_of(d.process(ssh(kT0 + seconds(60 + 601), attacker, "success")), "login-after-brute"),
      0u);
}

TEST(DetectorAfter, MarksExpireAndAreBounded) {
  auto engine = engine_from(kAfterRules);
  ASSERT_TRUE(engine);
  Detector d(*engine, 2);
  for (int ip = 0; ip < 3; ++ip) {
    for (int i = 0; i < 3; ++i) d.process(ssh(kT0 + seconds(i), "10.0.0." + std::to_string(ip)));
  }
  EXPECT_GT(d.evicted_groups(), 0u);
  // Much later, a sweep drops what is left.
  d.process(ssh(kT0 + seconds(7200), "10.9.9.9"));
  d.expire_idle();
  EXPECT_EQ(
      count_of(d.process(ssh(kT0 + seconds(7201), "10.0.0.2", "success")), "login-after-brute"),
      0u);
}

// Issue 11, item 3: four sshd failures, one line for the same host dated in the future, some
// 4,000 other events (enough for an idle sweep), four more failures. The future date must not
// move web01's clock and close its open group: one alert, count 8, as without that line.
struct EvasionCase {
  const char* name;
  std::string future_line;  // read at 2026-12-07T16:00:05Z
};
// Names the case in test listings instead of dumping the struct's bytes.
void PrintTo(const EvasionCase& c, std::ostream* os) {
  *os << c.name;
}

class DetectorFutureTime : public ::testing::TestWithParam<EvasionCase> {};

// The Decoder as the pipeline runs it (zone-less times in UTC, to keep the dates readable).
Event decoded(const Decoder& decoder, const std::string& host, const std::string& ts,
              const std::string& line) {
  static uint64_t seq = 0;
  Event e;
  e.env.agent = "agent-" + host;
  e.env.host = host;
  e.env.org = "STTTT";
  e.env.src = "file:/var/log/auth.log";
  e.env.seq = ++seq;
  e.env.ts = ts;
  e.env.msg = line;
  decoder.decode(e);
  return e;
}

// The alerts raised, as the store folds them: alert id -> summed count.
void fold(std::map<std::string, uint64_t>& alerts, const std::vector<Detection>& out) {
  for (const auto& d : out) alerts[d.alert_id] += d.count;
}

std::string failure(int second) {
  return "Dec  7 16:00:" + std::string(second < 10 ? "0" : "") + std::to_string(second) +
         " web01 sshd[4242]: Failed password for root from 203.0.113.9 port " +
         std::to_string(40000 + second) + " ssh2";
}

TEST_P(DetectorFutureTime, AFutureLineCannotResetAThresholdCount) {
  auto engine = engine_from(kRules);
  ASSERT_TRUE(engine);
  auto zone = LogZone::parse("UTC");
  ASSERT_TRUE(zone.ok()) << zone.error();
  const Decoder decoder(UserDecoders(), std::move(zone).value());
  Detector d(*engine);
  std::map<std::string, uint64_t> alerts;
  for (int s = 0; s < 4; ++s) {
    fold(alerts, d.process(decoded(decoder, "web01", "2026-12-07T16:00:05Z", failure(s))));
  }
  const Event future = decoded(decoder, "web01", "2026-12-07T16:00:05Z", GetParam().future_line);
  EXPECT_TRUE(future.time_untrusted);
  EXPECT_EQ(future.time, *parse_rfc3339("2026-12-07T16:00:05Z"));  // the read time instead
  fold(alerts, d.process(future));
  // More than one sweep interval (4,096 events) of other hosts' ordinary lines.
  for (int i = 0; i < 4100; ++i) {
    const std::string host = "db" + std::to_string(i % 50);
    fold(alerts, d.process(decoded(decoder, host, "2026-12-07T16:00:10Z",
                                   "Dec  7 16:00:10 " + host + " CRON[99]: (root) CMD (true)")));
  }
  for (int s = 40; s < 44; ++s) {
    fold(alerts, d.process(decoded(decoder, "web01", "2026-12-07T16:00:45Z", failure(s))));
  }
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts.begin()->second, 8u);
  EXPECT_EQ(d.future_events(), 1u);
}

INSTANTIATE_TEST_SUITE_P(
    Evasion, DetectorFutureTime,
    ::testing::Values(
        // RFC 3164 has no year: up to a day ahead of the read time is taken as this year.
        EvasionCase{"Rfc3164NextDay",
                    "Dec  8 12:00:00 web01 sshd[4242]: Connection closed by 198.51.100.1 port 22"},
        EvasionCase{"Rfc5424Year2199",
                    "<38>1 2199-01-01T00:00:00Z web01 sshd 4242 - - Connection closed by "
                    "198.51.100.1 port 22"}),
    [](const auto& info) { return std::string(info.param.name); });

// A time far in the past (an old line read late, or a forged one) is kept: it falls out of the
// group's window without moving any clock, so the count goes on.
TEST(DetectorPastTime, AnOldFailureNeitherCountsNorResetsTheGroup) {
  auto engine = engine_from(kRules);
  ASSERT_TRUE(engine);
  auto zone = LogZone::parse("UTC");
  ASSERT_TRUE(zone.ok()) << zone.error();
  const Decoder decoder(UserDecoders(), std::move(zone).value());
  Detector d(*engine);
  std::map<std::string, uint64_t> alerts;
  for (int s = 0; s < 4; ++s) {
    fold(alerts, d.process(decoded(decoder, "web01", "2026-12-07T16:00:05Z", failure(s))));
  }
  const Event old = decoded(decoder, "web01", "2026-12-07T16:00:05Z",
                            "<38>1 1999-01-01T00:00:00Z web01 sshd 4242 - - Failed password for "
                            "root from 203.0.113.9 port 39999 ssh2");
  EXPECT_FALSE(old.time_untrusted);
  EXPECT_EQ(old.time, *parse_rfc3339("1999-01-01T00:00:00Z"));
  fold(alerts, d.process(old));
  for (int i = 0; i < 4100; ++i) {
    fold(alerts, d.process(decoded(decoder, "db1", "2026-12-07T16:00:10Z",
                                   "Dec  7 16:00:10 db1 CRON[99]: (root) CMD (true)")));
  }
  for (int s = 40; s < 44; ++s) {
    fold(alerts, d.process(decoded(decoder, "web01", "2026-12-07T16:00:45Z", failure(s))));
  }
  // The 1999 failure dropped out of the group's 60 s window at once.
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts.begin()->second, 8u);
  EXPECT_EQ(d.future_events(), 0u);
}

}  // namespace
}  // namespace soc
