// The Hyperscan engine: matcher kinds, lists, nocase, `all`, `not`, missing fields.
#include <gtest/gtest.h>
#include <hs/hs.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "collector/detect/database_cache.h"
#include "collector/detect/engine.h"

namespace soc {
namespace {

namespace fs = std::filesystem;

std::unique_ptr<Engine> engine_from(const std::string& yaml) {
  static int n = 0;
  const fs::path dir = fs::temp_directory_path() / ("soc_engine_test_" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / ("e" + std::to_string(n++) + ".yml");
  std::ofstream(file) << yaml;
  auto rules = load_rules_file(file.string());
  EXPECT_TRUE(rules.ok()) << rules.error();
  if (!rules.ok()) return nullptr;
  auto engine = Engine::build(std::move(rules).value());
  EXPECT_TRUE(engine.ok()) << engine.error();
  return engine.ok() ? std::move(engine).value() : nullptr;
}

// A one-rule engine: `match_yaml` is the body of `match:` (and optionally more keys after it).
std::unique_ptr<Engine> one_rule(const std::string& match_yaml) {
  return engine_from("id: r\ntitle: R\nseverity: low\nmatch:\n" + match_yaml);
}

Event event(std::initializer_list<std::pair<std::string, std::string>> fields) {
  Event e;
  e.env.host = "web01";
  e.env.msg = "raw line";
  for (const auto& [k, v] : fields) e.fields.set(k, v);
  return e;
}

bool fires(const Engine& engine, const Event& e) {
  return !engine.match(e).empty();
}

TEST(EngineMatch, EqualsIsExactAndListsMeanAny) {
  auto en = one_rule("  process.name: [sshd, sshd-session]\n");
  ASSERT_TRUE(en);
  EXPECT_TRUE(fires(*en, event({{"process.name", "sshd"}})));
  EXPECT_TRUE(fires(*en, event({{"process.name", "sshd-session"}})));
  EXPECT_FALSE(fires(*en, event({{"process.name", "sshd2"}})));
  EXPECT_FALSE(fires(*en, event({{"process.name", "xsshd"}})));
  EXPECT_FALSE(fires(*en, event({{"process.name", "SSHD"}})));
  EXPECT_FALSE(fires(*en, event({{"process.name", "sshd\n"}})));  // \z, not $
}

TEST(EngineMatch, EqualsMapFormAndEmptyValue) {
  auto en = one_rule("  user.name: {equals: ''}\n");
  ASSERT_TRUE(en);
  EXPECT_TRUE(fires(*en, event({{"user.name", ""}})));
  EXPECT_FALSE(fires(*en, event({{"user.name", "x"}})));
  EXPECT_FALSE(fires(*en, event({})));  // missing is not empty
}

TEST(EngineMatch, Contains) {
  auto en = one_rule("  message: {contains: 'Failed password'}\n");
  ASSERT_TRUE(en);
  EXPECT_TRUE(fires(*en, event({{"message", "Failed password for root"}})));
  EXPECT_TRUE(fires(*en, event({{"message", "x Failed password"}})));
  EXPECT_FALSE(fires(*en, event({{"message", "failed password"}})));
  EXPECT_FALSE(fires(*en, event({{"message", "Failed  password"}})));
}

TEST(EngineMatch, StartsWithAndEndsWith) {
  auto starts = one_rule("  message: {startswith: Accepted}\n");
  auto ends = one_rule("  message: {endswith: ssh2}\n");
  ASSERT_TRUE(starts && ends);
  EXPECT_TRUE(fires(*starts, event({{"message", "Accepted password"}})));
  EXPECT_FALSE(fires(*starts, event({{"message", " Accepted password"}})));
  EXPECT_TRUE(fires(*ends, event({{"message", "port 22 ssh2"}})));
  EXPECT_FALSE(fires(*ends, event({{"message", "port 22 ssh2 x"}})));
  EXPECT_FALSE(fires(*ends, event({{"message", "port 22 ssh2\n"}})));  // exactly at the end
}

TEST(EngineMatch, RegexUsesHyperscanSyntax) {
  auto en = one_rule(R"(  process.command_line: {regex: '(^|/)(ba|z|k|c|tc|da)?sh( |$)'}
)");
  ASSERT_TRUE(en);
  EXPECT_TRUE(fires(*en, event({{"process.command_line", "/bin/bash"}})));
  EXPECT_TRUE(fires(*en, event({{"process.command_line", "/bin/sh -c id"}})));
  EXPECT_TRUE(fires(*en, event({{"process.command_line", "zsh"}})));
  EXPECT_FALSE(fires(*en, event({{"process.command_line", "/usr/bin/ssh host"}})));
  EXPECT_FALSE(fires(*en, event({{"process.command_line", "/bin/bashful"}})));
}

TEST(EngineMatch, LiteralsAreEscaped) {
  auto en = one_rule("  message: {contains: ['a.c', '(x', '\\d', '^$']}\n");
  ASSERT_TRUE(en);
  EXPECT_FALSE(fires(*en, event({{"message", "abc"}})));
  EXPECT_TRUE(fires(*en, event({{"message", "xa.cx"}})));
  EXPECT_TRUE(fires(*en, event({{"message", "f(x)"}})));
  EXPECT_TRUE(fires(*en, event({{"message", "a\\d"}})));
  EXPECT_FALSE(fires(*en, event({{"message", "7"}})));
  EXPECT_TRUE(fires(*en, event({{"message", "^$"}})));
}

TEST(EngineMatch, NocaseForLiteralsAndRegexes) {
  auto lit = one_rule("  message: {contains: 'not in sudoers', nocase: true}\n");
  auto re = one_rule("  message: {regex: 'root\\s+shell', nocase: true}\n");
  auto strict = one_rule("  message: {contains: 'not in sudoers'}\n");
  ASSERT_TRUE(lit && re && strict);
  EXPECT_TRUE(fires(*lit, event({{"message", "user NOT in sudoers"}})));
  EXPECT_FALSE(fires(*strict, event({{"message", "user NOT in sudoers"}})));
  EXPECT_TRUE(fires(*re, event({{"message", "ROOT   Shell"}})));
}

TEST(EngineMatch, AllRequiresEveryValue) {
  auto en = one_rule("  message: {contains: [session, opened, root], all: true}\n");
  ASSERT_TRUE(en);
  EXPECT_TRUE(fires(*en, event({{"message", "session opened for user root"}})));
  EXPECT_FALSE(fires(*en, event({{"message", "session opened for user alice"}})));
}

TEST(EngineMatch, TwoFieldsFireOnlyWhenBothHit) {
  auto en = one_rule("  process.name: sshd\n  event.outcome: failure\n");
  ASSERT_TRUE(en);
  EXPECT_TRUE(fires(*en, event({{"process.name", "sshd"}, {"event.outcome", "failure"}})));
  EXPECT_FALSE(fires(*en, event({{"process.name", "sshd"}, {"event.outcome", "success"}})));
  EXPECT_FALSE(fires(*en, event({{"process.name", "sudo"}, {"event.outcome", "failure"}})));
  EXPECT_FALSE(fires(*en, event({{"process.name", "sshd"}})));  // missing field: clause false
  EXPECT_FALSE(fires(*en, event({{"event.outcome", "failure"}})));
}

TEST(EngineMatch, NotExcludesAndHoldsOnMissingField) {
  auto en = one_rule(
      "  process.name: sshd\nnot:\n  source.ip: {startswith: ['10.', '192.168.']}\n"
      "  user.name: backup\n");
  ASSERT_TRUE(en);
  EXPECT_TRUE(fires(*en, event({{"process.name", "sshd"}, {"source.ip", "203.0.113.7"}})));
  EXPECT_FALSE(fires(*en, event({{"process.name", "sshd"}, {"source.ip", "10.1.2.3"}})));
  EXPECT_FALSE(fires(*en, event({{"process.name", "sshd"}, {"source.ip", "192.168.1.1"}})));
  EXPECT_FALSE(fires(*en, event({{"process.name", "sshd"}, {"user.name", "backup"}})));
  EXPECT_TRUE(fires(*en, event({{"process.name", "sshd"}})));  // no source.ip: `not` holds
}

TEST(EngineMatch, SameFieldInMatchAndNot) {
  auto en = one_rule("  message: {startswith: Failed}\nnot:\n  message: {contains: publickey}\n");
  ASSERT_TRUE(en);
  EXPECT_TRUE(fires(*en, event({{"message", "Failed password for x"}})));
  EXPECT_FALSE(fires(*en, event({{"message", "Failed publickey for x"}})));
}

TEST(EngineMatch, ReturnsEveryMatchingRuleInOrder) {
  auto en = engine_from(R"(
- id: a
  title: A
  severity: low
  match: {process.name: sshd}
- id: b
  title: B
  severity: low
  match: {process.name: sudo}
- id: c
  title: C
  severity: low
  match: {message: {contains: Failed}}
- id: d
  title: D
  severity: low
  match: {process.name: [sshd, sudo], message: {regex: 'Fail(ed|ure)'}}
)");
  ASSERT_TRUE(en);
  ASSERT_EQ(en->rules().size(), 4u);
  EXPECT_EQ(en->match(event({{"process.name", "sshd"}, {"message", "Failed"}})),
            (std::vector<size_t>{0, 2, 3}));
  EXPECT_EQ(en->match(event({{"process.name", "sudo"}})), (std::vector<size_t>{1}));
  EXPECT_TRUE(en->match(event({{"process.name", "cron"}})).empty());
  // Counters reset between events: a partial hit does not leak into the next one.
  EXPECT_EQ(en->match(event({{"message", "Failure"}})), (std::vector<size_t>{}));
  EXPECT_EQ(en->match(event({{"process.name", "sudo"}, {"message", "Failure"}})),
            (std::vector<size_t>{1, 3}));
}

TEST(EngineMatch, EnvelopeBackedFields) {
  auto en = one_rule("  event.original: {contains: 'raw'}\n  host.name: web01\n");
  ASSERT_TRUE(en);
  EXPECT_TRUE(fires(*en, event({})));                        // both come from the envelope
  EXPECT_FALSE(fires(*en, event({{"host.name", "db01"}})));  // a decoded field wins
}

TEST(EngineMatch, BinaryValues) {
  auto en = one_rule("  message: {contains: \"a\\0b\"}\n");
  ASSERT_TRUE(en);
  EXPECT_TRUE(fires(*en, event({{"message", std::string("xa\0bx", 5)}})));
  EXPECT_FALSE(fires(*en, event({{"message", std::string("xa\0cx", 5)}})));
  EXPECT_FALSE(fires(*en, event({{"message", "\xff\xfe invalid utf-8"}})));
}

TEST(EngineMatch, ScratchPerThread) {
  auto en = one_rule("  message: {regex: 'Failed (password|publickey)'}\n");
  ASSERT_TRUE(en);
  std::vector<int> hits(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Engine::Scratch scratch = en->make_scratch();
      for (int i = 0; i < 1000; ++i) {
        const Event e = event({{"message", i % 2 ? "Failed password" : "Accepted password"}});
        hits[t] += static_cast<int>(en->match(e, scratch).size());
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int h : hits) EXPECT_EQ(h, 500);
}

TEST(EngineMatch, BuildRefusesRuleWithoutPositiveClause) {
  Rule r;
  r.id = "hand-made";
  r.file = "x.yml";
  r.line = 3;
  r.column = 3;
  auto en = Engine::build({r});
  ASSERT_FALSE(en.ok());
  EXPECT_EQ(en.error(), "x.yml:3:3: rule 'hand-made' has no positive match clause");
}

TEST(EngineMatch, BuildReportsRegexErrorsWithLocation) {
  Rule r;
  r.id = "hand-made";
  FieldMatcher m;
  m.field = "message";
  m.kind = MatchKind::kRegex;
  m.values = {"(?<=x)y"};
  m.where = "x.yml:9:14";
  r.clauses.push_back(m);
  r.selections.push_back({"match", {{0}}});
  r.condition.push_back({CondNode::Op::kClause, 0, {}});
  auto en = Engine::build({r});
  ASSERT_FALSE(en.ok());
  EXPECT_EQ(en.error().rfind("x.yml:9:14: rule 'hand-made': pattern '(?<=x)y'", 0), 0u)
      << en.error();
}

// The loader parses patterns instead of compiling them (the engine compiles each once): it must
// refuse exactly what a compile refuses, with Hyperscan's reason.
TEST(EngineMatch, PatternCheckAgreesWithACompile) {
  const std::vector<std::string> regexes = {
      "(a+)\\1", "a*",         "(?<=a)b",  "x{0,}", "^",           "abc(",  "[z-a]",
      "(?i)foo", "a{0,3}",     "\\Aab\\z", "$",     "(a|)",        "\\d+",  "(?s).*x",
      "a|b*",    "\\bword\\b", "(?m)^x$",  "",      "[[:alpha:]]", "\\p{L}"};
  for (const auto& re : regexes) {
    Rule r;
    r.id = "r";
    FieldMatcher m;
    m.field = "message";
    m.kind = MatchKind::kRegex;
    m.values = {re};
    m.where = "x.yml:1:1";
    r.clauses.push_back(m);
    const Status checked = check_rule_patterns(r);
    hs_database_t* db = nullptr;
    hs_compile_error_t* err = nullptr;
    const bool compiles = hs_compile(hs_expression(m, 0).c_str(), hs_flags(m), HS_MODE_BLOCK,
                                     nullptr, &db, &err) == HS_SUCCESS;
    EXPECT_EQ(checked.ok(), compiles) << re << ": " << (checked.ok() ? "" : checked.error());
    if (!compiles && !checked.ok()) {
      EXPECT_NE(checked.error().find(err->message), std::string::npos) << re;
    }
    hs_free_database(db);
    hs_free_compile_error(err);
  }
}

// A one-rule engine in the selections form.
std::unique_ptr<Engine> cond_rule(const std::string& selections, const std::string& condition) {
  return engine_from("id: r\ntitle: R\nseverity: low\nselections:\n" + selections +
                     "condition: " + condition + "\n");
}

TEST(EngineCondition, AndOrNotNesting) {
  auto en = cond_rule(
      "  a: {process.name: sshd}\n  b: {user.name: root}\n  c: {source.ip: {startswith: '10.'}}\n",
      "a and not (b or c)");
  ASSERT_TRUE(en);
  EXPECT_TRUE(fires(*en, event({{"process.name", "sshd"}, {"user.name", "alice"}})));
  EXPECT_FALSE(fires(*en, event({{"process.name", "sshd"}, {"user.name", "root"}})));
  EXPECT_FALSE(fires(*en, event({{"process.name", "sshd"}, {"source.ip", "10.0.0.1"}})));
  EXPECT_FALSE(fires(*en, event({{"user.name", "alice"}})));
  auto any = cond_rule("  a: {process.name: sshd}\n  b: {user.name: root}\n", "a or b");
  ASSERT_TRUE(any);
  EXPECT_TRUE(fires(*any, event({{"user.name", "root"}})));
  EXPECT_TRUE(fires(*any, event({{"process.name", "sshd"}})));
  EXPECT_FALSE(fires(*any, event({{"process.name", "sudo"}})));
  // Double negation is positive: not (not a or b) == a and not b.
  auto dbl = cond_rule("  a: {process.name: sshd}\n  b: {user.name: root}\n", "not (not a or b)");
  ASSERT_TRUE(dbl);
  EXPECT_TRUE(fires(*dbl, event({{"process.name", "sshd"}})));
  EXPECT_FALSE(fires(*dbl, event({{"process.name", "sshd"}, {"user.name", "root"}})));
}

TEST(EngineCondition, ListOfMapsIsAnyAndMapIsAll) {
  auto en = cond_rule(
      "  s:\n    - {process.name: sshd, user.name: root}\n    - {process.name: sudo}\n", "s");
  ASSERT_TRUE(en);
  EXPECT_TRUE(fires(*en, event({{"process.name", "sshd"}, {"user.name", "root"}})));
  EXPECT_TRUE(fires(*en, event({{"process.name", "sudo"}})));
  // Clauses of different alternatives never combine: sshd from one, nothing else.
  EXPECT_FALSE(fires(*en, event({{"process.name", "sshd"}, {"user.name", "alice"}})));
}

TEST(EngineCondition, QuantifiersOverSelections) {
  auto all = cond_rule("  sel_a: {f: x}\n  sel_b: {g: y}\n  other: {h: z}\n",
                       "all of sel_* and not other");
  ASSERT_TRUE(all);
  EXPECT_TRUE(fires(*all, event({{"f", "x"}, {"g", "y"}})));
  EXPECT_FALSE(fires(*all, event({{"f", "x"}})));
  EXPECT_FALSE(fires(*all, event({{"f", "x"}, {"g", "y"}, {"h", "z"}})));
}

TEST(EngineCondition, KeywordsSearchTheRawLine) {
  auto en = cond_rule("  kw: ['error in libcrypto', 'Corrupted MAC']\n", "kw");
  ASSERT_TRUE(en);
  Event e = event({});
  e.env.msg = "Nov 23 12:00:00 web01 sshd[1]: error in libcrypto";
  EXPECT_TRUE(fires(*en, e));
  e.env.msg = "Nov 23 12:00:00 web01 sshd[1]: Error In Libcrypto";
  EXPECT_FALSE(fires(*en, e));  // contains is case-sensitive unless nocase
  auto top = engine_from(
      "id: r\ntitle: R\nseverity: low\nmatch: {process.name: sshd}\nkeywords: {contains: "
      "libcrypto, nocase: true}\n");
  ASSERT_TRUE(top);
  e.fields.set("process.name", "sshd");
  EXPECT_TRUE(fires(*top, e));
  e.fields.set("process.name", "cron");
  EXPECT_FALSE(fires(*top, e));
}

TEST(EngineCondition, ExistsTrueAndFalse) {
  auto en = cond_rule(
      "  s: {url.query: {contains: 'cmd='}, http.request.referrer: {exists: false}, "
      "user_agent.original: {exists: true}}\n",
      "s");
  ASSERT_TRUE(en);
  EXPECT_TRUE(fires(*en, event({{"url.query", "cmd=id"}, {"user_agent.original", ""}})));
  EXPECT_FALSE(fires(*en, event({{"url.query", "cmd=id"}})));  // no user agent
  EXPECT_FALSE(fires(*en, event({{"url.query", "cmd=id"},
                                 {"user_agent.original", "x"},
                                 {"http.request.referrer", "-"}})));
  // exists: true alone is positive: the rule is evaluated whenever the field is present.
  auto present = cond_rule("  s: {source.ip: {exists: true}}\n", "s");
  ASSERT_TRUE(present);
  EXPECT_TRUE(fires(*present, event({{"source.ip", "1.2.3.4"}})));
  EXPECT_FALSE(fires(*present, event({{"user.name", "x"}})));
}

TEST(EngineCondition, NegativeHitsAloneDoNotMakeARuleFire) {
  // `not b` with b hitting and a not hitting: the rule is false, and stays false for the next
  // event too (no state leaks from the negative clause's counter).
  auto en = cond_rule("  a: {f: x}\n  b: {g: y}\n", "a and not b");
  ASSERT_TRUE(en);
  EXPECT_FALSE(fires(*en, event({{"g", "y"}})));
  EXPECT_TRUE(fires(*en, event({{"f", "x"}})));
  EXPECT_FALSE(fires(*en, event({{"f", "x"}, {"g", "y"}})));
  EXPECT_TRUE(fires(*en, event({{"f", "x"}})));
}

TEST(EngineCondition, ExplainNamesTheClausesAndValuesThatHit) {
  auto en = cond_rule(
      "  a: {process.name: [sshd, sudo]}\n  b: {message: {contains: [x, y, z], all: true}}\n"
      "  c: {user.name: root}\n",
      "a and b and not c");
  ASSERT_TRUE(en);
  const auto ex = en->explain(event({{"process.name", "sudo"}, {"message", "z y x"}}));
  ASSERT_EQ(ex.size(), 1u);
  EXPECT_EQ(ex[0].rule, 0u);
  ASSERT_EQ(ex[0].hits.size(), 2u);
  EXPECT_EQ(ex[0].hits[0].clause, 0u);
  EXPECT_EQ(ex[0].hits[0].values, (std::vector<uint32_t>{1}));  // "sudo"
  EXPECT_EQ(ex[0].hits[1].clause, 1u);
  EXPECT_EQ(ex[0].hits[1].values, (std::vector<uint32_t>{0, 1, 2}));
  EXPECT_TRUE(
      en->explain(event({{"process.name", "sudo"}, {"message", "z y x"}, {"user.name", "root"}}))
          .empty());
  // explain() and match() agree.
  EXPECT_EQ(en->match(event({{"process.name", "sudo"}, {"message", "z y x"}})),
            (std::vector<size_t>{0}));
}

TEST(EngineCondition, BuildRefusesHandMadeNegativeOnlyRule) {
  Rule r;
  r.id = "neg";
  r.file = "n.yml";
  r.line = 1;
  r.column = 1;
  FieldMatcher m;
  m.field = "f";
  m.values = {"x"};
  r.clauses.push_back(m);
  r.condition.push_back({CondNode::Op::kClause, 0, {}});
  r.condition.push_back({CondNode::Op::kNot, 0, {0}});
  r.condition_root = 1;
  auto en = Engine::build({r});
  ASSERT_FALSE(en.ok());
  EXPECT_EQ(en.error(), "n.yml:1:1: rule 'neg' has no positive match clause");
}

TEST(EngineMatch, RulesSharingAPatternAllHearItsHit) {
  // The pattern is compiled once; its hit must reach every clause that uses it, including one
  // that needs all of its values.
  auto en = engine_from(
      "- {id: a, title: A, severity: low, match: {message: {contains: [wget]}}}\n"
      "- {id: b, title: B, severity: low, match: {message: {contains: [curl, wget]}}}\n"
      "- {id: c, title: C, severity: low, match: {message: {contains: [wget, /tmp/], all: "
      "true}}}\n");
  ASSERT_TRUE(en);
  EXPECT_EQ(en->match(event({{"message", "wget -q http://x/a"}})), (std::vector<size_t>{0, 1}));
  EXPECT_EQ(en->match(event({{"message", "wget -O /tmp/a"}})), (std::vector<size_t>{0, 1, 2}));
  EXPECT_EQ(en->match(event({{"message", "curl -o /tmp/a"}})), (std::vector<size_t>{1}));
}

TEST(EngineMatch, EmptyRuleSet) {
  auto en = Engine::build({});
  ASSERT_TRUE(en.ok()) << en.error();
  EXPECT_TRUE((*en)->match(event({{"message", "x"}})).empty());
}

// The engine resolves `equals` by hash, scans a field's gated patterns only when a rule's
// required equals/exists clause hit, and lets gates alone not make a rule a candidate. None of
// that may change an answer: random rules over literal matchers, checked against a plain
// evaluation of each clause, over random events.
namespace naive {

bool value_hits(const FieldMatcher& m, std::string v, std::string x) {
  if (m.nocase) {
    for (auto* s : {&v, &x}) {
      for (char& c : *s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  switch (m.kind) {
    case MatchKind::kEquals:
      return v == x;
    case MatchKind::kContains:
      return v.find(x) != std::string::npos;
    case MatchKind::kStartsWith:
      return v.rfind(x, 0) == 0;
    case MatchKind::kEndsWith:
      return v.size() >= x.size() && v.compare(v.size() - x.size(), x.size(), x) == 0;
    default:
      return false;
  }
}

bool clause_hits(const FieldMatcher& m, const Event& e) {
  const auto v = event_field(e, m.field);
  if (m.kind == MatchKind::kExists) return v.has_value();  // eval_condition applies `negate`
  if (!v) return false;
  size_t n = 0;
  for (const auto& x : m.values) n += value_hits(m, std::string(*v), x);
  return m.all ? n == m.values.size() : n > 0;
}

}  // namespace naive

// Random rules over literal matchers on a few fields, and random events over the same words.
class RandomPack {
 public:
  std::vector<Rule> rules() {
    std::string yaml;
    for (int r = 0; r < 120; ++r) {
      yaml += "- id: r" + std::to_string(r) + "\n  title: R\n  severity: low\n  selections:\n";
      const int nsel = 1 + static_cast<int>(rng_() % 3);
      for (int k = 0; k < nsel; ++k) {
        yaml += "    s" + std::to_string(k) + ":\n";
        std::vector<std::string> used;
        const int nclauses = 1 + static_cast<int>(rng_() % 2);
        for (int c = 0; c < nclauses; ++c) {
          std::string f = pick(fields_);
          if (std::find(used.begin(), used.end(), f) != used.end()) continue;
          used.push_back(f);
          const std::string kind = rng_() % 2 ? "" : pick(kinds_);
          const std::string w1 = pick(words_), w2 = pick(words_);
          if (rng_() % 5 == 0) {
            yaml += "      " + f + ": {exists: " + (rng_() % 2 ? "true" : "false") + "}\n";
          } else if (kind.empty()) {
            yaml += "      " + f + ": {equals: [\"" + w1 + "\", \"" + w2 + "\"]" +
                    (rng_() % 2 ? ", nocase: true" : "") + "}\n";
          } else if (rng_() % 3 == 0) {
            // Two values, any or all of them: an `all` trigger scans one value per event and
            // settles the rest only for candidates.
            yaml += "      " + f + ": {" + kind + ": [\"" + (w1.empty() ? "x" : w1) + "\", \"" +
                    (w2.empty() ? "s" : w2) + "\"]" + (rng_() % 2 ? ", all: true" : "") +
                    (rng_() % 2 ? ", nocase: true" : "") + "}\n";
          } else {
            yaml += "      " + f + ": {" + kind + ": [\"" + (w1.empty() ? "x" : w1) + "\"]" +
                    (rng_() % 2 ? ", nocase: true" : "") + "}\n";
          }
        }
        if (used.empty()) yaml += "      process.name: sshd\n";
      }
      // s0 is positive; the others join with and / or / and not, flat or nested.
      std::string cond = "s0";
      if (nsel == 3 && rng_() % 2 == 0) {
        static const char* const kNested[] = {"s0 and not (s1 or s2)", "(s0 or s1) and s2",
                                              "s0 and (s1 or not s2)", "(s0 and not s1) or s2",
                                              "not (s1 and s2) and s0"};
        cond = kNested[rng_() % std::size(kNested)];
      } else {
        for (int k = 1; k < nsel; ++k) {
          const int op = static_cast<int>(rng_() % 3);
          cond += op == 0 ? " and s" : op == 1 ? " or s" : " and not s";
          cond += std::to_string(k);
        }
      }
      yaml += "  condition: " + cond + "\n";
    }
    // Some generated rules are refused (a condition that can hold with no positive hit): drop
    // them by loading rule by rule.
    auto all = load_rules_text(yaml, "random.yml");
    if (all.ok()) return std::move(all).value();
    std::vector<Rule> rules;
    for (int r = 0; r < 120; ++r) {
      const std::string head = "- id: r" + std::to_string(r) + "\n";
      const size_t at = yaml.find(head);
      const size_t next = yaml.find("- id: r", at + 1);
      auto one = load_rules_text(yaml.substr(at, next == std::string::npos ? next : next - at),
                                 "random.yml");
      if (one.ok()) rules.push_back(std::move(one.value().front()));
    }
    return rules;
  }

  Event event() {
    Event e;
    e.env.msg = pick(words_) + " " + pick(words_);
    for (const auto& f : fields_) {
      if (f == "event.original") continue;  // from the envelope
      if (rng_() % 3 == 0) continue;
      e.fields.set(f, pick(words_) + (rng_() % 2 ? "" : " " + pick(words_)));
    }
    return e;
  }

 private:
  std::string pick(const std::vector<std::string>& v) { return v[rng_() % v.size()]; }

  std::mt19937 rng_{7};
  const std::vector<std::string> fields_ = {"process.name",   "event.action", "message",
                                            "event.original", "url.query",    "user.name"};
  const std::vector<std::string> words_ = {"sshd", "SSHD", "cron", "login", "fail", "a", ""};
  const std::vector<std::string> kinds_ = {"", "contains", "startswith", "endswith"};
};

TEST(EngineEquivalence, HashedEqualsAndGatesChangeNoAnswer) {
  RandomPack pack;
  std::vector<Rule> rules = pack.rules();
  ASSERT_GE(rules.size(), 60u);
  const std::vector<Rule> reference = rules;
  auto engine = Engine::build(std::move(rules));
  ASSERT_TRUE(engine.ok()) << engine.error();
  size_t fired = 0;
  for (int i = 0; i < 5000; ++i) {
    const Event e = pack.event();
    std::vector<size_t> expected;
    for (size_t r = 0; r < reference.size(); ++r) {
      const Rule& rule = reference[r];
      if (eval_condition(rule,
                         [&](uint32_t c) { return naive::clause_hits(rule.clauses[c], e); })) {
        expected.push_back(r);
      }
    }
    EXPECT_EQ((*engine)->match(e), expected) << "event " << i << ": " << e.env.msg;
    fired += !expected.empty();
  }
  EXPECT_GT(fired, 300u);  // the comparison saw many matches, not only silence
}

// An engine whose databases come from the cache answers as the one that compiled them, and
// explains the same hits.
TEST(EngineEquivalence, CachedDatabasesChangeNoAnswer) {
  const fs::path dir = fs::temp_directory_path() / ("soc_engine_cache_" + std::to_string(getpid()));
  fs::remove_all(dir);
  std::shared_ptr<DatabaseCache> cache = DatabaseCache::open(dir.string()).value();
  RandomPack pack;
  const std::vector<Rule> rules = pack.rules();
  auto compiled = Engine::build(rules, cache);
  ASSERT_TRUE(compiled.ok()) << compiled.error();
  // Clauses with the same values share a database: the first compiles it, the others load it.
  EXPECT_GT((*compiled)->build_stats().compiled, 0u);
  const size_t databases = (*compiled)->build_stats().compiled + (*compiled)->build_stats().loaded;
  auto cached = Engine::build(rules, cache);
  ASSERT_TRUE(cached.ok()) << cached.error();
  EXPECT_EQ((*cached)->build_stats().compiled, 0u);
  EXPECT_EQ((*cached)->build_stats().loaded, databases);
  EXPECT_EQ(cache->stats().rejected, 0u);
  size_t fired = 0;
  for (int i = 0; i < 3000; ++i) {
    const Event e = pack.event();
    const auto want = (*compiled)->match(e);
    ASSERT_EQ((*cached)->match(e), want) << "event " << i << ": " << e.env.msg;
    fired += !want.empty();
    if (i % 10 != 0) continue;
    const auto x = (*compiled)->explain(e), y = (*cached)->explain(e);
    ASSERT_EQ(x.size(), y.size());
    for (size_t k = 0; k < x.size(); ++k) {
      ASSERT_EQ(x[k].rule, y[k].rule);
      ASSERT_EQ(x[k].hits.size(), y[k].hits.size());
      for (size_t h = 0; h < x[k].hits.size(); ++h) {
        EXPECT_EQ(x[k].hits[h].clause, y[k].hits[h].clause);
        EXPECT_EQ(x[k].hits[h].values, y[k].hits[h].values);
      }
    }
  }
  EXPECT_GT(fired, 200u);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace soc
