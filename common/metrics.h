// One metrics registry for agent and collector: typed counters, gauges and histograms with
// labels, rendered in one place to the Prometheus text exposition format (version 0.0.4).
//
// Registration (a family, or a family's child for a set of label values) takes a mutex and
// happens at start-up or when a new label value first appears; updating a metric is one relaxed
// atomic operation, so hot paths keep a `Counter&` and increment it. Rendering reads the atomics
// while updates go on: each sample is exact, the exposition as a whole is not a snapshot (as in
// every Prometheus client library).
#pragma once

#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace soc {

enum class MetricType { counter, gauge, histogram };

// Monotonic count. `++c` and `c += n` let code that counted in a plain integer keep its shape.
class Counter {
 public:
  void inc(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  Counter& operator++() {
    inc();
    return *this;
  }
  Counter& operator+=(uint64_t n) {
    inc(n);
    return *this;
  }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }
  // For a counter that mirrors a total kept elsewhere (a component replaced on reload hands its
  // count on); the caller keeps it monotonic.
  void set_total(uint64_t total) { value_.store(total, std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// A value that goes up and down.
class Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void add(double v) { value_.fetch_add(v, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Counts observations into buckets with fixed upper bounds (inclusive, as Prometheus's `le`),
// plus their sum and count.
class Histogram {
 public:
  // `bounds` must be sorted ascending; +Inf is implicit.
  explicit Histogram(std::vector<double> bounds);
  void observe(double v);

  const std::vector<double>& bounds() const { return bounds_; }
  // Cumulative count of observations <= bounds()[i]; i == bounds().size() is +Inf (= count()).
  uint64_t cumulative(size_t i) const;
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // per bucket, not cumulative; last is +Inf
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

// What a family needs that does not depend on its metric type.
class MetricFamilyBase {
 public:
  MetricFamilyBase(std::string name, std::string help, MetricType type,
                   std::vector<std::string> label_names)
      : name_(std::move(name)),
        help_(std::move(help)),
        type_(type),
        label_names_(std::move(label_names)) {}
  virtual ~MetricFamilyBase() = default;
  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  MetricType type() const { return type_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  // Appends HELP, TYPE and every sample.
  virtual void render(std::string& out) const = 0;
  // Appends " name{labels}=value" per sample (histograms: _count and _sum), for a log line.
  virtual void render_compact(std::string& out) const = 0;

 protected:
  std::string name_;
  std::string help_;
  MetricType type_;
  std::vector<std::string> label_names_;
};

// All metrics of one name: one child per set of label values, in label-value order. A child,
// once created, lives as long as the registry, so a reference to it may be kept.
template <class Metric>
class MetricFamily final : public MetricFamilyBase {
 public:
  MetricFamily(std::string name, std::string help, MetricType type,
               std::vector<std::string> label_names, std::vector<double> bounds = {})
      : MetricFamilyBase(std::move(name), std::move(help), type, std::move(label_names)),
        bounds_(std::move(bounds)) {}

  // The child for these label values (one per label name, in order), created on first use.
  // Throws std::invalid_argument when the number of values differs from the label names': that
  // is a programming error, not input.
  Metric& with(const std::vector<std::string>& label_values);
  Metric& with(std::initializer_list<std::string_view> label_values) {
    return with(std::vector<std::string>(label_values.begin(), label_values.end()));
  }

  void render(std::string& out) const override;
  void render_compact(std::string& out) const override;

 private:
  std::vector<double> bounds_;  // histograms only
  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, std::unique_ptr<Metric>> children_;
};

using CounterFamily = MetricFamily<Counter>;
using GaugeFamily = MetricFamily<Gauge>;
using HistogramFamily = MetricFamily<Histogram>;

class MetricsRegistry {
 public:
  // Registering a name again returns the family already there when type, label names (and
  // bounds) agree, and throws std::invalid_argument otherwise or when a name is not a valid
  // Prometheus name: names are fixed in code, never taken from input.
  CounterFamily& counter_family(std::string_view name, std::string_view help,
                                std::vector<std::string> label_names);
  GaugeFamily& gauge_family(std::string_view name, std::string_view help,
                            std::vector<std::string> label_names);
  HistogramFamily& histogram_family(std::string_view name, std::string_view help,
                                    std::vector<std::string> label_names,
                                    std::vector<double> bounds);

  // A family without labels and its one metric.
  Counter& counter(std::string_view name, std::string_view help) {
    return counter_family(name, help, {}).with({});
  }
  Gauge& gauge(std::string_view name, std::string_view help) {
    return gauge_family(name, help, {}).with({});
  }
  Histogram& histogram(std::string_view name, std::string_view help, std::vector<double> bounds) {
    return histogram_family(name, help, {}, std::move(bounds)).with({});
  }

  // Every family in registration order, in the text exposition format (Content-Type
  // "text/plain; version=0.0.4").
  std::string prometheus_text() const;
  // "name=value name{label=\"v\"}=value ..." on one line, for a periodic log line.
  std::string compact_text() const;

 private:
  template <class Family>
  Family& add(std::string_view name, std::string_view help, MetricType type,
              std::vector<std::string> label_names, std::vector<double> bounds);

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<MetricFamilyBase>> families_;
};

// The exposition format's escapes: a label value escapes backslash, double quote and newline;
// HELP text backslash and newline. Bytes that are not valid UTF-8 (the format is UTF-8) become
// the text \xNN, so a value taken from a log cannot break the exposition.
std::string escape_label_value(std::string_view v);
std::string escape_help(std::string_view v);
// A sample value: integers without a fraction, +Inf, -Inf, NaN.
std::string format_metric_value(double v);

}  // namespace soc
