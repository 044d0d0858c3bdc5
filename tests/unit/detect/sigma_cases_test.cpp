// SigmaHQ's Linux process_creation and auditd rules (copied into tests/data/sigma/linux, authors
// kept as DRL 1.1 asks), converted by convert_sigma, raise an alert on raw auditd events and stay
// quiet on benign ones. The events go through the real Decoder and the AuditAssembler, whose
// process table gives the child's event its parent's program and command line (ParentImage,
// ParentCommandLine). Cases: tests/sigma_cases/*.yml (format in tests/sigma_cases/README.md).
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "collector/decode/audit_assembler.h"
#include "collector/decode/decoder.h"
#include "collector/detect/detector.h"
#include "collector/detect/engine.h"
#include "collector/detect/sigma.h"
#include "tests/unit/case_files.h"

namespace soc {
namespace {

namespace fs = std::filesystem;

const std::string kRules = std::string(SOC_SOURCE_DIR) + "/tests/data/sigma/linux";
const std::string kCases = std::string(SOC_SOURCE_DIR) + "/tests/sigma_cases";

struct SigmaCase {
  std::string where;
  std::string sigma;  // file name under kRules/<log source>/
  std::vector<std::string> fire, quiet;
};

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<SigmaCase> load_cases() {
  std::vector<SigmaCase> out;
  for (const auto& file : test::case_files(kCases)) {
    for (const auto& n : YAML::LoadFile(file.string())) {
      SigmaCase c;
      c.where = file.filename().string() + ":" + std::to_string(n.Mark().line + 1);
      c.sigma = file.stem().string() + "/" + n["sigma"].as<std::string>();
      for (const auto& l : n["fire"]) c.fire.push_back(l.as<std::string>());
      for (const auto& l : n["quiet"]) c.quiet.push_back(l.as<std::string>());
      out.push_back(std::move(c));
    }
  }
  return out;
}

// Alerts of `rule_id` raised by `lines` (one agent's audit.log) through decoder, assembler and a
// fresh detector.
size_t raised(const Engine& engine, const std::string& rule_id,
              const std::vector<std::string>& lines, std::string& trace) {
  static const Decoder decoder;
  Detector detector(engine);
  AuditAssembler assembler;
  size_t n = 0;
  uint64_t seq = 0;
  const auto detect = [&] {
    for (const Event& e : assembler.ready()) {
      for (const auto& d : detector.process(e)) n += d.rule.id == rule_id;
      trace += "  " + std::string(e.fields.get("process.executable").value_or("")) + " | " +
               std::string(e.fields.get("process.command_line").value_or("")) + " | parent " +
               std::string(e.fields.get("process.parent.executable").value_or("")) + "\n";
    }
    assembler.ready().clear();
  };
  for (const auto& line : lines) {
    Event e;
    e.env.agent = "agent-1";
    e.env.host = "web01";
    e.env.org = "STTTT";
    e.env.src = "file:/var/log/audit/audit.log";
    e.env.ts = "2026-11-23T12:00:00+07:00";
    e.env.seq = ++seq;
    e.env.msg = line;
    decoder.decode(e);
    EXPECT_TRUE(assembler.take(e)) << "not an audit record: " << line;
    detect();
  }
  assembler.flush();
  detect();
  return n;
}

TEST(SigmaCases, EveryCopiedRuleConvertsFiresAndStaysQuiet) {
  const auto cases = load_cases();
  ASSERT_FALSE(cases.empty());
  std::set<std::string> covered;
  for (const SigmaCase& c : cases) {
    SCOPED_TRACE(c.where + " " + c.sigma);
    const fs::path file = fs::path(kRules) / c.sigma;
    const std::string id = sigma_rule_id(file.string());
    SigmaOutcome o = convert_sigma(read(file), id, file.string());
    covered.insert(c.sigma);
    if (!o.converted) {
      ADD_FAILURE() << "refused: " << o.refusal.kind << ": " << o.refusal.reason;
      continue;
    }
    std::vector<Rule> one{o.converted->rule};
    auto engine = Engine::build(std::move(one));
    ASSERT_TRUE(engine.ok()) << engine.error();
    std::string trace;
    EXPECT_GE(raised(**engine, id, c.fire, trace), 1u) << "expected an alert; events:\n"
                                                       << trace << o.converted->yaml;
    trace.clear();
    EXPECT_EQ(raised(**engine, id, c.quiet, trace), 0u) << "expected quiet; events:\n" << trace;
  }
  // Every copied rule has its case.
  for (const auto& e : fs::recursive_directory_iterator(kRules)) {
    if (e.path().extension() != ".yml") continue;
    const std::string rel = fs::relative(e.path(), kRules).string();
    EXPECT_TRUE(covered.count(rel)) << rel << " has no case in tests/sigma_cases/";
  }
}

}  // namespace
}  // namespace soc
