// The Sigma converter (collector/detect/sigma.*): every supported feature on small fixtures of our
// own (tests/data/sigma/convert), each refusal with its reason (tests/data/sigma/refuse), and the
// converted rules' behaviour in the real engine.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "collector/detect/engine.h"
#include "collector/detect/sigma.h"

namespace soc {
namespace {

const std::string kData = std::string(SOC_SOURCE_DIR) + "/tests/data/sigma";

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

SigmaOutcome convert_file(const std::string& rel) {
  const std::string path = kData + "/" + rel;
  return convert_sigma(read(path), sigma_rule_id(path), path);
}

// Converts a fixture that must convert, and builds an engine over it.
struct Converted {
  SigmaConverted rule;
  std::unique_ptr<Engine> engine;
};
Converted must_convert(const std::string& rel) {
  SigmaOutcome o = convert_file(rel);
  EXPECT_TRUE(o.converted) << rel << ": " << o.refusal.kind << ": " << o.refusal.reason;
  if (!o.converted) return {};
  auto en = Engine::build({o.converted->rule});
  EXPECT_TRUE(en.ok()) << (en.ok() ? "" : en.error());
  if (!en.ok()) return {};
  return {std::move(*o.converted), std::move(en).value()};
}

Event event(std::initializer_list<std::pair<std::string, std::string>> fields,
            const std::string& raw = "raw line") {
  Event e;
  e.env.host = "web01";
  e.env.msg = raw;
  for (const auto& [k, v] : fields) e.fields.set(k, v);
  return e;
}

bool fires(const Converted& c, const Event& e) {
  return c.engine && !c.engine->match(e).empty();
}

bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

TEST(SigmaConvert, MetadataAndAttribution) {
  const Converted c = must_convert("convert/proc_base64_decode.yml");
  ASSERT_TRUE(c.engine);
  const Rule& r = c.rule.rule;
  EXPECT_EQ(r.id, "sigma-proc_base64_decode");
  EXPECT_EQ(r.title, "Base64 decoding on the command line");
  EXPECT_EQ(r.severity, Severity::kLow);  // informational
  EXPECT_EQ(r.mitre, (std::vector<std::string>{"T1027", "T1140"}));
  EXPECT_EQ(r.author, "Test Author, Second Author");
  EXPECT_EQ(r.sigma_id, "11111111-0000-4000-8000-000000000001");
  EXPECT_EQ(r.references, (std::vector<std::string>{"https://example.org/base64"}));
  EXPECT_TRUE(contains(r.description, "False positives: Admin scripts")) << r.description;
  // The file names its source and the licence's attribution duty.
  EXPECT_TRUE(contains(c.rule.yaml, "# Sigma rule by Test Author, Second Author.")) << c.rule.yaml;
  EXPECT_TRUE(contains(c.rule.yaml, "Detection Rule License 1.1"));
  // Case-insensitive as Sigma is; fields mapped to the auditd / ECS names.
  EXPECT_TRUE(fires(c, event({{"process.executable", "/usr/bin/BASE64"},
                              {"process.command_line", "base64 -d /tmp/x"}})));
  EXPECT_FALSE(fires(c, event({{"process.executable", "/usr/bin/base64"},
                               {"process.command_line", "base64 /tmp/x"}})));
  EXPECT_FALSE(fires(c, event({{"process.command_line", "base64 -d /tmp/x"}})));
}

TEST(SigmaConvert, WildcardsBecomeEscapedRegexes) {
  const Converted c = must_convert("convert/web_wildcards.yml");
  ASSERT_TRUE(c.engine);
  EXPECT_TRUE(contains(c.rule.yaml, "'union.*select'")) << c.rule.yaml;
  EXPECT_TRUE(contains(c.rule.yaml, "'^id=.\\*\\z'")) << c.rule.yaml;  // ? is one char, \* a star
  EXPECT_EQ(c.rule.rule.severity, Severity::kHigh);
  const auto req = [](const std::string& q, const std::string& ip) {
    return event({{"url.query", q},
                  {"event.dataset", "webserver.access"},
                  {"http.response.status_code", "200"},
                  {"http.request.method", "get"},
                  {"source.ip", ip}});
  };
  EXPECT_TRUE(fires(c, req("id=1 UNION ALL SELECT 1", "203.0.113.9")));
  EXPECT_TRUE(fires(c, req("id=7*", "203.0.113.9")));
  EXPECT_FALSE(fires(c, req("id=7x", "203.0.113.9")));              // the star is literal
  EXPECT_FALSE(fires(c, req("id=77*", "203.0.113.9")));             // ? is exactly one character
  EXPECT_FALSE(fires(c, req("id=1 union select 1", "10.1.2.3")));   // filtered
  EXPECT_FALSE(fires(c, req("select then union", "203.0.113.9")));  // order matters
}

TEST(SigmaConvert, ServiceKeywordsAreScopedToTheProgram) {
  const Converted c = must_convert("convert/keywords_sshd.yml");
  ASSERT_TRUE(c.engine);
  EXPECT_EQ(c.rule.rule.condition_text, "_logsource and keywords");
  const std::string line = "Nov 23 12:00:00 web01 sshd[1]: Corrupted MAC on input.";
  EXPECT_TRUE(fires(c, event({{"process.name", "sshd-session"}}, line)));
  EXPECT_FALSE(fires(c, event({{"process.name", "myapp"}}, line)));
  EXPECT_TRUE(fires(c, event({{"process.name", "sshd"}}, "x ERROR IN LIBCRYPTO y")));
}

TEST(SigmaConvert, ConditionsQuantifiersAndFieldsUsedTwice) {
  const Converted c = must_convert("convert/condition_complex.yml");
  ASSERT_TRUE(c.engine);
  EXPECT_EQ(c.rule.rule.severity, Severity::kCritical);
  // selection_curl names CommandLine twice: two selections joined with and.
  EXPECT_EQ(c.rule.rule.condition_text,
            "((selection_curl__1 and selection_curl__2) or selection_wget) and not "
            "(filter_main_user or filter_optional_dir)");
  const auto proc = [](const std::string& exe, const std::string& cmd, const std::string& user,
                       const std::string& cwd) {
    return event({{"process.executable", exe},
                  {"process.command_line", cmd},
                  {"user.name", user},
                  {"process.working_directory", cwd}});
  };
  EXPECT_TRUE(fires(c, proc("/usr/bin/curl", "curl -o /tmp/a.sh http://x/a.sh", "bob", "/tmp")));
  EXPECT_FALSE(
      fires(c, proc("/usr/bin/curl", "curl -o /tmp/a.txt http://x/a.sh x", "bob", "/tmp")));
  EXPECT_TRUE(fires(c, proc("/usr/bin/wget", "wget http://x", "bob", "/tmp")));
  EXPECT_TRUE(fires(c, proc("/bin/busybox", "busybox wget http://x", "bob", "/tmp")));
  EXPECT_FALSE(fires(c, proc("/usr/bin/wget", "wget http://x", "backup", "/tmp")));
  EXPECT_FALSE(fires(c, proc("/usr/bin/wget", "wget http://x", "bob", "/opt/updater/bin")));
}

TEST(SigmaConvert, ProxyRulesRunOnProxyLogsOnly) {
  // A proxy's user agent is an inside client's: on a web server's access log (internet visitors)
  // the same list means nothing, so the rule stays on proxy logs (issue 12).
  const Converted ua = must_convert("convert/proxy_ua.yml");
  ASSERT_TRUE(ua.engine);
  EXPECT_TRUE(ua.rule.mapped_across.empty());
  const auto access = [](const std::string& dataset) {
    return event({{"user_agent.original", "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1)"},
                  {"url.path", "/+CSCOE+/saml/sp/acs"},
                  {"http.request.method", "POST"},
                  {"http.response.status_code", "200"},
                  {"event.dataset", dataset}});
  };
  EXPECT_TRUE(fires(ua, access("proxy.access")));
  EXPECT_FALSE(fires(ua, access("webserver.access")));
  // An exploit's request means the same attack at the proxy and at the web server it targets:
  // the importer maps such rules across and says so.
  const Converted exploit = must_convert("convert/proxy_exploit.yml");
  ASSERT_TRUE(exploit.engine);
  EXPECT_TRUE(contains(exploit.rule.mapped_across, "proxy+webserver"))
      << exploit.rule.mapped_across;
  EXPECT_TRUE(fires(exploit, access("proxy.access")));
  EXPECT_TRUE(fires(exploit, access("webserver.access")));
  EXPECT_FALSE(fires(exploit, access("webserver.error")));
}

TEST(SigmaConvert, Encodings) {
  const Converted c = must_convert("convert/encodings.yml");
  ASSERT_TRUE(c.engine);
  for (const char* v : {"aHR0cDovL", "h0dHA6Ly", "odHRwOi8v", "L2Jpbi9zaA=="}) {
    EXPECT_TRUE(contains(c.rule.yaml, v)) << v << "\n" << c.rule.yaml;
  }
  // "curl http://evil" base64-encoded at three different offsets in the command line.
  for (const char* b64 :
       {"Y3VybCBodHRwOi8vZXZpbA==", "IGN1cmwgaHR0cDovL2V2aWw=", "ICBjdXJsIGh0dHA6Ly9ldmls"}) {
    EXPECT_TRUE(fires(c, event({{"process.command_line", std::string("echo ") + b64}}))) << b64;
  }
  EXPECT_TRUE(fires(c, event({{"process.command_line", "find / /exec rm"}})));  // windash
  EXPECT_TRUE(fires(c, event({{"process.command_line",
                               "find / \xe2\x80\x93"
                               "exec rm"}})));
  EXPECT_FALSE(fires(c, event({{"process.command_line", "find / exec rm"}})));
}

TEST(SigmaConvert, RegexCidrNullExists) {
  const Converted c = must_convert("convert/re_cidr_null_exists.yml");
  ASSERT_TRUE(c.engine);
  const auto web = [](const std::string& ua, const std::string& ip, bool referrer, bool user) {
    // The web decoder names the log source of every access-log line (event.dataset).
    Event e = event({{"user_agent.original", ua},
                     {"source.ip", ip},
                     {"event.dataset", "webserver.access"},
                     {"http.response.status_code", "200"}});
    if (referrer) e.fields.set("http.request.referrer", "https://example.org/");
    if (user) e.fields.set("user.name", "alice");
    return e;
  };
  // A line from another log is not a web server event, whatever it holds.
  EXPECT_FALSE(fires(
      c, event({{"user_agent.original", "python-requests/2.31"}, {"source.ip", "192.0.2.77"}})));
  EXPECT_TRUE(fires(c, web("Python-Requests/2.31", "192.0.2.77", false, false)));  // re|i
  EXPECT_TRUE(fires(c, web("python-requests/2.31", "172.31.255.1", false, false)));
  EXPECT_FALSE(fires(c, web("python-requests/2.31", "172.32.0.1", false, false)));  // /12 ends
  EXPECT_FALSE(fires(c, web("python-requests/2.31", "192.0.2.77", true, false)));   // referrer
  EXPECT_TRUE(fires(c, web("python-requests/2.31", "8.8.8.8", false, true)));       // exists
  EXPECT_FALSE(fires(c, web("curl/8", "192.0.2.77", false, false)));
  EXPECT_FALSE(fires(c, web("python-requests/2.31", "192.0.2.777", false, false)));
}

TEST(SigmaConvert, AuditdFieldsAndConditionLists) {
  const Converted c = must_convert("convert/auditd_execve.yml");
  ASSERT_TRUE(c.engine);
  // `type` is one record type of the joined audit event (audit_assembler.h).
  EXPECT_TRUE(fires(c, event({{"auditd.records", "SYSCALL EXECVE CWD PATH PROCTITLE EOE"},
                              {"auditd.data.a0", "chmod"},
                              {"auditd.data.a1", "+x"}})));
  EXPECT_TRUE(fires(c, event({{"auditd.records", "EXECVE"},
                              {"auditd.data.a0", "chmod"},
                              {"auditd.data.a1", "+x"}})));
  EXPECT_FALSE(fires(c, event({{"auditd.records", "SYSCALL NOT_EXECVE"},
                               {"auditd.data.a0", "chmod"},
                               {"auditd.data.a1", "+x"}})));
  EXPECT_TRUE(
      fires(c, event({{"auditd.records", "SYSCALL"}, {"auditd.data.SYSCALL", "memfd_create"}})));
  EXPECT_FALSE(fires(c, event({{"auditd.records", "EXECVE"}, {"auditd.data.a0", "chmod"}})));
}

TEST(SigmaConvert, AllOfThemSkipsUnderscoreNames) {
  const Converted c = must_convert("convert/them.yml");
  ASSERT_TRUE(c.engine);
  EXPECT_EQ(c.rule.rule.condition_text, "sel_a and sel_b");
  EXPECT_TRUE(fires(c, event({}, "pam_unix(su:session): session opened for user root by x")));
  EXPECT_FALSE(fires(c, event({}, "pam_unix(su:session): session opened for user alice")));
}

// Every refusal names its kind and a reason; nothing is half-converted.
TEST(SigmaConvert, RefusalsCarryAKindAndAReason) {
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {"correlation.yml", "correlation", "correlation rules"},
      {"aggregation.yml", "aggregation", "count()"},
      {"timeframe.yml", "aggregation", "timeframe"},
      {"unmapped_field.yml", "unmapped field", "'Hashes' (process_creation)"},
      {"cookie.yml", "unmapped field", "'cs-cookie' (proxy)"},
      {"windows.yml", "logsource", "only Linux and web-server"},
      {"file_event.yml", "logsource", "'file_event' is not supported"},
      {"vsftpd.yml", "logsource", "'vsftpd' is not supported"},
      {"numeric_modifier.yml", "modifier", "'gte' is not supported"},
      {"utf16.yml", "modifier", "'wide' is not supported"},
      {"cidr_v6.yml", "modifier", "only IPv4"},
      {"wildcard_base64.yml", "modifier", "wildcards cannot be base64"},
      {"lookbehind.yml", "regex", "rejected by Hyperscan"},
      {"not_only.yml", "rule loader", "needs at least one positive selection"},
      {"null_in_list.yml", "value", "null cannot be part of a list"},
      {"unknown_selection.yml", "condition", "unknown selection 'filterr'"},
      {"multi_document.yml", "multi-document", "not supported"},
  };
  for (const auto& [file, kind, reason] : cases) {
    SigmaOutcome o = convert_file("refuse/" + file);
    EXPECT_FALSE(o.converted) << file;
    EXPECT_EQ(o.refusal.kind, kind) << file << ": " << o.refusal.reason;
    EXPECT_TRUE(contains(o.refusal.reason, reason)) << file << ": " << o.refusal.reason;
  }
  // Every fixture in refuse/ is covered above.
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(kData + "/refuse"))
    n += e.path().extension() == ".yml";
  EXPECT_EQ(n, cases.size());
}

TEST(SigmaConvert, EveryFixtureUnderConvertConverts) {
  std::vector<Rule> all;
  for (const auto& e : std::filesystem::directory_iterator(kData + "/convert")) {
    SigmaOutcome o =
        convert_sigma(read(e.path().string()), sigma_rule_id(e.path().string()), e.path().string());
    ASSERT_TRUE(o.converted) << e.path() << ": " << o.refusal.reason;
    all.push_back(o.converted->rule);
  }
  EXPECT_EQ(all.size(), 10u);
  auto en = Engine::build(std::move(all));
  EXPECT_TRUE(en.ok()) << (en.ok() ? "" : en.error());
}

// yaml-cpp takes a quote left open to the end of the file silently; the rest of the rule would
// be inside the string (here the logsource and detection after the title).
TEST(SigmaConvert, UnterminatedQuoteIsAYamlRefusalAtItsLine) {
  SigmaOutcome o = convert_sigma(
      "title: 'open\nlogsource: {category: webserver}\ndetection:\n  a: {cs-method: x}\n  "
      "condition: a\n",
      "sigma-x", "x.yml");
  EXPECT_FALSE(o.converted);
  EXPECT_EQ(o.refusal.kind, "yaml");
  EXPECT_EQ(o.refusal.reason,
            "YAML syntax error at line 1: quoted string not closed before the end of the file");
}

TEST(SigmaConvert, GarbageIsRefusedNotCrashing) {
  for (const char* text :
       {"", "[1, 2", "just a string", "title: x\ndetection: 5\n",
        "title: x\nlogsource: {category: webserver}\ndetection: {condition: a}\n",
        "title: x\nlogsource: {category: webserver}\ndetection:\n  a: {cs-method: [[1]]}\n  "
        "condition: a\n",
        "title: x\nlogsource: {category: webserver}\ndetection:\n  a: "
        "{'cs-method|contains|startswith': x}\n  condition: a\n",
        // Numbers too large for an int must not escape as exceptions.
        "title: x\nlogsource: {product: linux, service: auditd}\ndetection:\n  a: "
        "{a99999999999999999999: x}\n  condition: a\n",
        "title: x\nlogsource: {category: webserver}\ndetection:\n  a: {'c-ip|cidr': "
        "'1.2.3.4/99999999999'}\n  condition: a\n",
        "title: x\nlogsource: {category: webserver}\ndetection:\n  a: {'c-ip|cidr': "
        "'99999999999.2.3.4/8'}\n  condition: a\n",
        "title: x\nlogsource: {category: webserver}\ndetection:\n  a: {cs-method: x}\n  "
        "condition: [[a]]\n"}) {
    SigmaOutcome o = convert_sigma(text, "sigma-x", "x.yml");
    EXPECT_FALSE(o.converted) << text;
    EXPECT_FALSE(o.refusal.reason.empty()) << text;
  }
}

TEST(SigmaHelpers, Base64AndOffsets) {
  EXPECT_EQ(sigma_base64("/bin/sh"), "L2Jpbi9zaA==");
  EXPECT_EQ(sigma_base64(""), "");
  EXPECT_EQ(sigma_base64("ab"), "YWI=");
  // The same three variants pySigma generates.
  EXPECT_EQ(sigma_base64_offsets("http://"),
            (std::vector<std::string>{"aHR0cDovL", "h0dHA6Ly", "odHRwOi8v"}));
  EXPECT_EQ(sigma_base64_offsets("ab"), (std::vector<std::string>{"YW", "Fi", "hY"}));
}

TEST(SigmaHelpers, CidrRegex) {
  EXPECT_EQ(sigma_cidr_regex("10.0.0.0/8").value_or(""),
            "^10\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-"
            "9]|[1-9]?[0-9])\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\z");
  EXPECT_EQ(sigma_cidr_regex("192.168.1.7").value_or(""), "^192\\.168\\.1\\.7\\z");
  EXPECT_EQ(sigma_cidr_regex("192.168.1.0/30").value_or(""), "^192\\.168\\.1\\.(0|1|2|3)\\z");
  EXPECT_FALSE(sigma_cidr_regex("2001:db8::/32"));
  EXPECT_FALSE(sigma_cidr_regex("10.0.0.0/33"));
  EXPECT_FALSE(sigma_cidr_regex("10.0.0/8"));
  EXPECT_FALSE(sigma_cidr_regex("300.0.0.0/8"));
}

TEST(SigmaHelpers, RuleIds) {
  EXPECT_EQ(sigma_rule_id("/x/y/proc_creation_lnx_Base64 Decode.yml"),
            "sigma-proc_creation_lnx_base64-decode");
}

}  // namespace
}  // namespace soc
