// Threat-intelligence lists: file format, address and range lookups, domains, hashes, and rules
// that test a field against a list (`in_list`), reloaded with the rules.
#include "collector/detect/intel_list.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "collector/detect/engine.h"
#include "collector/detect/rule.h"

namespace soc {
namespace {

namespace fs = std::filesystem;

std::shared_ptr<IntelList> list_of(std::string_view text, IntelLoadReport* out = nullptr) {
  IntelLoadReport report;
  auto list = IntelList::parse("t", text, "t.txt", report);
  if (out != nullptr) *out = report;
  return list;
}

// A fresh directory per test, removed after it.
class TempDir {
 public:
  TempDir()
      : path_(fs::temp_directory_path() /
              ("soc_intel_test_" + std::to_string(getpid()) + "_" + std::to_string(next_++))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name, std::ios::binary) << text;
  }

 private:
  static inline int next_ = 0;
  fs::path path_;
};

TEST(IntelList, FileFormatCommentsBlankLinesAndBadLinesWithFileAndLine) {
  IntelLoadReport report;
  auto list = list_of(
      "# Feodo Tracker style header\n"
      "\n"
      "192.0.2.10\n"
      "   198.51.100.0/24   # trailing comment\n"
      "203.0.113.0/25 ; SBL123456 (Spamhaus DROP style)\n"
      "not an entry\n"
      "300.1.2.3\n"
      "10.0.0.0/33\n"
      "evil.example.com\r\n"
      "\xff\xfe\n"
      "2001:db8::/32",  // no final newline
      &report);
  EXPECT_EQ(list->size(), 5u);
  EXPECT_EQ(report.entries, 5u);
  EXPECT_EQ(report.bad_lines, 4u);
  ASSERT_EQ(report.problems.size(), 4u);
  EXPECT_EQ(report.problems[0], "t.txt:6: more than one entry on the line: 'not an entry'");
  EXPECT_EQ(report.problems[1],
            "t.txt:7: not an IP address, CIDR range, domain or hash: '300.1.2.3'");
  EXPECT_EQ(report.problems[2], "t.txt:8: CIDR prefix length above 32: '10.0.0.0/33'");
  EXPECT_EQ(report.problems[3],
            "t.txt:10: not an IP address, CIDR range, domain or hash: '\\xff\\xfe'");
  EXPECT_TRUE(list->contains("192.0.2.10"));
  EXPECT_FALSE(list->contains("192.0.2.11"));
  EXPECT_TRUE(list->contains("198.51.100.255"));
  EXPECT_TRUE(list->contains("203.0.113.127"));
  EXPECT_FALSE(list->contains("203.0.113.128"));
  EXPECT_TRUE(list->contains("2001:db8:ffff::1"));
  EXPECT_TRUE(list->contains("www.evil.example.com"));
}

TEST(IntelList, ManyBadLinesAreCountedButOnlyTheFirstDescribed) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "bad entry " + std::to_string(i) + "\n";
  text += "192.0.2.1\n";
  IntelLoadReport report;
  auto list = list_of(text, &report);
  EXPECT_EQ(report.bad_lines, 1000u);
  EXPECT_EQ(report.problems.size(), 21u);
  EXPECT_EQ(report.problems.back(), "t.txt: 980 more bad lines not shown");
  EXPECT_TRUE(list->contains("192.0.2.1"));
}

TEST(IntelList, CidrEdgeCases) {
  // /0 of IPv4 is every IPv4 address (and no IPv6 one); /0 of IPv6 is every address.
  auto v4_all = list_of("0.0.0.0/0\n");
  EXPECT_TRUE(v4_all->contains("1.2.3.4"));
  EXPECT_TRUE(v4_all->contains("255.255.255.255"));
  EXPECT_TRUE(v4_all->contains("::ffff:10.0.0.1"));
  EXPECT_FALSE(v4_all->contains("2001:db8::1"));
  auto all = list_of("::/0\n");
  EXPECT_TRUE(all->contains("2001:db8::1"));
  EXPECT_TRUE(all->contains("1.2.3.4"));
  // /32 and /128 are single addresses.
  auto single = list_of("192.0.2.7/32\n2001:db8::7/128\n");
  EXPECT_TRUE(single->contains("192.0.2.7"));
  EXPECT_FALSE(single->contains("192.0.2.6"));
  EXPECT_FALSE(single->contains("192.0.2.8"));
  EXPECT_TRUE(single->contains("2001:db8::7"));
  EXPECT_TRUE(single->contains("2001:0db8:0000::0007"));  // another spelling of the same address
  EXPECT_FALSE(single->contains("2001:db8::8"));
  // Prefixes that do not fall on a byte or a 64-bit word.
  auto odd = list_of("10.128.0.0/9\n2001:db8:0:0:8000::/65\n");
  EXPECT_TRUE(odd->contains("10.255.1.1"));
  EXPECT_FALSE(odd->contains("10.127.255.255"));
  EXPECT_TRUE(odd->contains("2001:db8::8000:0:0:1"));
  EXPECT_FALSE(odd->contains("2001:db8::7fff:0:0:1"));
  // Host bits set in an entry: the range is the network's.
  EXPECT_TRUE(list_of("10.1.2.3/8\n")->contains("10.200.0.1"));
  // IPv4-mapped IPv6 on either side.
  auto mapped = list_of("::ffff:192.0.2.0/120\n198.51.100.9\n");
  EXPECT_TRUE(mapped->contains("192.0.2.200"));
  EXPECT_TRUE(mapped->contains("::ffff:198.51.100.9"));
  EXPECT_TRUE(mapped->contains("::FFFF:198.51.100.9"));
  EXPECT_FALSE(mapped->contains("198.51.100.10"));
  // Zones and brackets in the event's value.
  auto link = list_of("fe80::/10\n");
  EXPECT_TRUE(link->contains("fe80::1%eth0"));
  EXPECT_TRUE(link->contains("[fe80::1]"));
  // Malformed ranges are bad lines.
  IntelLoadReport report;
  list_of("10.0.0.0/\n10.0.0.0/x\n10.0.0.0/-1\n2001:db8::/129\nfe80::1%eth0/64\n/24\n", &report);
  EXPECT_EQ(report.bad_lines, 6u);
  EXPECT_EQ(report.entries, 0u);
}

TEST(IntelList, ValuesThatAreNotAddressesNeverMatchRanges) {
  auto list = list_of("0.0.0.0/0\n::/0\n");
  EXPECT_FALSE(list->contains(""));
  EXPECT_FALSE(list->contains("evil.example.com"));
  EXPECT_FALSE(list->contains("1.2.3"));
  EXPECT_FALSE(list->contains("1.2.3.4.5"));
  EXPECT_FALSE(list->contains("01.2.3.4 "));
  EXPECT_FALSE(list->contains("01.2.3.4"));
  EXPECT_FALSE(list->contains("1.2.3.4."));
  EXPECT_FALSE(list->contains("256.1.1.1"));
  EXPECT_FALSE(list->contains("1.2.3.1234"));
  EXPECT_FALSE(list->contains("1..3.4"));
  EXPECT_TRUE(list->contains("0.0.0.0"));
  EXPECT_TRUE(list->contains("255.255.255.255"));
  const auto a = parse_ip_address("192.0.2.1");
  const auto b = parse_ip_address("::ffff:c000:201");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);  // the dotted quad is its IPv4-mapped IPv6 address
}

TEST(IntelList, DomainsMatchThemselvesAndSubdomainsCaseInsensitively) {
  auto list = list_of("Evil.Example.COM.\n*.bad.test\n");
  EXPECT_TRUE(list->contains("evil.example.com"));
  EXPECT_TRUE(list->contains("EVIL.example.com."));
  EXPECT_TRUE(list->contains("a.b.evil.example.com"));
  EXPECT_TRUE(list->contains("bad.test"));
  EXPECT_TRUE(list->contains("x.bad.test"));
  EXPECT_FALSE(list->contains("example.com"));
  EXPECT_FALSE(list->contains("notevil.example.com"));
  EXPECT_FALSE(list->contains("evil.example.com.au"));
}

TEST(IntelList, HashesAreExactAndCaseInsensitive) {
  const std::string md5 = "44D88612FEA8A8F36DE82E1278ABB02F";  // the EICAR test file
  const std::string sha256 = "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f";
  auto list = list_of(md5 + "\n" + sha256 + "\n");
  EXPECT_EQ(list->size(), 2u);
  EXPECT_TRUE(list->contains("44d88612fea8a8f36de82e1278abb02f"));
  EXPECT_TRUE(list->contains(sha256));
  EXPECT_FALSE(list->contains(sha256.substr(1)));
  IntelLoadReport report;
  list_of("44d88612fea8a8f36de82e1278abb02\n", &report);  // 31 hex digits
  EXPECT_EQ(report.bad_lines, 1u);
}

TEST(IntelLists, DirectoryOfNamedListsAndAMissingDirectory) {
  TempDir dir;
  dir.write("malicious-ips.txt", "192.0.2.1\n");
  dir.write("bad-domains.txt", "evil.example.com\nbroken line\n");
  dir.write("README.md", "not a list\n");
  dir.write("Bad Name.txt", "192.0.2.2\n");
  IntelLoadReport report;
  auto lists = IntelLists::load_dir(dir.path().string(), report);
  ASSERT_TRUE(lists.ok()) << lists.error();
  EXPECT_EQ(lists->size(), 2u);
  EXPECT_EQ(report.files, 2u);
  EXPECT_EQ(report.entries, 2u);
  EXPECT_EQ(report.bad_lines, 2u);  // the broken line and the file with a bad name
  ASSERT_TRUE(lists->find("malicious-ips"));
  EXPECT_TRUE(lists->find("malicious-ips")->contains("192.0.2.1"));
  EXPECT_FALSE(lists->find("README"));
  EXPECT_NE(report.problems.at(1).find("bad-domains.txt:2: "), std::string::npos)
      << report.problems.at(1);

  IntelLoadReport none;
  auto missing = IntelLists::load_dir((dir.path() / "nope").string(), none);
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->size(), 0u);
  auto file = IntelLists::load_dir((dir.path() / "malicious-ips.txt").string(), none);
  EXPECT_FALSE(file.ok());
}

constexpr const char* kRule = R"(
- id: intel-auth
  title: Login from a listed address
  severity: high
  match:
    event.outcome: [success, failure]
    source.ip: {in_list: malicious-ips}
- id: intel-only
  title: Any event from a listed address or domain
  severity: low
  match:
    source.ip: {in_list: [malicious-ips, other]}
)";

Event event(std::initializer_list<std::pair<std::string, std::string>> fields) {
  Event e;
  e.env.host = "web01";
  e.env.msg = "raw line";
  for (const auto& [k, v] : fields) e.fields.set(k, v);
  return e;
}

std::vector<std::string> matched(const Engine& engine, const Event& e) {
  std::vector<std::string> ids;
  for (size_t r : engine.match(e)) ids.push_back(engine.rules()[r].id);
  return ids;
}

TEST(IntelRules, InListMatchesListedValuesAndIsReloadedWithTheRules) {
  TempDir rules;
  rules.write("intel.yml", kRule);
  fs::create_directories(rules.path() / "intel");
  rules.write("intel/malicious-ips.txt", "192.0.2.0/24\n");
  rules.write("intel/other.txt", "2001:db8::/32\n");
  auto loaded = load_rules(rules.path().string());
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  auto engine = Engine::build(std::move(loaded).value());
  ASSERT_TRUE(engine.ok()) << engine.error();
  const auto login = [](std::string ip) {
    return event({{"event.outcome", "failure"}, {"source.ip", ip}});
  };
  EXPECT_EQ(matched(**engine, login("192.0.2.7")),
            (std::vector<std::string>{"intel-auth", "intel-only"}));
  EXPECT_EQ(matched(**engine, login("2001:db8::1")), (std::vector<std::string>{"intel-only"}));
  EXPECT_TRUE(matched(**engine, login("198.51.100.7")).empty());
  EXPECT_TRUE(matched(**engine, event({{"event.outcome", "failure"}})).empty());
  EXPECT_EQ(matched(**engine, event({{"source.ip", "192.0.2.7"}})),
            (std::vector<std::string>{"intel-only"}));
  // explain() names the list that held the value.
  const auto why = (*engine)->explain(login("2001:db8::1"));
  ASSERT_EQ(why.size(), 1u);
  ASSERT_EQ(why[0].hits.size(), 1u);
  EXPECT_EQ(why[0].hits[0].values, (std::vector<uint32_t>{1}));

  // A reload reads the lists again: the feed changed, and so do the matches.
  rules.write("intel/malicious-ips.txt", "198.51.100.7\n");
  auto reloaded = load_rules(rules.path().string());
  ASSERT_TRUE(reloaded.ok()) << reloaded.error();
  auto engine2 = Engine::build(std::move(reloaded).value());
  ASSERT_TRUE(engine2.ok()) << engine2.error();
  EXPECT_TRUE(matched(**engine2, login("192.0.2.7")).empty());
  EXPECT_EQ(matched(**engine2, login("198.51.100.7")),
            (std::vector<std::string>{"intel-auth", "intel-only"}));
  // The first engine keeps the lists it was built with.
  EXPECT_EQ(matched(**engine, login("192.0.2.7")).size(), 2u);
}

TEST(IntelRules, AnotherListDirectoryAndAMissingListMatchesNothing) {
  TempDir rules;
  rules.write("intel.yml", kRule);
  TempDir feeds;
  feeds.write("malicious-ips.txt", "192.0.2.0/24\n");
  // `other` is missing: a warning, and the list is empty (a feed not downloaded yet must not stop
  // detection).
  auto loaded = load_rules(rules.path().string(), false, nullptr, nullptr, feeds.path().string());
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  auto engine = Engine::build(std::move(loaded).value());
  ASSERT_TRUE(engine.ok()) << engine.error();
  EXPECT_EQ(matched(**engine, event({{"source.ip", "192.0.2.1"}})),
            (std::vector<std::string>{"intel-only"}));
  EXPECT_TRUE(matched(**engine, event({{"source.ip", "2001:db8::1"}})).empty());

  std::vector<std::string> warnings;
  auto rules_only = load_rules_text(kRule, "mem.yml");
  ASSERT_TRUE(rules_only.ok()) << rules_only.error();
  attach_intel_lists(*rules_only, IntelLists{}, warnings);
  ASSERT_EQ(warnings.size(), 3u);
  EXPECT_NE(warnings[0].find("mem.yml:7:"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("no intel list 'malicious-ips'"), std::string::npos) << warnings[0];
}

TEST(IntelRules, SyntaxErrorsAreReportedAtTheirPlace) {
  auto bad_name = load_rules_text(
      "id: r\ntitle: R\nseverity: low\nmatch:\n  source.ip: {in_list: \"../etc/passwd\"}\n",
      "r.yml");
  ASSERT_FALSE(bad_name.ok());
  EXPECT_NE(bad_name.error().find("r.yml:5:"), std::string::npos) << bad_name.error();
  EXPECT_NE(bad_name.error().find("is not a list name"), std::string::npos) << bad_name.error();
  auto with_nocase = load_rules_text(
      "id: r\ntitle: R\nseverity: low\nmatch:\n  source.ip: {in_list: x, nocase: true}\n", "r.yml");
  ASSERT_FALSE(with_nocase.ok());
  EXPECT_NE(with_nocase.error().find("in_list takes no nocase"), std::string::npos);
  // Rules built without their lists attached are refused rather than silently never matching.
  auto unattached = load_rules_text(kRule, "mem.yml");
  ASSERT_TRUE(unattached.ok());
  auto engine = Engine::build(std::move(unattached).value());
  ASSERT_FALSE(engine.ok());
  EXPECT_NE(engine.error().find("intel lists not attached"), std::string::npos) << engine.error();
}

}  // namespace
}  // namespace soc
