// Alert JSON: the form the store keeps and socctl/scripts read.
#include "collector/model/alert.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>

namespace soc {
namespace {

using namespace std::chrono_literals;

SysTime at(std::string_view rfc3339) {
  return parse_rfc3339(rfc3339).value();
}

Alert sample() {
  Alert a;
  a.id = "5f1c0a4e9b2d4c7f8e6a3b1d0c9e8f7a";
  a.rule.id = "ssh-bruteforce";
  a.rule.title = "SSH brute force";
  a.rule.title_vi = "Dò mật khẩu SSH — tấn công vét cạn";
  a.rule.severity = Severity::kHigh;
  a.rule.mitre = {"T1110", "T1110.001"};
  a.host = "web01.sotttt.gov.vn";
  a.org = "STTTT";
  a.agent = "0f8e4a52-1c2d-4e5f-9a0b-112233445566";
  a.group = {{"source.ip", "203.0.113.9"}, {"user.name", "nguyễn"}};
  a.status = "acknowledged";
  a.window_start = at("2026-11-23T12:45:00Z");
  a.first_seen = at("2026-11-23T12:45:01.250Z");
  a.last_seen = at("2026-11-23T12:47:00.123Z");
  a.created_at = at("2026-11-23T12:45:02.001Z");
  a.updated_at = at("2026-11-23T12:47:01.999Z");
  a.count = 12;
  Envelope e;
  e.agent = a.agent;
  e.host = a.host;
  e.org = a.org;
  e.src = "file:/var/log/auth.log";
  e.seq = 77;
  e.ts = "2026-11-23T19:47:00.123+07:00";
  e.msg = R"(sshd[812]: Failed password for "root" from 203.0.113.9 \ port 22)";
  a.evidence.push_back(e);
  e.seq = 78;
  e.msg = "tab\there, nul\0 byte";
  e.msg.append(std::string("\0end", 4));
  e.trunc = true;
  a.evidence.push_back(e);
  return a;
}

void expect_same(const Alert& a, const Alert& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.rule.id, b.rule.id);
  EXPECT_EQ(a.rule.title, b.rule.title);
  EXPECT_EQ(a.rule.title_vi, b.rule.title_vi);
  EXPECT_EQ(a.rule.severity, b.rule.severity);
  EXPECT_EQ(a.rule.mitre, b.rule.mitre);
  EXPECT_EQ(a.rule.author, b.rule.author);
  EXPECT_EQ(a.rule.sigma_id, b.rule.sigma_id);
  EXPECT_EQ(a.rule.references, b.rule.references);
  EXPECT_EQ(a.host, b.host);
  EXPECT_EQ(a.org, b.org);
  EXPECT_EQ(a.agent, b.agent);
  EXPECT_EQ(a.group, b.group);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.window_start, b.window_start);
  EXPECT_EQ(a.first_seen, b.first_seen);
  EXPECT_EQ(a.last_seen, b.last_seen);
  EXPECT_EQ(a.created_at, b.created_at);
  EXPECT_EQ(a.updated_at, b.updated_at);
  EXPECT_EQ(a.count, b.count);
  ASSERT_EQ(a.evidence.size(), b.evidence.size());
  for (size_t i = 0; i < a.evidence.size(); ++i) {
    EXPECT_EQ(to_json(a.evidence[i]), to_json(b.evidence[i])) << "evidence " << i;
  }
}

TEST(AlertJson, RoundTripsVietnameseTitleAndQuotedEvidence) {
  const Alert a = sample();
  const std::string text = alert_to_json_string(a);
  auto back = alert_from_json(text);
  ASSERT_TRUE(back.ok()) << back.error() << "\n" << text;
  expect_same(a, *back);
  // The Vietnamese title is kept as UTF-8, not \u-escaped.
  EXPECT_NE(text.find("Dò mật khẩu SSH"), std::string::npos) << text;
}

TEST(AlertJson, KeepsSigmaAttribution) {
  Alert a = sample();
  a.rule.author = "Florian Roth (Nextron Systems)";
  a.rule.sigma_id = "6e8a3b4f-8c2d-4b5e-9a1f-0c2d3e4f5a6b";
  a.rule.references = {"https://example.org/a", "https://example.org/b"};
  auto back = alert_from_json(alert_to_json_string(a));
  ASSERT_TRUE(back.ok()) << back.error();
  expect_same(a, *back);
}

TEST(AlertJson, UsesUtcTimesAndKeyValueGroups) {
  const nlohmann::json j = to_json(sample());
  EXPECT_EQ(j.at("last_seen"), "2026-11-23T12:47:00.123Z");
  EXPECT_EQ(j.at("severity"), "high");
  EXPECT_EQ(j.at("group").at(1).at("key"), "user.name");
  EXPECT_EQ(j.at("group").at(1).at("value"), "nguyễn");
  EXPECT_EQ(j.at("evidence").at(0).at("msg"),
            R"(sshd[812]: Failed password for "root" from 203.0.113.9 \ port 22)");
  EXPECT_EQ(j.at("evidence").at(1).at("trunc"), true);
}

TEST(AlertJson, EscapesInvalidUtf8InEvidenceInsteadOfFailing) {
  Alert a = sample();
  a.evidence[0].msg = "bad \xFF byte";
  a.host = "h\xC3";  // a text field: replaced, never a throw
  const std::string text = alert_to_json_string(a);
  auto back = alert_from_json(text);
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(back->evidence[0].msg, "bad \\xff byte");
  EXPECT_EQ(back->host, "h\xEF\xBF\xBD");
}

TEST(AlertJson, RejectsMalformedInputNamingTheField) {
  EXPECT_FALSE(alert_from_json("{").ok());
  EXPECT_FALSE(alert_from_json("[]").ok());

  nlohmann::json j = to_json(sample());
  j.erase("count");
  auto r = alert_from_json(j.dump());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("\"count\""), std::string::npos) << r.error();

  j = to_json(sample());
  j["last_seen"] = "yesterday";
  r = alert_from_json(j.dump());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("last_seen"), std::string::npos) << r.error();

  j = to_json(sample());
  j["severity"] = "urgent";
  EXPECT_FALSE(alert_from_json(j.dump()).ok());

  j = to_json(sample());
  j["evidence"][1]["seq"] = "x";
  r = alert_from_json(j.dump());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("evidence[1]"), std::string::npos) << r.error();
  EXPECT_EQ(r.error_kind(), ErrorKind::kInvalidInput);
  EXPECT_EQ(alert_from_json("{").error_kind(), ErrorKind::kInvalidInput);
}

TEST(AlertJson, NewAlertStartsAsNew) {
  EXPECT_EQ(Alert{}.status, "new");
}

}  // namespace
}  // namespace soc
