#include "collector/group_members.h"

#include <gtest/gtest.h>

#include <string>

namespace soc {
namespace {

void put16(std::string& s, int v) {
  s += static_cast<char>((v >> 8) & 0xff);
  s += static_cast<char>(v & 0xff);
}
void put32(std::string& s, int32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) s += static_cast<char>((v >> shift) & 0xff);
}
void put_str(std::string& s, const std::string& v) {
  put16(s, static_cast<int>(v.size()));
  s += v;
}

TEST(GroupMembers, ParsesThePartitionsOfOurTopic) {
  std::string a;
  put16(a, 0);  // version
  put32(a, 2);  // topics
  put_str(a, "other");
  put32(a, 1);
  put32(a, 9);
  put_str(a, "soc.events");
  put32(a, 3);
  put32(a, 0);
  put32(a, 4);
  put32(a, 11);
  put32(a, -1);  // user data: null
  auto parts = parse_member_assignment(a.data(), a.size(), "soc.events");
  ASSERT_TRUE(parts) << parts.error();
  EXPECT_EQ(*parts, (std::vector<int32_t>{0, 4, 11}));
}

TEST(GroupMembers, TruncatedAssignmentIsAnError) {
  std::string a;
  put16(a, 0);
  put32(a, 1);
  put_str(a, "soc.events");
  put32(a, 1000);  // claims 1000 partitions, holds none
  EXPECT_FALSE(parse_member_assignment(a.data(), a.size(), "soc.events"));
  EXPECT_FALSE(parse_member_assignment(a.data(), 3, "soc.events"));
  EXPECT_TRUE(parse_member_assignment(nullptr, 0, "soc.events"));  // nothing assigned yet
}

}  // namespace
}  // namespace soc
