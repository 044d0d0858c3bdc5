// A strict reader of the Prometheus text exposition format (0.0.4) for tests: what our /metrics
// writes is parsed back and checked the way Prometheus's own parser would refuse it.
#pragma once

#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace soc::test {

struct ExpositionSample {
  std::string name;
  std::map<std::string, std::string> labels;  // unescaped values
  double value = 0;
};

struct Exposition {
  std::map<std::string, std::string> help;  // family -> unescaped help
  std::map<std::string, std::string> type;  // family -> counter, gauge, histogram ...
  std::vector<ExpositionSample> samples;

  // The value of the one sample with this name and labels; NaN when absent.
  double value(std::string_view name, const std::map<std::string, std::string>& labels = {}) const {
    for (const auto& s : samples) {
      if (s.name == name && s.labels == labels) return s.value;
    }
    return std::nan("");
  }
};

namespace detail {

inline bool name_char(char c, bool first, bool colon) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':') ||
         (!first && c >= '0' && c <= '9');
}

inline bool read_name(std::string_view line, size_t& i, std::string& name, bool colon) {
  const size_t start = i;
  while (i < line.size() && name_char(line[i], i == start, colon)) ++i;
  name.assign(line.substr(start, i - start));
  return !name.empty();
}

// Prometheus refuses a label value that is not UTF-8 ("invalid UTF-8 label value").
inline bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

inline bool read_value(std::string_view text, double& v) {
  if (text == "+Inf" || text == "Inf") {
    v = INFINITY;
    return true;
  }
  if (text == "-Inf") {
    v = -INFINITY;
    return true;
  }
  if (text == "NaN") {
    v = NAN;
    return true;
  }
  const std::string s(text);
  char* end = nullptr;
  v = std::strtod(s.c_str(), &end);
  return !s.empty() && end == s.c_str() + s.size();
}

// The family a sample belongs to: histogram samples carry a suffix.
inline std::string family_of(const std::string& name,
                             const std::map<std::string, std::string>& type) {
  for (const std::string_view suffix : {"_bucket", "_sum", "_count"}) {
    if (name.size() > suffix.size() && name.ends_with(suffix)) {
      const std::string base = name.substr(0, name.size() - suffix.size());
      const auto t = type.find(base);
      if (t != type.end() && t->second == "histogram") return base;
    }
  }
  return name;
}

}  // namespace detail

// Parses `text`; on a violation returns false with `error` naming the line.
inline bool parse_exposition(std::string_view text, Exposition& out, std::string& error) {
  using namespace detail;
  if (!text.empty() && text.back() != '\n') {
    error = "text does not end with a newline";
    return false;
  }
  std::set<std::string> finished;  // families whose samples are over (must be contiguous)
  std::set<std::string> series;
  std::string current;
  size_t line_no = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    ++line_no;
    const auto fail = [&](std::string_view why) {
      error =
          "line " + std::to_string(line_no) + ": " + std::string(why) + ": " + std::string(line);
      return false;
    };
    if (line.empty()) continue;
    if (line[0] == '#') {
      if (line.starts_with("# HELP ") || line.starts_with("# TYPE ")) {
        const bool is_help = line[2] == 'H';
        size_t i = 7;
        std::string name;
        if (!read_name(line, i, name, true)) return fail("no metric name");
        if (i < line.size() && line[i] != ' ') return fail("bad metric name");
        const std::string_view rest = i < line.size() ? line.substr(i + 1) : std::string_view{};
        if (is_help) {
          if (out.help.count(name)) return fail("second HELP");
          std::string help;
          for (size_t k = 0; k < rest.size(); ++k) {
            if (rest[k] == '\\' && k + 1 < rest.size() &&
                (rest[k + 1] == '\\' || rest[k + 1] == 'n')) {
              help += rest[k + 1] == 'n' ? '\n' : '\\';
              ++k;
            } else {
              help += rest[k];
            }
          }
          out.help[name] = help;
        } else {
          if (out.type.count(name)) return fail("second TYPE");
          static const std::set<std::string_view> types = {"counter", "gauge", "histogram",
                                                           "summary", "untyped"};
          if (!types.count(rest)) return fail("unknown type");
          for (const auto& s : out.samples) {
            if (family_of(s.name, out.type) == name) return fail("TYPE after samples");
          }
          out.type[name] = std::string(rest);
        }
      }
      continue;
    }
    ExpositionSample s;
    size_t i = 0;
    if (!read_name(line, i, s.name, true)) return fail("no metric name");
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        std::string label;
        if (!read_name(line, i, label, false)) return fail("bad label name");
        if (line.substr(i, 2) != "=\"") return fail("expected =\"");
        i += 2;
        std::string value;
        for (;;) {
          if (i >= line.size()) return fail("unterminated label value");
          const char c = line[i++];
          if (c == '"') break;
          if (c == '\\') {
            if (i >= line.size()) return fail("unterminated escape");
            const char e = line[i++];
            if (e == '\\' || e == '"') {
              value += e;
            } else if (e == 'n') {
              value += '\n';
            } else {
              return fail("invalid escape in label value");
            }
            continue;
          }
          value += c;
        }
        if (s.labels.count(label)) return fail("duplicate label");
        if (!valid_utf8(value)) return fail("label value is not valid UTF-8");
        s.labels[label] = value;
        if (i < line.size() && line[i] == ',') ++i;
      }
      if (i >= line.size()) return fail("unterminated labels");
      ++i;
    }
    if (i >= line.size() || line[i] != ' ') return fail("expected a space before the value");
    std::string_view rest = line.substr(i + 1);
    const size_t sp = rest.find(' ');
    const std::string_view value_text = rest.substr(0, sp);
    if (!read_value(value_text, s.value)) return fail("bad value");
    if (sp != std::string_view::npos) {
      double ts = 0;
      if (!read_value(rest.substr(sp + 1), ts)) return fail("bad timestamp");
    }
    const std::string family = family_of(s.name, out.type);
    if (family != current) {
      if (finished.count(family)) return fail("samples of a family are not contiguous");
      if (!current.empty()) finished.insert(current);
      current = family;
    }
    std::string key = s.name;
    for (const auto& [k, v] : s.labels) key += "\x1f" + k + "=" + v;
    if (!series.insert(key).second) return fail("duplicate series");
    out.samples.push_back(std::move(s));
  }
  // Histograms: cumulative buckets ending in +Inf equal to _count.
  for (const auto& [family, t] : out.type) {
    if (t != "histogram") continue;
    std::map<std::map<std::string, std::string>, std::vector<const ExpositionSample*>> buckets;
    for (const auto& s : out.samples) {
      if (s.name != family + "_bucket") continue;
      auto labels = s.labels;
      if (!labels.erase("le")) {
        error = family + ": bucket without le";
        return false;
      }
      buckets[labels].push_back(&s);
    }
    for (const auto& [labels, list] : buckets) {
      double last = 0;
      double prev_le = -INFINITY;
      for (const auto* b : list) {
        double le = 0;
        if (!read_value(b->labels.at("le"), le) || le <= prev_le || b->value < last) {
          error = family + ": buckets not cumulative in increasing le";
          return false;
        }
        prev_le = le;
        last = b->value;
      }
      if (!std::isinf(prev_le) || out.value(family + "_count", labels) != last ||
          std::isnan(out.value(family + "_sum", labels))) {
        error = family + ": no +Inf bucket equal to _count, or no _sum";
        return false;
      }
    }
  }
  return true;
}

}  // namespace soc::test
