// The rule loader: the YAML rule language and its file:line:column errors.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "collector/detect/rule.h"

namespace soc {
namespace {

namespace fs = std::filesystem;

const std::string kData = std::string(SOC_SOURCE_DIR) + "/tests/data/rules";

// Writes `text` to a fresh temporary rule file and returns its path.
std::string write_rules(const std::string& text) {
  static int n = 0;
  const fs::path dir = fs::temp_directory_path() / ("soc_rule_test_" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / ("r" + std::to_string(n++) + ".yml");
  std::ofstream(file) << text;
  return file.string();
}

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t nl = s.find('\n', start);
    out.push_back(s.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

// The error message of loading one fixture from tests/data/rules/errors.
std::string error_of(const std::string& name) {
  auto r = load_rules_file(kData + "/errors/" + name);
  EXPECT_FALSE(r.ok()) << name << " loaded";
  return r.ok() ? "" : r.error();
}

TEST(RuleLoader, ParsesEveryKey) {
  const std::string file = write_rules(R"(
- id: full.rule_1
  title: Full
  title_vi: Đầy đủ
  description: every key
  severity: critical
  mitre: [T1110, T1110.001]
  match:
    process.name: [sshd, sshd-session]
    event.outcome: failure
    message: {contains: ["Failed password", "Failed keyboard"], nocase: true}
    user.name: {regex: '^r[o0]+t$', all: true}
  not:
    source.ip: {startswith: ["10.", "192.168."]}
  group_by: [source.ip, user.name]
  threshold: {count: 5, within: 2m}
  suppress: 2h
  evidence: 3
)");
  auto r = load_rules_file(file);
  ASSERT_TRUE(r.ok()) << r.error();
  ASSERT_EQ(r->size(), 1u);
  const Rule& rule = r->front();
  EXPECT_EQ(rule.id, "full.rule_1");
  EXPECT_EQ(rule.title, "Full");
  EXPECT_EQ(rule.title_vi, "Đầy đủ");
  EXPECT_EQ(rule.description, "every key");
  EXPECT_EQ(rule.severity, Severity::kCritical);
  EXPECT_EQ(rule.mitre, (std::vector<std::string>{"T1110", "T1110.001"}));
  EXPECT_EQ(rule.file, file);
  EXPECT_EQ(rule.line, 2);
  EXPECT_EQ(rule.column, 3);
  // match: and not: become two selections over five clauses: "match and not not".
  ASSERT_EQ(rule.clauses.size(), 5u);
  EXPECT_EQ(rule.clauses[0].field, "process.name");
  EXPECT_EQ(rule.clauses[0].kind, MatchKind::kEquals);
  EXPECT_EQ(rule.clauses[0].values, (std::vector<std::string>{"sshd", "sshd-session"}));
  EXPECT_EQ(rule.clauses[1].values, (std::vector<std::string>{"failure"}));
  EXPECT_EQ(rule.clauses[2].kind, MatchKind::kContains);
  EXPECT_TRUE(rule.clauses[2].nocase);
  EXPECT_FALSE(rule.clauses[2].all);
  EXPECT_EQ(rule.clauses[3].kind, MatchKind::kRegex);
  EXPECT_TRUE(rule.clauses[3].all);
  EXPECT_EQ(rule.clauses[4].kind, MatchKind::kStartsWith);
  ASSERT_EQ(rule.selections.size(), 2u);
  EXPECT_EQ(rule.selections[0].name, "match");
  EXPECT_EQ(rule.selections[0].alternatives, (std::vector<std::vector<uint32_t>>{{0, 1, 2, 3}}));
  EXPECT_EQ(rule.selections[1].name, "not");
  EXPECT_EQ(rule.selections[1].alternatives, (std::vector<std::vector<uint32_t>>{{4}}));
  EXPECT_EQ(positive_clauses(rule), (std::vector<bool>{true, true, true, true, false}));
  EXPECT_EQ(rule.group_by, (std::vector<std::string>{"source.ip", "user.name"}));
  ASSERT_TRUE(rule.threshold.has_value());
  EXPECT_EQ(rule.threshold->count, 5u);
  EXPECT_EQ(rule.threshold->within_seconds, 120);
  EXPECT_EQ(rule.suppress_seconds, 7200);
  EXPECT_EQ(rule.evidence_max, 3u);
}

TEST(RuleLoader, AppliesDefaults) {
  auto r = load_rules_file(write_rules("id: minimal\ntitle: M\nseverity: low\nmatch: {a: b}\n"));
  ASSERT_TRUE(r.ok()) << r.error();
  ASSERT_EQ(r->size(), 1u);
  const Rule& rule = r->front();
  EXPECT_EQ(rule.suppress_seconds, 3600);
  EXPECT_EQ(rule.evidence_max, 10u);
  EXPECT_FALSE(rule.threshold.has_value());
  EXPECT_TRUE(rule.group_by.empty());
  EXPECT_EQ(rule.selections.size(), 1u);
  EXPECT_EQ(rule.line, 1);
}

TEST(RuleLoader, EmptyFileHasNoRules) {
  auto r = load_rules_file(write_rules("# nothing here yet\n"));
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_TRUE(r->empty());
}

// The API answers a broken rule with 400 and a missing rules directory with 404, by kind.
TEST(RuleLoader, ErrorsCarryAKind) {
  EXPECT_EQ(load_rules_text("id: [", "bad.yml").error_kind(), ErrorKind::kInvalidInput);
  EXPECT_EQ(load_rules_text("id: x\n", "incomplete.yml").error_kind(), ErrorKind::kInvalidInput);
  EXPECT_EQ(load_rules(kData + "/errors").error_kind(), ErrorKind::kInvalidInput);
  EXPECT_EQ(load_rules(kData + "/no-such-directory").error_kind(), ErrorKind::kNotFound);
}

TEST(RuleLoader, SyntaxErrorNamesFileAndLine) {
  const std::string e = error_of("syntax_error.yml");
  EXPECT_EQ(e.rfind(kData + "/errors/syntax_error.yml:", 0), 0u) << e;
  EXPECT_NE(e.find("YAML syntax error"), std::string::npos) << e;
  // "file:LINE:COL: " with numbers.
  const std::string rest = e.substr((kData + "/errors/syntax_error.yml:").size());
  ASSERT_FALSE(rest.empty());
  EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(rest[0]))) << e;
}

// A title with an unterminated quote swallowed the rest of the file, and the loader reported the
// keys after it as missing ("missing required key 'severity'").
TEST(RuleLoader, UnterminatedQuoteIsAYamlErrorAtItsLine) {
  const std::string file = write_rules(
      "- id: quoted\n  title: \"unterminated\n  severity: high\n  match: {process.name: sshd}\n");
  auto r = load_rules_file(file);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(),
            file + ":2:10: YAML syntax error: quoted string not closed before the end of the file");

  auto t = load_rules_text("id: x\ntitle: 'open\nseverity: low\n", "inline.yml");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(
      t.error(),
      "inline.yml:2:8: YAML syntax error: quoted string not closed before the end of the file");
}

TEST(RuleLoader, UnknownKeyPointsAtTheKey) {
  const std::string e = error_of("unknown_key.yml");
  EXPECT_EQ(e.rfind(kData + "/errors/unknown_key.yml:4:3: unknown key 'serverity'", 0), 0u) << e;
}

TEST(RuleLoader, BadSeverityPointsAtTheValue) {
  EXPECT_EQ(error_of("bad_severity.yml"),
            kData +
                "/errors/bad_severity.yml:4:13: bad severity 'urgent' (expected low, medium, "
                "high or critical)");
}

TEST(RuleLoader, BadRegexCarriesHyperscansReason) {
  const std::string e = error_of("bad_regex.yml");
  EXPECT_EQ(lines(e).size(), 1u) << e;  // the good rule in the same file is not an error
  EXPECT_EQ(e.rfind(kData + "/errors/bad_regex.yml:13:22: regex '(a+)\\1' for field 'message' "
                            "rejected by Hyperscan: ",
                    0),
            0u)
      << e;
  EXPECT_NE(e.find("Back-references"), std::string::npos) << e;
}

TEST(RuleLoader, OtherValidationErrors) {
  const std::string d = kData + "/errors/";
  EXPECT_EQ(error_of("bad_mitre.yml"),
            d + "bad_mitre.yml:5:22: bad MITRE ATT&CK id 'TA0006' (expected T#### or T####.###)");
  EXPECT_EQ(error_of("empty_match.yml"),
            d + "empty_match.yml:5:10: match needs at least one field");
  EXPECT_EQ(error_of("low_threshold.yml")
                .rfind(d + "low_threshold.yml:7:22: threshold count must be between 2 and", 0),
            0u);
  EXPECT_EQ(error_of("missing_title.yml"),
            d + "missing_title.yml:2:3: missing required key 'title'");
  EXPECT_EQ(error_of("duplicate_field.yml"),
            d + "duplicate_field.yml:7:5: field 'process.name' listed twice in match");
  EXPECT_EQ(error_of("two_kinds.yml")
                .rfind(d + "two_kinds.yml:6:40: field 'message' has more than one of", 0),
            0u);
}

TEST(RuleLoader, MoreValueErrors) {
  const auto err = [](const std::string& text) {
    auto r = load_rules_file(write_rules(text));
    return r.ok() ? std::string("loaded") : r.error();
  };
  const std::string head = "id: x\ntitle: X\nseverity: low\n";
  EXPECT_NE(err("id: Bad_Id\ntitle: X\nseverity: low\nmatch: {a: b}\n").find("must be 1-128"),
            std::string::npos);
  EXPECT_NE(err(head + "match: {a: {contains: ''}}\n").find("would match everything"),
            std::string::npos);
  EXPECT_NE(err(head + "match: {a: {regex: 'x*'}}\n").find("empty buffer"), std::string::npos);
  EXPECT_NE(err(head + "match: {a: {equal: x}}\n").find("unknown key 'equal'"), std::string::npos);
  EXPECT_NE(err(head + "match: {a: []}\n").find("must not be an empty list"), std::string::npos);
  EXPECT_NE(err(head + "match: {a: }\n").find("needs a value"), std::string::npos);
  EXPECT_NE(err(head + "match: {a: b}\nthreshold: {count: 5}\n").find("needs 'within'"),
            std::string::npos);
  EXPECT_NE(err(head + "match: {a: b}\nsuppress: soon\n").find("must be a duration"),
            std::string::npos);
  EXPECT_NE(err(head + "match: {a: b}\nevidence: -1\n").find("evidence must be between"),
            std::string::npos);
  EXPECT_NE(err(head + "match: {a: b}\ngroup_by: [a, a]\n").find("listed twice"),
            std::string::npos);
  EXPECT_NE(err(head + "match: {a: b}\nseverity: high\n").find("key 'severity' given twice"),
            std::string::npos);
  EXPECT_NE(err("- just a string\n").find("a rule must be a mapping"), std::string::npos);
  EXPECT_NE(err("42\n").find("expected a rule mapping or a list of rules"), std::string::npos);
}

TEST(RuleLoader, ConditionErrorsPointIntoTheCondition) {
  const std::string d = kData + "/errors/";
  EXPECT_EQ(error_of("condition_unknown.yml"),
            d + "condition_unknown.yml:8:30: condition: unknown selection 'scaner_internal'");
  EXPECT_EQ(error_of("not_only.yml")
                .rfind(d + "not_only.yml:9:14: condition 'not filter' holds for an event that "
                           "matches none of its selections",
                       0),
            0u)
      << error_of("not_only.yml");
}

TEST(RuleLoader, SelectionsAndCondition) {
  const std::string file = write_rules(R"(
- id: sel
  title: Selections
  severity: high
  author: Jane Doe
  sigma_id: 0f0e0d0c-0000-4000-8000-000000000001
  references: [https://example.org/a, https://example.org/b]
  selections:
    request:
      http.request.method: [GET, POST]
      url.query: {contains: "cmd=", nocase: true}
    scanner:
      - user_agent.original: {contains: sqlmap}
      - source.ip: {startswith: "10.99."}
    tools: [nikto, nmap]
    present: {http.request.referrer: {exists: true}}
  condition: "request and not (scanner or 1 of t*) and present"
)");
  auto r = load_rules_file(file);
  ASSERT_TRUE(r.ok()) << r.error();
  const Rule& rule = r->front();
  EXPECT_EQ(rule.author, "Jane Doe");
  EXPECT_EQ(rule.sigma_id, "0f0e0d0c-0000-4000-8000-000000000001");
  EXPECT_EQ(rule.references.size(), 2u);
  ASSERT_EQ(rule.selections.size(), 4u);
  EXPECT_EQ(rule.selections[0].alternatives, (std::vector<std::vector<uint32_t>>{{0, 1}}));
  EXPECT_EQ(rule.selections[1].alternatives, (std::vector<std::vector<uint32_t>>{{2}, {3}}));
  ASSERT_EQ(rule.clauses.size(), 6u);
  EXPECT_EQ(rule.clauses[4].field, "event.original");  // keywords
  EXPECT_EQ(rule.clauses[4].kind, MatchKind::kContains);
  EXPECT_EQ(rule.clauses[4].values, (std::vector<std::string>{"nikto", "nmap"}));
  EXPECT_EQ(rule.clauses[5].kind, MatchKind::kExists);
  EXPECT_FALSE(rule.clauses[5].negate);
  EXPECT_EQ(positive_clauses(rule), (std::vector<bool>{true, true, false, false, false, true}));
  EXPECT_EQ(rule.condition_text, "request and not (scanner or 1 of t*) and present");
}

TEST(RuleLoader, KeywordsAtTheTopAndExistsFalse) {
  auto r = load_rules_file(write_rules(R"(
- id: kw
  title: K
  severity: low
  keywords: ["error in libcrypto", "Corrupted MAC"]
- id: kw2
  title: K2
  severity: low
  match: {process.name: sshd, user.name: {exists: false}}
  keywords: {regex: 'crc32 compensation', nocase: true}
)"));
  ASSERT_TRUE(r.ok()) << r.error();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].clauses.size(), 1u);
  EXPECT_EQ((*r)[0].clauses[0].field, "event.original");
  EXPECT_EQ((*r)[0].clauses[0].kind, MatchKind::kContains);
  const Rule& k2 = (*r)[1];
  ASSERT_EQ(k2.clauses.size(), 3u);
  EXPECT_TRUE(k2.clauses[1].negate);
  EXPECT_EQ(k2.clauses[2].kind, MatchKind::kRegex);
  EXPECT_TRUE(k2.clauses[2].nocase);
  EXPECT_EQ(positive_clauses(k2), (std::vector<bool>{true, false, true}));
}

TEST(RuleLoader, DistinctThreshold) {
  auto r = load_rules_file(write_rules(R"(
id: spray
title: Spray
severity: high
match: {process.name: sshd, event.outcome: failure}
threshold: {distinct: user.name, count: 10, within: 5m, group_by: [source.ip]}
)"));
  ASSERT_TRUE(r.ok()) << r.error();
  const Rule& rule = r->front();
  ASSERT_TRUE(rule.threshold);
  EXPECT_EQ(rule.threshold->distinct, "user.name");
  EXPECT_EQ(rule.threshold->count, 10u);
  EXPECT_EQ(rule.threshold->within_seconds, 300);
  EXPECT_EQ(rule.group_by, (std::vector<std::string>{"source.ip"}));
}

TEST(RuleLoader, AfterNamesAnotherRule) {
  auto r = load_rules_file(write_rules(R"(
- id: brute
  title: Brute
  severity: high
  match: {process.name: sshd, event.outcome: failure}
  threshold: {count: 5, within: 1m, group_by: [source.ip]}
- id: login-after-brute
  title: Login after brute force
  severity: critical
  match: {process.name: sshd, event.outcome: success}
  group_by: [source.ip]
  after: {rule: brute, within: 10m}
)"));
  ASSERT_TRUE(r.ok()) << r.error();
  ASSERT_TRUE((*r)[1].after);
  EXPECT_EQ((*r)[1].after->rule, "brute");
  EXPECT_EQ((*r)[1].after->within_seconds, 600);

  // An unknown name is an error at the name; a rule after a broken rule goes with it.
  const std::string file = write_rules(R"(
- id: a
  title: A
  severity: low
  match: {process.name: sshd}
  after: {rule: nobody, within: 1m}
- id: b
  title: B
  severity: low
  match: {process.name: sshd}
  after: {rule: a, within: 1m}
- id: c
  title: C
  severity: low
  match: {process.name: sshd}
  after: {rule: c, within: 1m}
)");
  auto bad = load_rules_file(file);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find(":6:17: after: no rule 'nobody' is loaded"), std::string::npos)
      << bad.error();
  EXPECT_NE(bad.error().find(":11:17: after: no rule 'a' is loaded"), std::string::npos)
      << bad.error();
  EXPECT_NE(bad.error().find(":16:17: a rule cannot come after itself"), std::string::npos)
      << bad.error();
}

TEST(RuleLoader, LanguageErrors) {
  const auto err = [](const std::string& text) {
    auto r = load_rules_file(write_rules(text));
    return r.ok() ? std::string("loaded") : r.error();
  };
  const std::string head = "id: x\ntitle: X\nseverity: low\n";
  const auto has = [](const std::string& e, const std::string& what) {
    return e.find(what) != std::string::npos;
  };
  // The positive-selection rule, in several disguises.
  EXPECT_TRUE(has(err(head + "selections: {a: {f: x}, b: {g: y}}\ncondition: a or not b\n"),
                  "needs at least one positive selection"));
  EXPECT_TRUE(has(err(head + "selections: {a: {f: {exists: false}}}\ncondition: a\n"),
                  "needs at least one positive selection"));
  EXPECT_TRUE(
      has(err(head + "match: {f: {exists: false}}\n"), "needs at least one positive selection"));
  EXPECT_EQ(err(head + "selections: {a: {f: x}, b: {g: y}}\ncondition: not (not a or b)\n"),
            "loaded");  // = a and not b
  // Structure.
  EXPECT_TRUE(has(err(head + "selections: {a: {f: x}, b: {g: y}}\ncondition: a\n"),
                  "selection 'b' is not used in the condition"));
  EXPECT_TRUE(has(err(head + "selections: {a: {f: x}}\n"), "'selections' needs a 'condition'"));
  EXPECT_TRUE(has(err(head + "match: {f: x}\ncondition: a\n"), "'condition' needs 'selections'"));
  EXPECT_TRUE(has(err(head + "match: {f: x}\nselections: {a: {f: x}}\ncondition: a\n"),
                  "'match' cannot be combined with 'selections'"));
  EXPECT_TRUE(
      has(err(head + "selections: {and: {f: x}}\ncondition: x\n"), "invalid selection name 'and'"));
  EXPECT_TRUE(has(err(head + "selections: {a: []}\ncondition: a\n"), "must not be an empty list"));
  EXPECT_TRUE(has(err(head + "selections: {a: {f: x}}\ncondition: a and (a\n"), "missing ')'"));
  EXPECT_TRUE(has(err(head + "match: {f: {exists: true, nocase: true}}\n"),
                  "exists takes no nocase / all"));
  EXPECT_TRUE(has(err(head + "match: {f: {exists: maybe}}\n"), "must be true or false"));
  EXPECT_TRUE(has(err(head + "keywords: ['']\n"), "would match everything"));
  // Thresholds.
  EXPECT_TRUE(has(err(head + "match: {f: x}\nthreshold: {distinct: u, count: 3, within: 1m, "
                             "group_by: [u]}\n"),
                  "both counted distinct and grouped by"));
  EXPECT_TRUE(has(err(head + "match: {f: x}\ngroup_by: [a]\nthreshold: {count: 3, within: 1m, "
                             "group_by: [b]}\n"),
                  "group_by given both"));
  EXPECT_TRUE(has(err(head + "match: {f: x}\nthreshold: {distinct: 'a b', count: 3, within: 1m}\n"),
                  "invalid field name 'a b'"));
  EXPECT_TRUE(has(err(head + "match: {f: x}\nreferences: {a: b}\n"), "references must be"));
}

// Every complete rule shown in rules/README.md loads: the documentation cannot drift from the
// language.
TEST(RuleLoader, ReadmeExamplesLoad) {
  std::ifstream in(std::string(SOC_SOURCE_DIR) + "/rules/README.md");
  ASSERT_TRUE(in);
  std::string line, block;
  bool in_yaml = false;
  int examples = 0;
  while (std::getline(in, line)) {
    if (!in_yaml && line == "```yaml") {
      in_yaml = true;
      block.clear();
    } else if (in_yaml && line == "```") {
      in_yaml = false;
      if (block.rfind("- id:", 0) != 0 && block.rfind("id:", 0) != 0) continue;  // a fragment
      ++examples;
      // A rule `after` another one is loaded beside a minimal rule of that name.
      static const std::regex kAfter(R"(after: \{rule: ([a-z0-9._-]+))");
      if (std::smatch m; std::regex_search(block, m, kAfter)) {
        if (block.rfind("id:", 0) == 0)
          block = "- " + std::regex_replace(block, std::regex("\n(.)"), "\n  $1");
        block += "- {id: " + m[1].str() + ", title: T, severity: low, match: {f: x}}\n";
      }
      auto r = load_rules_file(write_rules(block));
      EXPECT_TRUE(r.ok()) << block << "\n" << (r.ok() ? "" : r.error());
    } else if (in_yaml) {
      block += line + "\n";
    }
  }
  EXPECT_GE(examples, 6);
}

TEST(RuleLoader, DuplicateIdNamesBothPlaces) {
  auto r = load_rules(kData + "/duplicate");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), kData +
                           "/duplicate/b.yml:7:3: duplicate rule id 'same-id' (first defined at " +
                           kData + "/duplicate/a.yml:1:3)");
}

TEST(RuleLoader, DirectoryErrorListsEveryBrokenRuleOnePerLine) {
  auto r = load_rules(kData + "/errors");
  ASSERT_FALSE(r.ok());
  const auto msgs = lines(r.error());
  EXPECT_EQ(msgs.size(), 12u) << r.error();
  for (const auto& m : msgs) {
    EXPECT_EQ(m.rfind(kData + "/errors/", 0), 0u) << m;
    EXPECT_NE(m.find(".yml:"), std::string::npos) << m;
  }
}

TEST(RuleLoader, SkipBrokenKeepsGoodRulesAndReportsTheRest) {
  std::vector<std::string> skipped;
  auto r = load_rules(kData + "/mixed", true, &skipped);
  ASSERT_TRUE(r.ok()) << r.error();
  std::vector<std::string> ids;
  for (const auto& rule : *r) ids.push_back(rule.id);
  // Sorted by path: one.yml, sub/three.yml, two.yaml; notes.txt is not a rule file.
  EXPECT_EQ(ids, (std::vector<std::string>{"mixed-good-one", "mixed-good-two"}));
  ASSERT_EQ(skipped.size(), 2u);
  EXPECT_EQ(skipped[0].rfind(kData + "/mixed/one.yml:9:13: bad severity 'extreme'", 0), 0u)
      << skipped[0];
  EXPECT_EQ(skipped[1].rfind(kData + "/mixed/sub/three.yml:", 0), 0u) << skipped[1];

  // Without skip_broken the same directory is refused, naming both.
  auto strict = load_rules(kData + "/mixed");
  ASSERT_FALSE(strict.ok());
  EXPECT_EQ(lines(strict.error()).size(), 2u) << strict.error();
}

TEST(RuleLoader, MissingDirectoryOrFileIsAnError) {
  EXPECT_FALSE(load_rules(kData + "/no-such-dir").ok());
  auto r = load_rules_file(kData + "/no-such-file.yml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("cannot open"), std::string::npos) << r.error();
}

}  // namespace
}  // namespace soc
