#include "collector/decode/user_decoder.h"

#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "collector/decode/decoder.h"

#ifndef PR_SET_MDWE  // Linux 6.3; older headers lack it
#define PR_SET_MDWE 65
#define PR_MDWE_REFUSE_EXEC_GAIN 1
#endif

namespace soc {
namespace {

using Opt = std::optional<std::string_view>;

std::string data_dir(std::string_view sub) {
  return std::string(SOC_SOURCE_DIR) + "/tests/data/decoders/" + std::string(sub);
}

UserDecoders parse_ok(std::string_view yaml) {
  auto r = UserDecoders::parse(yaml, "t.yml");
  EXPECT_TRUE(r.ok()) << r.error();
  return r.ok() ? std::move(r.value()) : UserDecoders();
}

std::string parse_error(std::string_view yaml) {
  auto r = UserDecoders::parse(yaml, "t.yml");
  EXPECT_FALSE(r.ok()) << yaml;
  return r.ok() ? std::string() : r.error();
}

TEST(DecodeUserDecoder, LoadsADirectoryInPathOrder) {
  auto r = load_user_decoders(data_dir("good"));
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->names(), (std::vector<std::string>{"app-login", "any-token", "sshd-extra"}));
}

TEST(DecodeUserDecoder, CapturesMappingsAndConstants) {
  auto r = load_user_decoders(data_dir("good"));
  ASSERT_TRUE(r.ok()) << r.error();
  Fields f;
  ASSERT_TRUE(r->apply("myapp", "login failed for lan from 203.0.113.9 code=17", f));
  EXPECT_EQ(f.get("user.name"), "lan");
  EXPECT_EQ(f.get("source.ip"), "203.0.113.9");
  EXPECT_EQ(f.get("error.code"), "17");
  EXPECT_EQ(f.get("event.action"), "myapp_login");
  EXPECT_EQ(f.get("event.outcome"), "failure");

  Fields g;  // the optional group did not take part: no field
  ASSERT_TRUE(r->apply("myappd", "login failed for lan from 203.0.113.9", g));
  EXPECT_EQ(g.get("error.code"), Opt());
}

TEST(DecodeUserDecoder, ProgramAndPrefilterGateTheRegex) {
  auto r = load_user_decoders(data_dir("good"));
  ASSERT_TRUE(r.ok()) << r.error();
  Fields f;
  EXPECT_FALSE(r->apply("otherapp", "login failed for lan from 203.0.113.9", f));
  EXPECT_FALSE(r->apply("myapp", "LOGIN FAILED for lan from 203.0.113.9", f));
  EXPECT_FALSE(r->apply("", "login failed for lan from 203.0.113.9", f));
  EXPECT_TRUE(f.all().empty());
  // No program: runs for any program and for lines without a header.
  ASSERT_TRUE(r->apply("", "x TOKEN=AB12 y", f));
  EXPECT_EQ(f.get("app.token"), "AB12");
}

TEST(DecodeUserDecoder, FirstMatchInLoadOrderWins) {
  auto d = parse_ok(R"(
decoders:
  - name: first
    regex: 'id=(?<a>\d+)'
  - name: second
    program: p
    regex: 'id=(?<b>\d+)'
)");
  Fields f;
  ASSERT_TRUE(d.apply("p", "id=5", f));
  EXPECT_EQ(f.get("a"), "5");
  EXPECT_EQ(f.get("b"), Opt());
}

TEST(DecodeUserDecoder, BadRegexNamesFileLineAndOffset) {
  auto r = load_user_decoders(data_dir("bad_regex"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("bad_regex/x.yml:5:12:"), std::string::npos) << r.error();
  EXPECT_NE(r.error().find("decoder 'broken'"), std::string::npos) << r.error();
  EXPECT_NE(r.error().find("offset 22"), std::string::npos) << r.error();
  EXPECT_NE(r.error().find("missing closing parenthesis"), std::string::npos) << r.error();
}

TEST(DecodeUserDecoder, UnterminatedQuoteIsAYamlErrorAtItsLine) {
  EXPECT_EQ(parse_error("decoders:\n  - name: a\n    regex: \"^open\n    program: x\n"),
            "t.yml:3:12: YAML syntax error: quoted string not closed before the end of the file");
}

TEST(DecodeUserDecoder, BadYamlDuplicatesAndForbiddenTargets) {
  auto y = load_user_decoders(data_dir("bad_yaml"));
  ASSERT_FALSE(y.ok());
  EXPECT_NE(y.error().find("bad_yaml/x.yml:4:1: YAML syntax error"), std::string::npos)
      << y.error();
  auto d = load_user_decoders(data_dir("duplicate"));
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().find("duplicate/b.yml:3:9: duplicate decoder name 'same' (first at "),
            std::string::npos)
      << d.error();
  auto p = load_user_decoders(data_dir("protected"));
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().find("field 'agent.id' is set by the collector only"), std::string::npos)
      << p.error();
  auto u = load_user_decoders(data_dir("unknown_capture"));
  ASSERT_FALSE(u.ok());
  EXPECT_NE(u.error().find("unknown_capture/x.yml:4:5:"), std::string::npos) << u.error();
  EXPECT_NE(u.error().find("capture 'user' is not a named group"), std::string::npos) << u.error();
  auto missing = load_user_decoders(data_dir("no_such_dir"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("not a directory"), std::string::npos);
}

TEST(DecodeUserDecoder, SchemaErrors) {
  EXPECT_NE(parse_error("- regex: '(?<a>x)'").find("t.yml:1:3: decoder needs a 'name'"),
            std::string::npos);
  EXPECT_NE(parse_error("- name: a").find("needs a 'regex'"), std::string::npos);
  EXPECT_NE(parse_error("- name: a\n  regex: 'x'").find("sets nothing"), std::string::npos);
  EXPECT_NE(
      parse_error("- name: a\n  regex: '(?<a>x)'\n  colour: red").find("unknown key 'colour'"),
      std::string::npos);
  EXPECT_NE(parse_error("- name: a\n  regex: '(?<a>x)'\n  prefilter: ''").find("must not be empty"),
            std::string::npos);
  EXPECT_NE(parse_error("- name: a\n  regex: '(?<a>x)'\n  fields: {a: 'bad name'}")
                .find("'bad name' is not a field name"),
            std::string::npos);
  EXPECT_NE(parse_error("- name: a\n  regex: '(?<a>x)'\n  set: {event.original: x}")
                .find("set by the collector only"),
            std::string::npos);
  EXPECT_NE(parse_error("- name: a\n  regex: [x]").find("regex must be a string"),
            std::string::npos);
  EXPECT_NE(parse_error("decoders: 5").find("expected a list"), std::string::npos);
  EXPECT_NE(parse_error("other: []").find("unknown key 'other'"), std::string::npos);
  EXPECT_NE(parse_error("{}").find("t.yml:1:1: expected 'decoders:'"), std::string::npos);
  EXPECT_NE(parse_error("- just a string").find("t.yml:1:3: expected a mapping"),
            std::string::npos);
  EXPECT_EQ(parse_ok("").size(), 0u);
  EXPECT_EQ(parse_ok("decoders: []").size(), 0u);
}

TEST(DecodeUserDecoder, CatastrophicBacktrackingGivesUp) {
  auto d = parse_ok("- name: slow\n  regex: '^(a+)+(?<x>b)'\n");
  Fields f;
  const std::string line(5000, 'a');
  EXPECT_FALSE(d.apply("", line, f));  // the match limit stops it; no hang, no match
}

TEST(DecodeUserDecoder, BinaryInputIsFine) {
  auto d = parse_ok("- name: bin\n  regex: 'k=(?<v>[^ ]*)'\n");
  Fields f;
  const std::string line("k=\xff\xfe\x00z end", 10);
  ASSERT_TRUE(d.apply("", line, f));
  EXPECT_EQ(f.get("v"), std::string("\xff\xfe\x00z", 4));
}

TEST(DecodeUserDecoder, ShippedExamplesLoadAndMatch) {
  auto r = load_user_decoders(std::string(SOC_SOURCE_DIR) + "/config/decoders");
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_GE(r->size(), 5u);
  Fields f;
  ASSERT_TRUE(r->apply("postfix/smtpd",
                       "warning: unknown[203.0.113.5]: SASL LOGIN authentication failed: "
                       "UGFzc3dvcmQ6",
                       f));
  EXPECT_EQ(f.get("source.ip"), "203.0.113.5");
  EXPECT_EQ(f.get("event.action"), "smtp_auth_failure");
  Fields g;
  ASSERT_TRUE(r->apply("dovecot",
                       "imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<bob>, "
                       "method=PLAIN, rip=203.0.113.5, lip=10.0.0.2, session=<AbCd>",
                       g));
  EXPECT_EQ(g.get("user.name"), "bob");
  EXPECT_EQ(g.get("source.ip"), "203.0.113.5");
  Fields h;
  ASSERT_TRUE(r->apply("vsftpd", "[ftpuser] FAIL LOGIN: Client \"::ffff:203.0.113.5\"", h));
  EXPECT_EQ(h.get("user.name"), "ftpuser");
  EXPECT_EQ(h.get("source.ip"), "203.0.113.5");
  EXPECT_EQ(h.get("event.outcome"), "failure");
  Fields i;
  ASSERT_TRUE(r->apply("egov-portal",
                       "LOGIN_FAILED user=nguyenvana ip=203.0.113.9 reason=bad_password", i));
  EXPECT_EQ(i.get("event.reason"), "bad_password");
  EXPECT_EQ(i.get("egov.login_result"), "FAILED");
}

TEST(DecodeUserDecoder, RunInTheChainAfterTheBuiltIns) {
  auto r = load_user_decoders(data_dir("good"));
  ASSERT_TRUE(r.ok()) << r.error();
  const Decoder decoder(std::move(r.value()));
  Event e;
  e.env.agent = "a";
  e.env.host = "h";
  e.env.ts = "2026-11-23T10:05:00.000+07:00";
  e.env.msg =
      "Nov 23 10:00:01 web01 sshd[1]: Accepted publickey for hung from 192.0.2.5 port 50000 "
      "ssh2: ED25519 SHA256:abc";
  decoder.decode(e);
  EXPECT_EQ(e.fields.get("event.action"), "ssh_login");  // built-in
  EXPECT_EQ(e.fields.get("ssh.key_type"), "ED25519");    // user decoder on top
  e.env.msg = "Nov 23 10:00:01 web01 myapp[7]: login failed for lan from 203.0.113.9";
  decoder.decode(e);
  EXPECT_EQ(e.fields.get("source.ip"), "203.0.113.9");
  EXPECT_EQ(e.fields.get("process.name"), "myapp");
  e.env.msg = "plain line TOKEN=Z9";
  decoder.decode(e);
  EXPECT_EQ(e.fields.get("app.token"), "Z9");
  const Decoder copy = decoder;  // copies share the compiled decoders
  copy.decode(e);
  EXPECT_EQ(e.fields.get("app.token"), "Z9");
}

// Issue 11, item 5: a backtracking decoder (`(\w+\s?)+$` fails exponentially on a long line
// that does not end in a word) is stopped by the match limit, counted, and disabled after
// `disable_after` such lines; the decoders after it and the built-in fields are unaffected.
const char* kSlowDecoders = R"(
decoders:
  - name: words
    regex: '^(?<app__words>(\w+\s?)+)$'
  - name: tail
    prefilter: "tail="
    regex: 'tail=(?<app__tail>\d+)'
)";

std::string catastrophic_line() {
  std::string line;
  for (int i = 0; i < 8; ++i) line += "aaaaa ";
  return line + "! tail=7";
}

TEST(DecodeUserDecoderLimits, ADecoderStoppedByTheMatchLimitIsDisabled) {
  UserDecoders u = parse_ok(kSlowDecoders);
  UserDecoders::Limits limits;
  limits.match_limit = 1000;                       // deterministic: the count, not the clock
  limits.line_budget = std::chrono::seconds(100);  // never slow by time here
  limits.disable_after = 3;
  u.set_limits(limits);
  Fields f;
  EXPECT_TRUE(u.apply("app", "hello world", f));
  EXPECT_EQ(f.get("app.words"), "hello world");
  for (int i = 0; i < 5; ++i) {
    Fields g;
    EXPECT_TRUE(u.apply("app", catastrophic_line(), g)) << i;  // "tail" still runs
    EXPECT_EQ(g.get("app.tail"), "7");
    EXPECT_FALSE(g.get("app.words"));
  }
  EXPECT_EQ(u.stats().slow, 3u);  // the 4th and 5th lines no longer ran it
  EXPECT_EQ(u.stats().disabled, 1u);
  EXPECT_EQ(u.disabled(), (std::vector<std::string>{"words"}));
  Fields h;
  EXPECT_FALSE(u.apply("app", "hello world", h));  // disabled until reload
  EXPECT_FALSE(h.get("app.words"));
  // A reload (a fresh load) starts clean.
  UserDecoders reloaded = parse_ok(kSlowDecoders);
  EXPECT_TRUE(reloaded.disabled().empty());
  EXPECT_EQ(reloaded.stats().slow, 0u);
}

TEST(DecodeUserDecoderLimits, ARunOverItsTimeBudgetIsSlow) {
  UserDecoders u = parse_ok(kSlowDecoders);
  UserDecoders::Limits limits;
  limits.match_limit = 100'000'000;  // never reached by this line: only the time counts
  limits.line_budget = std::chrono::microseconds(1);  // the line takes 100 us or more
  limits.disable_after = 2;
  u.set_limits(limits);
  const std::string line = "aaaaa aaaaa aaaaa aaaaa !";
  Fields f;
  EXPECT_FALSE(u.apply("app", line, f));
  EXPECT_TRUE(u.disabled().empty());
  EXPECT_FALSE(u.apply("app", line, f));
  EXPECT_EQ(u.stats().slow, 2u);
  EXPECT_EQ(u.disabled(), (std::vector<std::string>{"words"}));
}

TEST(DecodeUserDecoderLimits, SlowRunsCountOnlyWithinTheWindow) {
  UserDecoders u = parse_ok(kSlowDecoders);
  UserDecoders::Limits limits;
  limits.match_limit = 1000;
  limits.disable_after = 2;
  limits.window = std::chrono::seconds(0);  // each slow run starts a new window
  u.set_limits(limits);
  Fields f;
  for (int i = 0; i < 5; ++i) u.apply("app", catastrophic_line(), f);
  EXPECT_EQ(u.stats().slow, 5u);
  EXPECT_EQ(u.stats().disabled, 0u);
}

TEST(DecodeUserDecoderLimits, TheBuiltInFieldsOfItsLinesRemain) {
  UserDecoders u = parse_ok(kSlowDecoders);
  UserDecoders::Limits limits;
  limits.match_limit = 1000;
  limits.disable_after = 1;
  u.set_limits(limits);
  const Decoder decoder(std::move(u));
  Event e;
  e.env.agent = "a";
  e.env.host = "h";
  e.env.ts = "2026-11-23T10:05:00.000+07:00";
  e.env.msg =
      "Nov 23 10:00:01 web01 sshd[1]: Failed password for root from 203.0.113.7 port 52144 "
      "ssh2 aaaaa aaaaa aaaaa aaaaa aaaaa aaaaa aaaaa aaaaa !";
  decoder.decode(e);
  EXPECT_EQ(decoder.user_decoder_stats().disabled, 1u);
  EXPECT_EQ(e.fields.get("event.outcome"), "failure");
  EXPECT_EQ(e.fields.get("source.ip"), "203.0.113.7");
}

// systemd's MemoryDenyWriteExecute=yes (as the shipped unit sets) refuses PCRE2's JIT; the kernel's
// own W^X switch (PR_SET_MDWE, Linux 6.3) does the same for a child process. The decoders must
// say so and still decode, in the interpreter.
bool kernel_has_mdwe() {
  const pid_t pid = fork();
  if (pid == 0) _exit(prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0L, 0L, 0L) == 0 ? 0 : 1);
  int status = 0;
  return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
         WEXITSTATUS(status) == 0;
}

TEST(DecodeUserDecoderLimits, TheJitIsUsedWhereAllowed) {
  EXPECT_TRUE(parse_ok(kSlowDecoders).jit());
}

TEST(DecodeUserDecoderDeathTest, WithoutJitTheInterpreterDecodes) {
  if (!kernel_has_mdwe()) GTEST_SKIP() << "kernel without PR_SET_MDWE";
  // A fresh process: PCRE2 keeps freed JIT pages mapped for reuse, and the kernel only refuses
  // new writable and executable mappings, so the child must not have JIT-compiled before.
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        if (prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0L, 0L, 0L) != 0) _exit(2);
        UserDecoders u = parse_ok(kSlowDecoders);
        Fields f;
        const bool decoded = u.apply("app", "hello world", f) && f.get("app.words");
        _exit(!u.jit() && decoded ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace soc
