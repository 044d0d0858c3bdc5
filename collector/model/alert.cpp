#include "collector/model/alert.h"

#include <nlohmann/json.hpp>

#include <optional>

namespace soc {
namespace {

using nlohmann::json;

json envelope_json(const Envelope& e) {
  // Reuse the wire serialiser: it escapes invalid UTF-8 as the text \xNN, which nlohmann would
  // otherwise refuse to dump. Its output is always valid JSON.
  json j = json::parse(to_json(e), nullptr, /*allow_exceptions=*/false);
  if (!j.is_discarded()) return j;
  return json{{"v", kEnvelopeVersion}, {"agent", e.agent}, {"host", e.host}, {"org", e.org},
              {"src", e.src},          {"seq", e.seq},     {"ts", e.ts},     {"msg", e.msg}};
}

// Reads the fields of one JSON object, remembering the first problem so callers check once.
class FieldReader {
 public:
  FieldReader(const json& obj, std::string where) : obj_(obj), where_(std::move(where)) {}

  const std::string& error() const { return error_; }
  bool ok() const { return error_.empty(); }

  const json* find(const char* key, bool required) {
    const auto it = obj_.find(key);
    if (it == obj_.end() || it->is_null()) {
      if (required) fail(key, "is missing");
      return nullptr;
    }
    return &*it;
  }

  void str(const char* key, std::string& out, bool required = false) {
    const json* v = find(key, required);
    if (v == nullptr) return;
    if (!v->is_string()) return fail(key, "must be a string");
    out = v->get<std::string>();
  }

  void u64(const char* key, uint64_t& out, bool required = false) {
    const json* v = find(key, required);
    if (v == nullptr) return;
    if (!v->is_number_unsigned()) return fail(key, "must be a non-negative integer");
    out = v->get<uint64_t>();
  }

  void boolean(const char* key, bool& out) {
    const json* v = find(key, false);
    if (v == nullptr) return;
    if (!v->is_boolean()) return fail(key, "must be true or false");
    out = v->get<bool>();
  }

  void time(const char* key, SysTime& out) {
    std::string s;
    str(key, s, true);
    if (!ok()) return;
    const auto t = parse_rfc3339(s);
    if (!t) return fail(key, "is not an RFC 3339 time: " + s);
    out = *t;
  }

  void fail(const char* key, const std::string& what) {
    if (error_.empty()) error_ = where_ + "\"" + key + "\" " + what;
  }

 private:
  const json& obj_;
  std::string where_;
  std::string error_;
};

std::optional<std::string> read_envelope(const json& j, size_t index, Envelope& e) {
  const std::string where = "evidence[" + std::to_string(index) + "]";
  if (!j.is_object()) return where + " must be an object";
  FieldReader r(j, where + ".");
  r.str("agent", e.agent);
  r.str("host", e.host);
  r.str("org", e.org);
  r.str("src", e.src);
  r.u64("seq", e.seq);
  r.str("ts", e.ts);
  r.str("msg", e.msg);
  r.boolean("trunc", e.trunc);
  if (!r.ok()) return r.error();
  return std::nullopt;
}

}  // namespace

json to_json(const Alert& a) {
  json group = json::array();
  for (const auto& [k, v] : a.group) group.push_back({{"key", k}, {"value", v}});
  json evidence = json::array();
  for (const auto& e : a.evidence) evidence.push_back(envelope_json(e));
  return json{
      {"id", a.id},
      {"rule_id", a.rule.id},
      {"title", a.rule.title},
      {"title_vi", a.rule.title_vi},
      {"severity", std::string(to_string(a.rule.severity))},
      {"mitre", a.rule.mitre},
      {"author", a.rule.author},
      {"sigma_id", a.rule.sigma_id},
      {"references", a.rule.references},
      {"host", a.host},
      {"org", a.org},
      {"agent", a.agent},
      {"group", std::move(group)},
      {"status", a.status},
      {"window_start", format_rfc3339_utc(a.window_start)},
      {"first_seen", format_rfc3339_utc(a.first_seen)},
      {"last_seen", format_rfc3339_utc(a.last_seen)},
      {"created_at", format_rfc3339_utc(a.created_at)},
      {"updated_at", format_rfc3339_utc(a.updated_at)},
      {"count", a.count},
      {"evidence", std::move(evidence)},
  };
}

std::string alert_to_json_string(const Alert& a, int indent) {
  return to_json(a).dump(indent, ' ', /*ensure_ascii=*/false, json::error_handler_t::replace);
}

Result<Alert> alert_from_json_value(const json& j) {
  if (!j.is_object()) return Error::invalid_input("alert JSON must be an object");
  Alert a;
  FieldReader r(j, "alert field ");
  r.str("id", a.id, true);
  r.str("rule_id", a.rule.id, true);
  r.str("title", a.rule.title);
  r.str("title_vi", a.rule.title_vi);
  std::string severity;
  r.str("severity", severity, true);
  if (r.ok()) {
    const auto s = parse_severity(severity);
    if (!s) r.fail("severity", "is not low, medium, high or critical: " + severity);
    if (s) a.rule.severity = *s;
  }
  const auto strings = [&](const char* name, std::vector<std::string>& out) {
    const json* m = r.find(name, false);
    if (m == nullptr) return;
    if (!m->is_array()) r.fail(name, "must be an array of strings");
    for (const auto& t : m->is_array() ? *m : json::array()) {
      if (!t.is_string()) {
        r.fail(name, "must be an array of strings");
        break;
      }
      out.push_back(t.get<std::string>());
    }
  };
  strings("mitre", a.rule.mitre);
  r.str("author", a.rule.author);
  r.str("sigma_id", a.rule.sigma_id);
  strings("references", a.rule.references);
  r.str("host", a.host);
  r.str("org", a.org);
  r.str("agent", a.agent);
  if (const json* g = r.find("group", false)) {
    if (!g->is_array()) r.fail("group", "must be an array of {\"key\",\"value\"} objects");
    for (const auto& kv : g->is_array() ? *g : json::array()) {
      const auto k = kv.is_object() ? kv.find("key") : kv.end();
      const auto v = kv.is_object() ? kv.find("value") : kv.end();
      if (k == kv.end() || v == kv.end() || !k->is_string() || !v->is_string()) {
        r.fail("group", "must be an array of {\"key\",\"value\"} objects");
        break;
      }
      a.group.emplace_back(k->get<std::string>(), v->get<std::string>());
    }
  }
  r.str("status", a.status, true);
  r.time("window_start", a.window_start);
  r.time("first_seen", a.first_seen);
  r.time("last_seen", a.last_seen);
  r.time("created_at", a.created_at);
  r.time("updated_at", a.updated_at);
  r.u64("count", a.count, true);
  if (!r.ok()) return Error::invalid_input(r.error());
  if (const json* ev = r.find("evidence", false)) {
    if (!ev->is_array()) return Error::invalid_input("alert field \"evidence\" must be an array");
    a.evidence.resize(ev->size());
    for (size_t i = 0; i < ev->size(); ++i) {
      if (auto err = read_envelope((*ev)[i], i, a.evidence[i])) return Error::invalid_input(*err);
    }
  }
  return a;
}

Result<Alert> alert_from_json(std::string_view text) {
  try {
    return alert_from_json_value(json::parse(text));
  } catch (const json::parse_error& e) {
    return Error::invalid_input(std::string("alert JSON is malformed: ") + e.what());
  }
}

}  // namespace soc
