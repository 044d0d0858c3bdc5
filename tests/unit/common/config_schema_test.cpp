// The declarative config layer: types, ranges, unknown and duplicate keys, each error at its
// file:line:column, all errors of a file at once, and the reference built from the table.
#include "common/config_schema.h"

#include <gtest/gtest.h>

#include "common/yaml_file.h"

namespace soc {
namespace {

struct Sample {
  bool on = false;
  int64_t count = 5;
  int64_t wait_ms = 1000;
  int64_t bytes = 0;
  std::string mode = "fast";
  std::vector<std::string> names;
  struct Item {
    std::string path;
    int64_t weight = 1;
  };
  std::vector<Item> items;
};

const ConfigSchema<Sample::Item>& item_schema() {
  static const ConfigSchema<Sample::Item> s = [] {
    ConfigSchema<Sample::Item> s;
    s.add({.path = "path", .type = ConfigType::kPath, .help = "a file", .required = true},
          [](Sample::Item& i, const ConfigValue& v) { i.path = v.text; });
    s.add({.path = "weight", .type = ConfigType::kInt, .default_text = "1", .min = 1, .max = 9},
          [](Sample::Item& i, const ConfigValue& v) { i.weight = v.number; });
    return s;
  }();
  return s;
}

const ConfigSchema<Sample>& schema() {
  static const ConfigSchema<Sample> s = [] {
    ConfigSchema<Sample> s;
    s.add({.path = "on", .type = ConfigType::kBool, .default_text = "false", .help = "switch"},
          [](Sample& c, const ConfigValue& v) { c.on = v.flag; });
    s.add({.path = "limits", .type = ConfigType::kSection, .help = "bounds"});
    s.add({.path = "limits.count",
           .type = ConfigType::kInt,
           .default_text = "5",
           .min = 1,
           .max = 100,
           .help = "how many"},
          [](Sample& c, const ConfigValue& v) { c.count = v.number; });
    s.add({.path = "limits.wait",
           .type = ConfigType::kDuration,
           .default_text = "1s",
           .min = 100,
           .max = 3'600'000,
           .help = "how long"},
          [](Sample& c, const ConfigValue& v) { c.wait_ms = v.number; });
    s.add({.path = "limits.bytes", .type = ConfigType::kSize, .min = 1024, .max = 1LL << 30},
          [](Sample& c, const ConfigValue& v) { c.bytes = v.number; });
    s.add({.path = "mode",
           .type = ConfigType::kEnum,
           .default_text = "fast",
           .choices = {"fast", "slow"},
           .help = "speed | of it"},
          [](Sample& c, const ConfigValue& v) { c.mode = v.text; });
    s.add({.path = "names", .type = ConfigType::kList},
          [](Sample& c, const ConfigValue& v) { c.names = v.list; });
    s.add({.path = "items",
           .type = ConfigType::kSectionList,
           .help = "things",
           .items = &item_schema().keys(),
           .scalar_key = "path"},
          [](Sample& c, const ConfigValue& v) {
            c.items = item_schema().parse_list(*v.ctx, v.node, "path");
          });
    return s;
  }();
  return s;
}

struct Parsed {
  Sample value;
  std::vector<std::string> errors;
};

Parsed parse(const std::string& yaml) {
  Parsed p;
  auto doc = parse_yaml_text(yaml, "t.yaml");
  EXPECT_TRUE(doc) << doc.error();
  ConfigContext ctx{.file = "t.yaml"};
  schema().parse(ctx, *doc, p.value);
  p.errors = ctx.errors;
  return p;
}

TEST(ConfigSchema, ReadsEveryTypeAndKeepsDefaults) {
  auto p = parse(
      "on: yes\nlimits:\n  count: 7\n  wait: 250ms\n  bytes: 2KiB\nmode: slow\n"
      "names: [a, b]\nitems:\n  - /x\n  - {path: /y, weight: 3}\n");
  ASSERT_TRUE(p.errors.empty()) << p.errors[0];
  EXPECT_TRUE(p.value.on);
  EXPECT_EQ(p.value.count, 7);
  EXPECT_EQ(p.value.wait_ms, 250);
  EXPECT_EQ(p.value.bytes, 2048);
  EXPECT_EQ(p.value.mode, "slow");
  EXPECT_EQ(p.value.names, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(p.value.items.size(), 2u);
  EXPECT_EQ(p.value.items[0].path, "/x");
  EXPECT_EQ(p.value.items[0].weight, 1);
  EXPECT_EQ(p.value.items[1].weight, 3);
  auto defaults = parse("{}\n");
  EXPECT_TRUE(defaults.errors.empty());
  EXPECT_EQ(defaults.value.count, 5);
  EXPECT_EQ(defaults.value.wait_ms, 1000);
}

TEST(ConfigSchema, OutOfRangeNamesTheAllowedRange) {
  auto p = parse("limits:\n  count: -1\n  wait: 2h\n  bytes: 10\n");
  ASSERT_EQ(p.errors.size(), 3u);
  EXPECT_EQ(p.errors[0], "t.yaml:2:10: 'limits.count' must be 1 .. 100, got -1");
  EXPECT_EQ(p.errors[1], "t.yaml:3:9: 'limits.wait' must be 100ms .. 1h, got 2h");
  EXPECT_EQ(p.errors[2], "t.yaml:4:10: 'limits.bytes' must be 1KiB .. 1GiB, got 10");
}

TEST(ConfigSchema, WrongTypesAreErrorsAtTheirLine) {
  auto p = parse("on: maybe\nlimits: [1]\nmode: medium\nnames: {a: 1}\nitems: /x\n");
  ASSERT_EQ(p.errors.size(), 5u);
  EXPECT_EQ(p.errors[0], "t.yaml:1:5: 'on' must be true or false");
  EXPECT_EQ(p.errors[1], "t.yaml:2:9: 'limits' must be a mapping");
  EXPECT_EQ(p.errors[2], "t.yaml:3:7: 'mode' must be fast or slow, got 'medium'");
  EXPECT_EQ(p.errors[3], "t.yaml:4:8: 'names' must be a list");
  EXPECT_EQ(p.errors[4], "t.yaml:5:8: 'items' must be a list");
}

TEST(ConfigSchema, UnknownKeysSuggestTheClosestOne) {
  auto p = parse("limits:\n  cuont: 3\nmodes: fast\nzzz: 1\n");
  ASSERT_EQ(p.errors.size(), 3u);
  EXPECT_EQ(p.errors[0], "t.yaml:2:3: unknown key 'cuont' in 'limits': did you mean 'count'?");
  EXPECT_EQ(p.errors[1], "t.yaml:3:1: unknown key 'modes': did you mean 'mode'?");
  EXPECT_EQ(p.errors[2],
            "t.yaml:4:1: unknown key 'zzz' (expected one of: on, limits, mode, names, items)");
}

// yaml-cpp keeps both pairs of a repeated key and answers a lookup with the first: a second
// value a sysadmin added at the end of the file would silently do nothing.
TEST(ConfigSchema, DuplicateKeysAreRefused) {
  auto p = parse("mode: fast\nlimits:\n  count: 2\n  count: 3\nmode: slow\n");
  ASSERT_EQ(p.errors.size(), 2u);
  EXPECT_EQ(p.errors[0], "t.yaml:4:3: duplicate key 'limits.count' (first at line 3)");
  EXPECT_EQ(p.errors[1], "t.yaml:5:1: duplicate key 'mode' (first at line 1)");
}

TEST(ConfigSchema, RequiredKeysOfListItems) {
  auto p = parse("items:\n  - {weight: 2}\n  - {path: relative}\n");
  ASSERT_EQ(p.errors.size(), 2u);
  EXPECT_EQ(p.errors[0], "t.yaml:2:5: 'path' is required: a file");
  EXPECT_EQ(p.errors[1], "t.yaml:3:12: 'path' must be an absolute path, got 'relative'");
}

TEST(ConfigSchema, ReferenceListsEveryKeyWithTypeDefaultRangeAndHelp) {
  const std::string md = config_reference_markdown(schema().keys());
  EXPECT_NE(md.find("| `limits.count` | int | `5` | 1 .. 100 | how many |"), std::string::npos)
      << md;
  EXPECT_NE(md.find("| `limits.wait` | duration | `1s` | 100ms .. 1h | how long |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| `mode` | enum: fast or slow | `fast` |  | speed \\| of it |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| `items[].path` | path |  | required | a file |"), std::string::npos) << md;
}

TEST(ConfigSchema, EditDistance) {
  EXPECT_EQ(config_edit_distance("poll_interval_ms", "poll_interval_ms"), 0u);
  EXPECT_EQ(config_edit_distance("colour", "color"), 1u);
  EXPECT_EQ(config_edit_distance("", "abc"), 3u);
}

}  // namespace
}  // namespace soc
