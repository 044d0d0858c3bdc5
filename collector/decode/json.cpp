#include "collector/decode/json.h"

#include "collector/decode/laurel.h"
#include "collector/decode/service_lines.h"
#include "collector/decode/web_error.h"

#include <simdjson.h>

#include <array>
#include <charconv>
#include <string>

#include "collector/decode/decoder_registry.h"
#include "collector/decode/syslog.h"
#include "collector/decode/text.h"

namespace soc {
namespace {

using std::string_view;
namespace dom = simdjson::dom;

constexpr std::array<string_view, 6> kProtected = {"event.original",  "agent.id",
                                                   "organization.id", "log.file.path",
                                                   "host.name",       "event.json_truncated"};

bool is_protected(string_view name) {
  for (string_view p : kProtected) {
    if (name == p) return true;
  }
  return false;
}

struct Flattener {
  Fields& f;
  size_t fields = 0;
  size_t dropped = 0;
  std::optional<SysTime> time;
  int time_rank = 4;  // lower is better: @timestamp, timestamp, time

  void emit(const std::string& name, string_view value) {
    if (fields >= kJsonMaxFields || name.empty()) {
      ++dropped;
      return;
    }
    ++fields;
    if (is_protected(name)) {
      f.set("json." + name, value);
    } else {
      f.set(name, value);
    }
  }

  // The text of a scalar: a view of the parsed string, or the number written into `buf`.
  static bool scalar_text(dom::element e, std::string& buf, string_view& out) {
    switch (e.type()) {
      case dom::element_type::STRING:
        out = e.get_string().value_unsafe();
        return true;
      case dom::element_type::INT64:
        buf = std::to_string(e.get_int64().value_unsafe());
        out = buf;
        return true;
      case dom::element_type::UINT64:
        buf = std::to_string(e.get_uint64().value_unsafe());
        out = buf;
        return true;
      case dom::element_type::DOUBLE: {
        std::array<char, 32> digits{};
        const auto r = std::to_chars(digits.data(), digits.data() + digits.size(),
                                     e.get_double().value_unsafe());
        buf.assign(digits.data(), r.ptr);
        out = buf;
        return true;
      }
      case dom::element_type::BOOL:
        out = e.get_bool().value_unsafe() ? "true" : "false";
        return true;
      case dom::element_type::NULL_VALUE:
        out = {};
        return true;
      default:
        return false;
    }
  }

  void maybe_time(const std::string& name, dom::element e) {
    int rank = 4;
    if (name == "@timestamp") rank = 1;
    if (name == "timestamp") rank = 2;
    if (name == "time") rank = 3;
    if (rank >= time_rank || e.type() != dom::element_type::STRING) return;
    if (const auto t = parse_log_time(e.get_string().value_unsafe())) {
      time = t;
      time_rank = rank;
    }
  }

  void walk(dom::element e, std::string& path, int depth) {
    std::string buf;
    string_view text;
    if (scalar_text(e, buf, text)) {
      if (depth == 1) maybe_time(path, e);
      emit(path, text);
      return;
    }
    if (depth > kJsonMaxDepth) {
      ++dropped;
      return;
    }
    const size_t base = path.size();
    if (e.type() == dom::element_type::OBJECT) {
      dom::object object;
      if (e.get_object().get(object) != simdjson::SUCCESS) return;
      for (const auto field : object) {
        if (!path.empty()) path += '.';
        path += field.key;
        walk(field.value, path, depth + 1);
        path.resize(base);
      }
      return;
    }
    // An array: scalars joined, anything else indexed.
    dom::array array;
    if (e.get_array().get(array) != simdjson::SUCCESS) return;
    bool all_scalars = true;
    for (const auto item : array) {
      const auto t = item.type();
      if (t == dom::element_type::OBJECT || t == dom::element_type::ARRAY) all_scalars = false;
    }
    if (all_scalars) {
      std::string joined, item_buf;
      string_view item_text;
      bool first = true;
      for (const auto item : array) {
        scalar_text(item, item_buf, item_text);
        if (!first) joined += ',';
        joined += item_text;
        first = false;
      }
      emit(path, joined);
      return;
    }
    size_t index = 0;
    for (const auto item : array) {
      path += '.';
      path += std::to_string(index++);
      walk(item, path, depth + 1);
      path.resize(base);
    }
  }
};

}  // namespace

bool looks_like_json(string_view s) {
  return !s.empty() && (s.front() == '{' || s.substr(0, 5) == "@cee:");
}

bool decode_json(string_view input, Fields& f, std::optional<SysTime>& time) {
  string_view s = input;
  if (text::consume(s, "@cee:")) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  }
  if (s.empty() || s.front() != '{') return false;
  // One parser and padded buffer per thread, reused: a steady stream does not allocate here.
  thread_local dom::parser parser;
  thread_local std::string buffer;
  buffer.reserve(s.size() + simdjson::SIMDJSON_PADDING);
  buffer.assign(s);
  dom::element root;
  if (parser.parse(buffer.data(), buffer.size(), false).get(root) != simdjson::SUCCESS ||
      root.type() != dom::element_type::OBJECT) {
    return false;
  }
  Flattener flat{f};
  std::string path;
  flat.walk(root, path, 0);
  if (flat.dropped > 0) f.set("event.json_truncated", std::to_string(flat.dropped));
  if (flat.time) time = flat.time;
  return true;
}

// Its entry in the decoder registry (decoder_registry.h).
namespace {

constexpr std::string_view kJsonFormats[] = {"one JSON object per line", "rsyslog @cee: JSON"};
constexpr std::string_view kJsonShape[] = {"{", "@"};

bool decode_json_shape(std::string_view text, const ReadTime& /*read*/, Fields& fields,
                       std::optional<SysTime>& time) {
  if (!looks_like_json(text)) return false;
  if (decode_laurel(text, fields, time)) return true;  // laurel's audit events are JSON lines
  if (!decode_json(text, fields, time)) return false;
  refine_service_json(fields);           // services' JSON logs (MongoDB 4.4+, ...)
  set_modsecurity_audit_fields(fields);  // ModSecurity 3's JSON audit log: the request's fields
  return true;
}

}  // namespace

extern constinit const DecoderSpec kJsonDecoder{
    .name = "json",
    .description = "JSON object lines, chosen by the line's first bytes",
    .formats = kJsonFormats,
    .shape = {.prefixes = kJsonShape,
              .text = "'{' or '@' (a '{' or '@' line that is not JSON stays undecoded)",
              .decode = decode_json_shape},
};

}  // namespace soc
