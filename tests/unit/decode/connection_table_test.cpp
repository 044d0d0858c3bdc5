// ConnectionTable: entries keyed by host, pid and connection; a full table starts over instead of
// growing; and, through the real decoding chain, slapd lines of two hosts with the same pid and
// connection number do not lend each other their peers.
#include "collector/decode/connection_table.h"

#include <gtest/gtest.h>

#include <string>

#include "collector/decode/decoder.h"

namespace soc {
namespace {

Fields host_pid(const std::string& host, const std::string& pid) {
  Fields f;
  f.set("host.name", host);
  f.set("process.pid", pid);
  return f;
}

TEST(ConnectionTable, KeysByHostPidAndConnection) {
  ConnectionTable table(16);
  const std::string a = ConnectionTable::key(host_pid("ldap01", "1183"), "1022");
  const std::string b = ConnectionTable::key(host_pid("ldap02", "1183"), "1022");
  table.at(a).ip = "203.0.113.8";
  ASSERT_NE(table.find(a), nullptr);
  EXPECT_EQ(table.find(a)->ip, "203.0.113.8");
  EXPECT_EQ(table.find(b), nullptr);
  table.erase(a);
  EXPECT_EQ(table.find(a), nullptr);
}

TEST(ConnectionTable, FullTableStartsOverInsteadOfGrowing) {
  ConnectionTable table(4);
  const Fields f = host_pid("db01", "900");
  for (int i = 0; i < 4; ++i) table.at(ConnectionTable::key(f, std::to_string(i))).ip = "x";
  EXPECT_NE(table.find(ConnectionTable::key(f, "0")), nullptr);
  table.at(ConnectionTable::key(f, "4")).ip = "y";  // the fifth: the old four are forgotten
  EXPECT_EQ(table.find(ConnectionTable::key(f, "0")), nullptr);
  ASSERT_NE(table.find(ConnectionTable::key(f, "4")), nullptr);
  // An entry that exists is updated in place even when the table is full.
  for (int i = 5; i < 8; ++i) table.at(ConnectionTable::key(f, std::to_string(i))).ip = "z";
  table.at(ConnectionTable::key(f, "4")).ip = "w";
  EXPECT_EQ(table.find(ConnectionTable::key(f, "4"))->ip, "w");
}

Event decode(const std::string& host, const std::string& line) {
  Event e;
  e.env.agent = "agent-1";
  e.env.org = "STTTT";
  e.env.host = host;
  e.env.src = "file:/var/log/syslog";
  e.env.ts = "2026-11-23T12:00:00+07:00";
  e.env.msg = line;
  Decoder().decode(e);
  return e;
}

TEST(ConnectionTable, SlapdPeersStayWithTheirHost) {
  decode("a",
         "Nov 23 11:00:00 ldapA slapd[1183]: conn=1022 fd=21 ACCEPT from IP=203.0.113.8:45011 "
         "(IP=0.0.0.0:636)");
  const Event other =
      decode("b", "Nov 23 11:00:01 ldapB slapd[1183]: conn=1022 op=1 RESULT tag=97 err=49 text=");
  EXPECT_EQ(other.fields.get("event.action"), "ldap_bind");
  EXPECT_EQ(other.fields.get("source.ip"), std::nullopt);
  const Event same =
      decode("a", "Nov 23 11:00:01 ldapA slapd[1183]: conn=1022 op=1 RESULT tag=97 err=49 text=");
  EXPECT_EQ(same.fields.get("source.ip"), "203.0.113.8");
}

}  // namespace
}  // namespace soc
