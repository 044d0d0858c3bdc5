#include "common/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <thread>

#include "tests/unit/exposition_parser.h"

namespace soc {
namespace {

test::Exposition parse(const std::string& text) {
  test::Exposition e;
  std::string error;
  EXPECT_TRUE(test::parse_exposition(text, e, error)) << error << "\n" << text;
  return e;
}

TEST(Metrics, CounterAndGaugeRenderWithHelpAndType) {
  MetricsRegistry r;
  auto& c = r.counter("soc_test_events_total", "Events seen.");
  ++c;
  c += 41;
  r.gauge("soc_test_queue_bytes", "Bytes queued.").set(1.5);
  EXPECT_EQ(r.prometheus_text(),
            "# HELP soc_test_events_total Events seen.\n"
            "# TYPE soc_test_events_total counter\n"
            "soc_test_events_total 42\n"
            "# HELP soc_test_queue_bytes Bytes queued.\n"
            "# TYPE soc_test_queue_bytes gauge\n"
            "soc_test_queue_bytes 1.5\n");
  EXPECT_EQ(r.compact_text(), "soc_test_events_total=42 soc_test_queue_bytes=1.5");
}

TEST(Metrics, LabelledChildrenAreSortedAndAFamilyWithoutChildrenHasNoSamples) {
  MetricsRegistry r;
  auto& f = r.counter_family("soc_test_dropped_total", "Lines lost, by reason.", {"reason"});
  f.with({"spool_full"}).inc(3);
  f.with({"delivery"}).inc();
  EXPECT_EQ(&f.with({"delivery"}), &f.with({"delivery"}));  // one child per label set
  r.gauge_family("soc_test_lag_bytes", "Lag.", {"input"});
  EXPECT_EQ(r.prometheus_text(),
            "# HELP soc_test_dropped_total Lines lost, by reason.\n"
            "# TYPE soc_test_dropped_total counter\n"
            "soc_test_dropped_total{reason=\"delivery\"} 1\n"
            "soc_test_dropped_total{reason=\"spool_full\"} 3\n"
            "# HELP soc_test_lag_bytes Lag.\n"
            "# TYPE soc_test_lag_bytes gauge\n");
}

TEST(Metrics, LabelValuesAndHelpAreEscapedPerTheFormat) {
  MetricsRegistry r;
  auto& f = r.counter_family("soc_test_total", "Back\\slash and\nnewline.", {"input", "kind"});
  // A file name from a log: quote, backslash, newline, a tab, invalid UTF-8, Vietnamese.
  const std::string evil = "file:/var/log/a\"b\\c\nd\te\xff-nhật ký";
  f.with({evil, "x"}).inc();
  const std::string text = r.prometheus_text();
  EXPECT_NE(text.find("# HELP soc_test_total Back\\\\slash and\\nnewline.\n"), std::string::npos);
  EXPECT_NE(
      text.find("soc_test_total{input=\"file:/var/log/a\\\"b\\\\c\\nd\\\\x09e\\\\xff-nhật ký\","
                "kind=\"x\"} 1\n"),
      std::string::npos)
      << text;
  const auto e = parse(text);
  ASSERT_EQ(e.samples.size(), 1u);
  // Parsed back: the quote, backslash and newline come back; the tab and the invalid byte are
  // shown as the text \x09 and \xff rather than written raw.
  EXPECT_EQ(e.samples[0].labels.at("input"), "file:/var/log/a\"b\\c\nd\\x09e\\xff-nhật ký");
  EXPECT_EQ(e.help.at("soc_test_total"), "Back\\slash and\nnewline.");
}

TEST(Metrics, HistogramHasCumulativeBucketsSumAndCount) {
  MetricsRegistry r;
  auto& h =
      r.histogram_family("soc_test_batch_events", "Events per batch.", {"stage"}, {1, 10, 100})
          .with({"detect"});
  for (const double v : {0.5, 1.0, 7.0, 10.0, 50.0, 1000.0}) h.observe(v);
  EXPECT_EQ(h.count(), 6u);
  EXPECT_DOUBLE_EQ(h.sum(), 1068.5);
  const std::string text = r.prometheus_text();
  EXPECT_EQ(text,
            "# HELP soc_test_batch_events Events per batch.\n"
            "# TYPE soc_test_batch_events histogram\n"
            "soc_test_batch_events_bucket{stage=\"detect\",le=\"1\"} 2\n"
            "soc_test_batch_events_bucket{stage=\"detect\",le=\"10\"} 4\n"
            "soc_test_batch_events_bucket{stage=\"detect\",le=\"100\"} 5\n"
            "soc_test_batch_events_bucket{stage=\"detect\",le=\"+Inf\"} 6\n"
            "soc_test_batch_events_sum{stage=\"detect\"} 1068.5\n"
            "soc_test_batch_events_count{stage=\"detect\"} 6\n");
  const auto e = parse(text);
  EXPECT_EQ(e.type.at("soc_test_batch_events"), "histogram");
  EXPECT_EQ(e.value("soc_test_batch_events_bucket", {{"stage", "detect"}, {"le", "+Inf"}}), 6);
  EXPECT_EQ(r.compact_text(),
            "soc_test_batch_events_count{stage=\"detect\"}=6 "
            "soc_test_batch_events_sum{stage=\"detect\"}=1068.5");
}

TEST(Metrics, FractionalBoundsAndSpecialValues) {
  MetricsRegistry r;
  r.histogram("soc_test_seconds", "Latency.", {0.005, 0.25, 2.5}).observe(0.1);
  auto& g = r.gauge_family("soc_test_ratio", "Ratios.", {"k"});
  g.with({"inf"}).set(INFINITY);
  g.with({"nan"}).set(NAN);
  g.with({"neg"}).set(-2);
  const std::string text = r.prometheus_text();
  EXPECT_NE(text.find("soc_test_seconds_bucket{le=\"0.005\"} 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("soc_test_seconds_bucket{le=\"0.25\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("soc_test_ratio{k=\"inf\"} +Inf\n"), std::string::npos);
  EXPECT_NE(text.find("soc_test_ratio{k=\"nan\"} NaN\n"), std::string::npos);
  EXPECT_NE(text.find("soc_test_ratio{k=\"neg\"} -2\n"), std::string::npos);
  parse(text);
}

TEST(Metrics, RegistrationIsCheckedAndIdempotent) {
  MetricsRegistry r;
  auto& a = r.counter_family("soc_test_total", "Help.", {"k"});
  EXPECT_EQ(&a, &r.counter_family("soc_test_total", "Help.", {"k"}));
  EXPECT_THROW(r.gauge_family("soc_test_total", "Help.", {"k"}), std::invalid_argument);
  EXPECT_THROW(r.counter_family("soc_test_total", "Help.", {"other"}), std::invalid_argument);
  EXPECT_THROW(r.counter("0bad", "Help."), std::invalid_argument);
  EXPECT_THROW(r.counter("soc bad", "Help."), std::invalid_argument);
  EXPECT_THROW(r.counter_family("soc_x_total", "Help.", {"__reserved"}), std::invalid_argument);
  EXPECT_THROW(r.histogram_family("soc_h", "Help.", {"le"}, {1}), std::invalid_argument);
  EXPECT_THROW(r.histogram("soc_h2", "Help.", {2, 1}), std::invalid_argument);
  EXPECT_THROW(a.with({"one", "two"}), std::invalid_argument);
}

TEST(Metrics, ConcurrentIncrementsAreAllCounted) {
  MetricsRegistry r;
  auto& f = r.counter_family("soc_test_total", "Help.", {"thread"});
  auto& shared = r.counter("soc_test_shared_total", "Help.");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      auto& mine = f.with({std::to_string(t)});
      for (int i = 0; i < 100000; ++i) {
        ++shared;
        ++mine;
      }
    });
  }
  // Rendering while others count must not disturb them (and must stay valid text).
  for (int i = 0; i < 20; ++i) parse(r.prometheus_text());
  for (auto& t : threads) t.join();
  EXPECT_EQ(shared.value(), 400000u);
  EXPECT_EQ(parse(r.prometheus_text()).value("soc_test_total", {{"thread", "3"}}), 100000);
}

TEST(Metrics, TheTestParserRefusesBrokenText) {
  test::Exposition e;
  std::string error;
  EXPECT_FALSE(test::parse_exposition("a{k=\"x\\q\"} 1\n", e, error));  // invalid escape
  EXPECT_FALSE(test::parse_exposition("a{k=\"x} 1\n", e, error));
  EXPECT_FALSE(test::parse_exposition("a 1\nb 1\na 2\n", e, error));  // not contiguous
  EXPECT_FALSE(test::parse_exposition("a one\n", e, error));
  EXPECT_FALSE(test::parse_exposition("a{k=\"\xff\"} 1\n", e, error));  // not UTF-8
  EXPECT_FALSE(test::parse_exposition("# TYPE a counter\n# TYPE a gauge\n", e, error));
  EXPECT_FALSE(test::parse_exposition(
      "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n", e,
      error));
}

}  // namespace
}  // namespace soc
