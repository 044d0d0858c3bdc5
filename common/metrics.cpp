#include "common/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <type_traits>

#include "common/printable.h"

namespace soc {
namespace {

bool valid_name(std::string_view name, bool metric) {
  if (name.empty()) return false;
  const auto first_ok = [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (metric && c == ':');
  };
  const auto rest_ok = [&](char c) { return first_ok(c) || (c >= '0' && c <= '9'); };
  if (!first_ok(name[0])) return false;
  return std::all_of(name.begin() + 1, name.end(), rest_ok);
}

std::string_view type_name(MetricType t) {
  switch (t) {
    case MetricType::counter:
      return "counter";
    case MetricType::gauge:
      return "gauge";
    case MetricType::histogram:
      return "histogram";
  }
  return "untyped";
}

// `{a="x",b="y"}` (with an extra label such as le appended), or nothing without labels.
void append_labels(std::string& out, const std::vector<std::string>& names,
                   const std::vector<std::string>& values, std::string_view extra_name = {},
                   std::string_view extra_value = {}) {
  if (names.empty() && extra_name.empty()) return;
  out += '{';
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ',';
    out += names[i];
    out += "=\"";
    out += escape_label_value(values[i]);
    out += '"';
  }
  if (!extra_name.empty()) {
    if (!names.empty()) out += ',';
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out += '"';
  }
  out += '}';
}

void append_sample(std::string& out, std::string_view name, std::string_view suffix,
                   const std::vector<std::string>& label_names,
                   const std::vector<std::string>& label_values, std::string_view value,
                   std::string_view extra_name = {}, std::string_view extra_value = {}) {
  out += name;
  out += suffix;
  append_labels(out, label_names, label_values, extra_name, extra_value);
  out += ' ';
  out += value;
  out += '\n';
}

}  // namespace

std::string escape_label_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (size_t i = 0; i < v.size();) {
    const size_t n = utf8_sequence_length(v, i);
    const auto c = static_cast<unsigned char>(v[i]);
    if (n == 0) {
      out += fmt::format("\\\\x{:02x}", c);  // the text \xNN, its backslash escaped
      ++i;
      continue;
    }
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c == 0x7F) {
      out += fmt::format("\\\\x{:02x}", c);  // other controls: visible, never raw
    } else {
      out.append(v.data() + i, n);
    }
    i += n;
  }
  return out;
}

std::string escape_help(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (const char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string format_metric_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{:.0f}", v);
  return fmt::format("{}", v);
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      buckets_(std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1)) {}

void Histogram::observe(double v) {
  // Buckets are few (a dozen): a linear scan beats a binary search's branches.
  size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

uint64_t Histogram::cumulative(size_t i) const {
  uint64_t total = 0;
  for (size_t k = 0; k <= i && k <= bounds_.size(); ++k) {
    total += buckets_[k].load(std::memory_order_relaxed);
  }
  return total;
}

template <class Metric>
Metric& MetricFamily<Metric>::with(const std::vector<std::string>& label_values) {
  if (label_values.size() != label_names_.size()) {
    throw std::invalid_argument(fmt::format("metric {}: {} label values for {} labels", name_,
                                            label_values.size(), label_names_.size()));
  }
  const std::lock_guard lock(mutex_);
  auto& child = children_[label_values];
  if (!child) {
    if constexpr (std::is_same_v<Metric, Histogram>) {
      child = std::make_unique<Histogram>(bounds_);
    } else {
      child = std::make_unique<Metric>();
    }
  }
  return *child;
}

template <class Metric>
void MetricFamily<Metric>::render(std::string& out) const {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name_, escape_help(help_), name_,
                     type_name(type_));
  const std::lock_guard lock(mutex_);
  for (const auto& [values, m] : children_) {
    if constexpr (std::is_same_v<Metric, Counter>) {
      append_sample(out, name_, "", label_names_, values, fmt::format("{}", m->value()));
    } else if constexpr (std::is_same_v<Metric, Gauge>) {
      append_sample(out, name_, "", label_names_, values, format_metric_value(m->value()));
    } else {
      // Observations may land while this runs: _count is written as the +Inf bucket read, so
      // the two always agree and the buckets stay cumulative.
      const auto& bounds = m->bounds();
      uint64_t cumulative = 0;
      for (size_t i = 0; i <= bounds.size(); ++i) {
        cumulative = m->cumulative(i);
        const std::string le = i < bounds.size() ? format_metric_value(bounds[i]) : "+Inf";
        append_sample(out, name_, "_bucket", label_names_, values, fmt::format("{}", cumulative),
                      "le", le);
      }
      append_sample(out, name_, "_sum", label_names_, values, format_metric_value(m->sum()));
      append_sample(out, name_, "_count", label_names_, values, fmt::format("{}", cumulative));
    }
  }
}

template <class Metric>
void MetricFamily<Metric>::render_compact(std::string& out) const {
  const std::lock_guard lock(mutex_);
  const auto sample = [&](std::string_view suffix, const std::vector<std::string>& values,
                          std::string_view value) {
    out += ' ';
    out += name_;
    out += suffix;
    append_labels(out, label_names_, values);
    out += '=';
    out += value;
  };
  for (const auto& [values, m] : children_) {
    if constexpr (std::is_same_v<Metric, Counter>) {
      sample("", values, fmt::format("{}", m->value()));
    } else if constexpr (std::is_same_v<Metric, Gauge>) {
      sample("", values, format_metric_value(m->value()));
    } else {
      sample("_count", values, fmt::format("{}", m->count()));
      sample("_sum", values, format_metric_value(m->sum()));
    }
  }
}

template class MetricFamily<Counter>;
template class MetricFamily<Gauge>;
template class MetricFamily<Histogram>;

template <class Family>
Family& MetricsRegistry::add(std::string_view name, std::string_view help, MetricType type,
                             std::vector<std::string> label_names, std::vector<double> bounds) {
  if (!valid_name(name, true)) {
    throw std::invalid_argument(fmt::format("invalid metric name '{}'", printable(name)));
  }
  for (const auto& l : label_names) {
    const bool reserved = l.starts_with("__") || (type == MetricType::histogram && l == "le");
    if (!valid_name(l, false) || reserved) {
      throw std::invalid_argument(
          fmt::format("metric {}: invalid label name '{}'", name, printable(l)));
    }
  }
  if (!std::is_sorted(bounds.begin(), bounds.end()) ||
      std::adjacent_find(bounds.begin(), bounds.end()) != bounds.end()) {
    throw std::invalid_argument(fmt::format("metric {}: bucket bounds not increasing", name));
  }
  const std::lock_guard lock(mutex_);
  for (const auto& f : families_) {
    if (f->name() != name) continue;
    auto* same = dynamic_cast<Family*>(f.get());
    if (same == nullptr || f->type() != type || f->label_names() != label_names) {
      throw std::invalid_argument(
          fmt::format("metric {} registered again with another type or labels", name));
    }
    return *same;
  }
  auto family = std::make_unique<Family>(std::string(name), std::string(help), type,
                                         std::move(label_names), std::move(bounds));
  Family& ref = *family;
  families_.push_back(std::move(family));
  return ref;
}

CounterFamily& MetricsRegistry::counter_family(std::string_view name, std::string_view help,
                                               std::vector<std::string> label_names) {
  return add<CounterFamily>(name, help, MetricType::counter, std::move(label_names), {});
}

GaugeFamily& MetricsRegistry::gauge_family(std::string_view name, std::string_view help,
                                           std::vector<std::string> label_names) {
  return add<GaugeFamily>(name, help, MetricType::gauge, std::move(label_names), {});
}

HistogramFamily& MetricsRegistry::histogram_family(std::string_view name, std::string_view help,
                                                   std::vector<std::string> label_names,
                                                   std::vector<double> bounds) {
  return add<HistogramFamily>(name, help, MetricType::histogram, std::move(label_names),
                              std::move(bounds));
}

std::string MetricsRegistry::prometheus_text() const {
  std::string out;
  const std::lock_guard lock(mutex_);
  for (const auto& f : families_) f->render(out);
  return out;
}

std::string MetricsRegistry::compact_text() const {
  std::string out;
  const std::lock_guard lock(mutex_);
  for (const auto& f : families_) f->render_compact(out);
  if (!out.empty()) out.erase(0, 1);  // the leading space
  return out;
}

}  // namespace soc
