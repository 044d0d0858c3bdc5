// Fields: set replaces, get finds, order is kept, clear() forgets; also past the indexed count
// and for names that collide in the index (same length, first, middle and last byte).
#include <gtest/gtest.h>

#include <string>

#include "collector/decode/event.h"

namespace soc {
namespace {

TEST(Fields, SetReplacesGetFindsOrderIsKept) {
  Fields f;
  f.set("source.ip", "203.0.113.5");
  f.set("user.name", "root");
  f.set("source.ip", "198.51.100.7");
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f.get("source.ip"), "198.51.100.7");
  EXPECT_EQ(f.get("user.name"), "root");
  EXPECT_EQ(f.get("host.name"), std::nullopt);
  EXPECT_EQ(f.all()[0].first, "source.ip");
  EXPECT_EQ(f.all()[1].first, "user.name");
  f.set("", "empty name");
  EXPECT_EQ(f.get(""), "empty name");
}

TEST(Fields, ClearForgetsAndSlotsAreReused) {
  Fields f;
  f.set("a", "1");
  f.set("b", "2");
  f.clear();
  EXPECT_EQ(f.size(), 0u);
  EXPECT_EQ(f.get("a"), std::nullopt);
  f.set("b", "3");
  EXPECT_EQ(f.get("b"), "3");
  EXPECT_EQ(f.get("a"), std::nullopt);
  ASSERT_EQ(f.size(), 1u);
}

TEST(Fields, ManyFieldsAndCollidingNames) {
  // 300 names: past the indexed count, and "kAxB" names share length, first, middle and last
  // byte in groups, so they probe the same index slots.
  Fields f;
  const auto name = [](int i) {
    return "k" + std::to_string(i / 10 % 10) + "x" + std::to_string(i / 100) + "y" +
           std::to_string(i % 10) + "z";
  };
  for (int round = 0; round < 2; ++round) {
    f.clear();
    for (int i = 0; i < 300; ++i) f.set(name(i), std::to_string(i));
    for (int i = 0; i < 300; i += 7) f.set(name(i), "again " + std::to_string(i));
    ASSERT_EQ(f.size(), 300u);
    for (int i = 0; i < 300; ++i) {
      const std::string want = i % 7 == 0 ? "again " + std::to_string(i) : std::to_string(i);
      EXPECT_EQ(f.get(name(i)), want) << name(i);
    }
    EXPECT_EQ(f.get("k0x0y0"), std::nullopt);
  }
}

TEST(Fields, ValueMayViewThisFields) {
  Fields f;
  f.set("message", "Failed password for root");
  f.set("copy", f.get("message")->substr(7));
  f.set("message", f.get("message")->substr(0, 6));
  EXPECT_EQ(f.get("copy"), "password for root");
  EXPECT_EQ(f.get("message"), "Failed");
}

}  // namespace
}  // namespace soc
