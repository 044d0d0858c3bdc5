// The condition expression over named selections: precedence, quantifiers, errors with offsets.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "collector/detect/condition.h"

namespace soc {
namespace {

// Parses and expands against `names`, then prints back (fully determined by the tree).
std::string round_trip(const std::string& text, const std::vector<std::string>& names) {
  CondParse p = parse_condition(text);
  if (!p.expr) return "parse error @" + std::to_string(p.error.offset) + ": " + p.error.message;
  if (auto err = expand_condition(*p.expr, names)) {
    return "expand error @" + std::to_string(err->offset) + ": " + err->message;
  }
  return to_string(*p.expr);
}

const std::vector<std::string> kNames = {"a", "b", "c", "sel_1", "sel_2", "filter_x", "_scope"};

TEST(DetectCondition, PrecedenceNotAndOr) {
  EXPECT_EQ(round_trip("a or b and c", kNames), "a or (b and c)");
  EXPECT_EQ(round_trip("a and b or c", kNames), "(a and b) or c");
  EXPECT_EQ(round_trip("not a and b", kNames), "not a and b");
  EXPECT_EQ(round_trip("not (a and b)", kNames), "not (a and b)");
  EXPECT_EQ(round_trip("a and not (b or not c)", kNames), "a and not (b or not c)");
  EXPECT_EQ(round_trip("((a))", kNames), "a");
  EXPECT_EQ(round_trip("a AND NOT b Or c", kNames), "(a and not b) or c");  // any case
}

TEST(DetectCondition, QuantifiersExpandInNameOrder) {
  EXPECT_EQ(round_trip("1 of sel_*", kNames), "sel_1 or sel_2");
  EXPECT_EQ(round_trip("any of sel_*", kNames), "sel_1 or sel_2");
  EXPECT_EQ(round_trip("all of sel_*", kNames), "sel_1 and sel_2");
  EXPECT_EQ(round_trip("a and not 1 of filter*", kNames), "a and not filter_x");
  // `them` leaves out names starting with '_', as Sigma does.
  EXPECT_EQ(round_trip("1 of them", {"x", "y", "_z"}), "x or y");
  EXPECT_EQ(round_trip("all of them and _z", {"x", "y", "_z"}), "x and y and _z");
  EXPECT_EQ(round_trip("1 of *_1", kNames), "sel_1");
}

TEST(DetectCondition, ErrorsCarryTheOffset) {
  EXPECT_EQ(round_trip("a and", kNames),
            "parse error @5: condition ends where a selection name was expected");
  EXPECT_EQ(round_trip("a and (b or c", kNames), "parse error @13: missing ')'");
  EXPECT_EQ(round_trip("a b", kNames),
            "parse error @2: unexpected 'b' (expected and, or or the end)");
  EXPECT_EQ(round_trip("a and nope", kNames), "expand error @6: unknown selection 'nope'");
  EXPECT_EQ(round_trip("1 of zz*", kNames), "expand error @0: no selection matches 'zz*'");
  EXPECT_EQ(round_trip("a | count() > 5", kNames).rfind("parse error @2: aggregations", 0), 0u);
  EXPECT_EQ(round_trip("sel_*", kNames).rfind("parse error @0: 'sel_*': wildcards", 0), 0u);
  EXPECT_EQ(round_trip("a and or b", kNames), "parse error @6: unexpected 'or'");
  EXPECT_EQ(round_trip("all a", kNames), "parse error @0: 'all' must be followed by 'of'");
  EXPECT_EQ(round_trip("a & b", kNames), "parse error @2: unexpected character '&'");
}

TEST(DetectCondition, GlobMatch) {
  EXPECT_TRUE(glob_match("sel*", "selection"));
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_TRUE(glob_match("a*b*c", "axxbyyc"));
  EXPECT_FALSE(glob_match("a*b*c", "axxbyy"));
  EXPECT_FALSE(glob_match("sel", "selection"));
  EXPECT_TRUE(glob_match("filter_*_x", "filter_main_x"));
}

TEST(DetectCondition, KeywordsAreReserved) {
  EXPECT_TRUE(is_condition_keyword("and"));
  EXPECT_TRUE(is_condition_keyword("THEM"));
  EXPECT_FALSE(is_condition_keyword("selection"));
}

}  // namespace
}  // namespace soc
