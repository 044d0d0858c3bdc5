#include "agent/envelope_writer.h"

#include <gtest/gtest.h>

#include "common/clock.h"
#include "common/envelope.h"

namespace soc {
namespace {

// The agent's allocation-free writer must produce exactly what common/envelope's to_json does.
TEST(EnvelopeWriterTest, SameBytesAsToJson) {
  EnvelopeWriter w("a-b-c", "web\"01", "STTTT");
  const auto now = std::chrono::system_clock::now();
  const std::vector<std::pair<std::string, std::string>> fields = {{"_PID", "42"}, {"k\"", "v\n"}};
  struct Case {
    std::string msg;
    bool trunc;
    std::string peer;
    bool with_fields;
  };
  for (const auto& c :
       std::vector<Case>{{"plain line", false, "", false},
                         {std::string("bin \xff\x00\x01 \"q\" \\", 12), true, "", false},
                         {"from the net", false, "udp:10.0.0.5:514", true},
                         {"", false, "", false}}) {
    Envelope e;
    e.agent = "a-b-c";
    e.host = "web\"01";
    e.org = "STTTT";
    e.src = "file:/var/log/a\tb.log";
    e.seq = 123456789;
    e.ts = format_rfc3339_local(now);
    e.msg = c.msg;
    e.trunc = c.trunc;
    e.peer = c.peer;
    if (c.with_fields) e.fields = fields;
    EXPECT_EQ(w.build(e.seq, e.src, e.msg, e.trunc, e.peer, c.with_fields ? &fields : nullptr, now),
              to_json(e));
  }
}

}  // namespace
}  // namespace soc
