#include "collector/detect/sigma.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <set>

#include "collector/detect/condition.h"
#include "collector/detect/engine.h"
#include "common/event_dataset.h"
#include "common/yaml_file.h"

namespace soc {
namespace {

// Thrown inside the converter, caught at convert_sigma()'s boundary.
struct Refuse {
  std::string kind;
  std::string reason;
};

[[noreturn]] void refuse(std::string kind, std::string reason) {
  throw Refuse{std::move(kind), std::move(reason)};
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// --- log sources and field mappings ------------------------------------------------------------

std::string scalar_or_empty(const YAML::Node& n);
std::vector<std::string> string_items(const YAML::Node& n);

const std::vector<std::string> kSshd = {"sshd", "sshd-session", "sshd-auth"};

const SigmaSource& process_creation_source() {
  // Process creation on Linux comes from auditd (EXECVE / SYSCALL records joined, the parent
  // from the per-host process table: collector/decode/audit_assembler.h) and sudo.
  static const SigmaSource s{
      "process_creation",
      {{"Image", "process.executable"},
       {"CommandLine", "process.command_line"},
       {"ParentImage", "process.parent.executable"},
       {"ParentCommandLine", "process.parent.command_line"},
       {"CurrentDirectory", "process.working_directory"},
       {"User", "user.name"},
       // Sysmon for Linux's LogonId is the login uid (auid) the process inherited.
       {"LogonId", "user.audit.id"},
       {"ProcessId", "process.pid"},
       {"ParentProcessId", "process.parent.pid"}},
      {{"OriginalFileName", "a Windows PE header field"},
       {"Hashes", "audit records carry no file hashes"},
       {"IntegrityLevel", "a Windows concept"}},
      "",
      {},
      ""};
  return s;
}

const SigmaSource& auditd_source() {
  // The auditd decoder's names (collector/decode/auditd.h); other keys stay auditd.data.KEY.
  static const SigmaSource s{
      "auditd",
      {{"type", "auditd.records"},
       {"key", "auditd.key"},
       {"exe", "process.executable"},
       {"comm", "process.name"},
       {"pid", "process.pid"},
       {"ppid", "process.parent.pid"},
       {"uid", "user.id"},
       {"auid", "user.audit.id"},
       {"euid", "user.effective.id"},
       {"gid", "group.id"},
       {"ses", "auditd.session"},
       {"tty", "process.tty.name"},
       {"terminal", "process.tty.name"},
       {"op", "event.action"},
       {"acct", "user.name"},
       {"addr", "source.ip"},
       {"hostname", "source.domain"},
       {"cmd", "process.command_line"},
       {"cwd", "process.working_directory"},
       {"name", "file.path"},
       {"proctitle", "process.title"},
       {"unit", "service.name"},
       {"argc", "process.args_count"}},
      {{"success", "the decoder normalises it into event.outcome (success / failure)"},
       {"res", "the decoder normalises it into event.outcome (success / failure)"}},
      "auditd.data.",
      {},
      "auditd.records"};
  return s;
}

const SigmaSource& web_source(const std::string& name) {
  // The access-log decoder's names (collector/decode/access_log.h). Proxy logs use the same.
  static const std::map<std::string, std::string> kFields = {
      {"cs-uri-query", "url.query"},
      {"c-uri-query", "url.query"},
      {"cs-uri-stem", "url.path"},
      {"c-uri-stem", "url.path"},
      {"c-uri", "url.original"},
      {"cs-uri", "url.original"},
      {"cs-method", "http.request.method"},
      {"sc-status", "http.response.status_code"},
      {"c-useragent", "user_agent.original"},
      {"cs-user-agent", "user_agent.original"},
      {"cs-referer", "http.request.referrer"},
      {"cs-referrer", "http.request.referrer"},
      {"c-ip", "source.ip"},
      {"clientip", "source.ip"},
      {"cs-username", "user.name"},
      {"cs-version", "http.version"},
      {"sc-bytes", "http.response.body.bytes"},
      // Set from the vhost_combined format and from proxy requests' absolute URLs.
      {"cs-host", "url.domain"}};
  static const std::map<std::string, std::string> kRefused = {
      {"cs-cookie", "access logs do not record cookies"},
      {"cs-content-type", "access logs do not record the request content type"},
      {"c-uri-extension", "no decoder sets the URL's file extension"},
      {"dst_ip", "access logs do not record the destination address"},
      {"r-dns", "access logs do not record the destination name"},
      {"cs-bytes", "access logs do not record the request size"}};
  // event.dataset as the decoders set it (collector/decode/web.h): an access line of a web
  // server, of a proxy (squid, haproxy, or a file whose path names one).
  static const SigmaSource webserver{
      "webserver", kFields, kRefused, "", {}, "", {std::string(kDatasetWebAccess)}};
  static const SigmaSource proxy{
      "proxy", kFields, kRefused, "", {}, "", {std::string(kDatasetProxyAccess)}};
  static const SigmaSource proxy_and_webserver{
      "proxy+webserver",
      kFields,
      kRefused,
      "",
      {},
      "",
      {std::string(kDatasetProxyAccess), std::string(kDatasetWebAccess)}};
  if (name == "proxy+webserver") return proxy_and_webserver;
  return name == "proxy" ? proxy : webserver;
}

// Sigma fields of a web request itself (not of the client that sent it): a rule on these alone
// describes the same request at a proxy and at the web server that receives it.
bool is_request_field(const std::string& field) {
  static const std::set<std::string> kRequest = {
      "c-uri",     "cs-uri",    "c-uri-query", "cs-uri-query", "c-uri-stem", "cs-uri-stem",
      "cs-method", "sc-status", "cs-host",     "cs-version",   "keywords"};
  return kRequest.count(field) > 0;
}

// The Sigma field names a detection section uses ("keywords" for keyword lists).
std::set<std::string> detection_fields(const YAML::Node& det) {
  std::set<std::string> out;
  for (const auto& kv : det) {
    if (kv.first.Scalar() == "condition") continue;
    const YAML::Node sel = kv.second;
    const auto add_map = [&](const YAML::Node& m) {
      for (const auto& f : m) {
        const std::string key = f.first.Scalar();
        out.insert(key.substr(0, key.find('|')));
      }
    };
    if (sel.IsMap()) {
      add_map(sel);
    } else if (sel.IsSequence()) {
      for (const auto& item : sel) {
        if (item.IsMap()) {
          add_map(item);
        } else {
          out.insert("keywords");
        }
      }
    } else {
      out.insert("keywords");
    }
  }
  return out;
}

// Whether a proxy rule also means an attack on web servers: it detects an exploit's request
// (tagged initial access and a CVE, or titled as an exploit), not a compromised client's
// traffic (command and control, malware downloads, user agents), and looks at request fields
// only. Then the reason, for the importer's report; else empty.
std::string proxy_rule_maps_to_webserver(const YAML::Node& root, const YAML::Node& det) {
  bool initial_access = false, c2 = false, cve = false;
  for (const auto& tag : string_items(root["tags"])) {
    initial_access = initial_access || tag == "attack.initial-access" || tag == "attack.t1190";
    c2 = c2 || tag == "attack.command-and-control" || tag == "attack.command_and_control";
    cve = cve || tag.rfind("cve.", 0) == 0;
  }
  std::string title = scalar_or_empty(root["title"]);
  for (char& c : title) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const bool exploit =
      cve || title.find("exploit") != std::string::npos || title.find("cve-") != std::string::npos;
  if (!initial_access || c2 || !exploit) return {};
  for (const auto& field : detection_fields(det)) {
    if (!is_request_field(field)) return {};
  }
  return "proxy -> proxy+webserver: an exploit request (initial access) on request fields only";
}

const SigmaSource* service_source(const std::string& service) {
  static const std::map<std::string, SigmaSource> kServices = [] {
    std::map<std::string, SigmaSource> m;
    m["sshd"] = SigmaSource{"sshd", {}, {}, "", kSshd, ""};
    m["sudo"] = SigmaSource{"sudo",
                            {{"USER", "user.effective.name"},
                             {"COMMAND", "process.command_line"},
                             {"PWD", "process.working_directory"}},
                            {},
                            "",
                            {"sudo"},
                            ""};
    m["cron"] = SigmaSource{"cron", {}, {}, "", {"cron", "CRON", "crond"}, ""};
    m["auth"] = SigmaSource{"auth", {}, {}, "", {}, ""};
    m["syslog"] = SigmaSource{"syslog", {}, {}, "", {}, ""};
    // Keyword rules over the servers' error logs (and access logs: Sigma's apache / nginx
    // services name the server, not the file).
    const std::vector<std::string> web_logs = {std::string(kDatasetWebError),
                                               std::string(kDatasetWebAccess)};
    m["apache"] = SigmaSource{"apache", {}, {}, "", {}, "", web_logs};
    m["nginx"] = SigmaSource{"nginx", {}, {}, "", {}, "", web_logs};
    return m;
  }();
  const auto it = kServices.find(service);
  return it == kServices.end() ? nullptr : &it->second;
}

// --- values ------------------------------------------------------------------------------------

// A Sigma string split into literal text and wildcards (`*` any run, `?` one character).
struct Piece {
  enum class Kind { kText, kStar, kOne };
  Kind kind = Kind::kText;
  std::string text;
};
using Pieces = std::vector<Piece>;

void add_text(Pieces& p, char c) {
  if (p.empty() || p.back().kind != Piece::Kind::kText) p.push_back({Piece::Kind::kText, ""});
  p.back().text += c;
}

// Sigma's escapes: \* and \? are literal wildcards, \\ a backslash; any other backslash is literal.
Pieces split_wildcards(std::string_view s) {
  Pieces out;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\\' && i + 1 < s.size() && (s[i + 1] == '*' || s[i + 1] == '?' || s[i + 1] == '\\')) {
      add_text(out, s[++i]);
    } else if (c == '*') {
      out.push_back({Piece::Kind::kStar, ""});
    } else if (c == '?') {
      out.push_back({Piece::Kind::kOne, ""});
    } else {
      add_text(out, c);
    }
  }
  return out;
}

bool has_wildcards(const Pieces& p) {
  return std::any_of(p.begin(), p.end(),
                     [](const Piece& x) { return x.kind != Piece::Kind::kText; });
}

std::string literal_of(const Pieces& p) {
  std::string out;
  for (const auto& x : p) out += x.text;
  return out;
}

// A literal inside a regex: metacharacters get a backslash, control bytes become \xHH.
std::string regex_escape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c != 0 && std::strchr("\\^$.|?*+()[]{}", c) != nullptr) {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// One value ready for our language: a literal with its anchoring, or a regex.
struct OutValue {
  bool anchor_start = false;
  bool anchor_end = false;
  Pieces pieces;
  std::optional<std::string> regex;  // a ready regex (re, cidr): the pieces are unused

  bool matches_anything() const {
    if (regex) return false;
    const bool empty = std::all_of(pieces.begin(), pieces.end(),
                                   [](const Piece& p) { return p.kind == Piece::Kind::kStar; });
    return empty && !(anchor_start && anchor_end && pieces.empty());
  }
  MatchKind literal_kind() const {
    if (anchor_start && anchor_end) return MatchKind::kEquals;
    if (anchor_start) return MatchKind::kStartsWith;
    if (anchor_end) return MatchKind::kEndsWith;
    return MatchKind::kContains;
  }
  std::string as_regex() const {
    if (regex) return *regex;
    std::string out = anchor_start ? "^" : "";
    for (const auto& p : pieces) {
      if (p.kind == Piece::Kind::kStar) {
        out += ".*";
      } else if (p.kind == Piece::Kind::kOne) {
        out += '.';
      } else {
        out += regex_escape(p.text);
      }
    }
    // \z, not $: $ also matches before a final newline.
    if (anchor_end) out += "\\z";
    return out;
  }
};

// Drops wildcards that anchoring makes redundant ("*abc*" unanchored is "abc") and turns a
// leading / trailing `*` into a missing anchor.
OutValue make_value(Pieces p, bool anchor_start, bool anchor_end) {
  OutValue v;
  if (!p.empty() && p.front().kind == Piece::Kind::kStar) anchor_start = false;
  if (!p.empty() && p.back().kind == Piece::Kind::kStar) anchor_end = false;
  while (!p.empty() && p.front().kind == Piece::Kind::kStar) p.erase(p.begin());
  while (!p.empty() && p.back().kind == Piece::Kind::kStar) p.pop_back();
  v.anchor_start = anchor_start;
  v.anchor_end = anchor_end;
  v.pieces = std::move(p);
  return v;
}

// One clause of our language, before emission.
struct OutClause {
  std::string field;  // ours; "keywords" for the raw line
  MatchKind kind = MatchKind::kEquals;
  std::vector<std::string> values;
  bool nocase = true;  // Sigma matches case-insensitively unless `cased` (or `re` without `i`)
  bool all = false;
  bool exists = true;  // kExists
};

std::vector<std::string> windash_variants(const std::string& s) {
  // Every '-' or '/' starting a word may be any of these (Sigma's windash).
  static const std::vector<std::string> kDashes = {"-", "/", "\xe2\x80\x93", "\xe2\x80\x94",
                                                   "\xe2\x80\x95"};
  std::vector<size_t> spots;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((s[i] == '-' || s[i] == '/') && (i == 0 || s[i - 1] == ' ')) spots.push_back(i);
  }
  if (spots.size() > 3) {
    // 5^n variants: beyond 125 the rule is better rewritten with a regex.
    refuse("modifier", fmt::format("windash over '{}' would need 5^{} variants", s, spots.size()));
  }
  std::vector<std::string> out = {""};
  size_t from = 0;
  for (size_t spot : spots) {
    std::vector<std::string> next;
    for (const auto& prefix : out) {
      for (const auto& d : kDashes) next.push_back(prefix + s.substr(from, spot - from) + d);
    }
    out = std::move(next);
    from = spot + 1;
  }
  for (auto& v : out) v += s.substr(from);
  return out;
}

std::vector<std::string> scalar_values(const YAML::Node& node, const std::string& field,
                                       bool* has_null) {
  std::vector<std::string> out;
  const auto one = [&](const YAML::Node& n) {
    if (n.IsNull()) {
      *has_null = true;
      return;
    }
    if (!n.IsScalar()) {
      refuse("value", fmt::format("field '{}': nested values are not Sigma values", field));
    }
    out.push_back(n.Scalar());
  };
  if (node.IsSequence()) {
    if (node.size() == 0) refuse("value", fmt::format("field '{}' has an empty list", field));
    for (const auto& n : node) one(n);
  } else {
    one(node);
  }
  if (*has_null && !out.empty()) {
    refuse("value", fmt::format("field '{}': null cannot be part of a list of values", field));
  }
  return out;
}

// Converts `field|mod|mod: values` into one of our clauses.
OutClause convert_field(const std::string& key, const YAML::Node& value, const SigmaSource& src) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t bar = key.find('|');; bar = key.find('|', start)) {
    parts.push_back(key.substr(start, bar == std::string::npos ? std::string::npos : bar - start));
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  const std::string sigma_field = parts[0];
  OutClause c;
  if (sigma_field.empty()) {
    c.field = "keywords";
  } else if (const auto it = src.fields.find(sigma_field); it != src.fields.end()) {
    c.field = it->second;
  } else if (const auto r = src.refused.find(sigma_field); r != src.refused.end()) {
    refuse("unmapped field", fmt::format("field '{}' ({}): {}", sigma_field, src.name, r->second));
  } else if (!src.other_prefix.empty()) {
    // auditd: the decoder keeps only the first 16 EXECVE arguments as auditd.data.aN.
    if (sigma_field.size() > 1 && sigma_field[0] == 'a' &&
        std::all_of(sigma_field.begin() + 1, sigma_field.end(), is_digit) &&
        (sigma_field.size() > 3 || std::stoi(sigma_field.substr(1)) > 15)) {
      refuse("unmapped field",
             fmt::format("field '{}' ({}): the decoder keeps the first 16 arguments only",
                         sigma_field, src.name));
    }
    c.field = src.other_prefix + sigma_field;
  } else {
    refuse("unmapped field",
           fmt::format("field '{}' ({}): no decoder provides it", sigma_field, src.name));
  }

  enum class Type { kPlain, kContains, kStartsWith, kEndsWith, kRe, kCidr, kExists };
  Type type = Type::kPlain;
  bool cased = false, re_i = false, all = false;
  std::vector<std::string> transforms;  // base64, base64offset, windash, in order
  const auto set_type = [&](Type t, const std::string& m) {
    if (type != Type::kPlain) {
      refuse("modifier",
             fmt::format("field '{}': '{}' combined with another match modifier", sigma_field, m));
    }
    type = t;
  };
  for (size_t i = 1; i < parts.size(); ++i) {
    const std::string& m = parts[i];
    if (m == "contains") {
      set_type(Type::kContains, m);
    } else if (m == "startswith") {
      set_type(Type::kStartsWith, m);
    } else if (m == "endswith") {
      set_type(Type::kEndsWith, m);
    } else if (m == "re") {
      set_type(Type::kRe, m);
    } else if (m == "cidr") {
      set_type(Type::kCidr, m);
    } else if (m == "exists") {
      set_type(Type::kExists, m);
    } else if (m == "all") {
      all = true;
    } else if (m == "cased") {
      cased = true;
    } else if (m == "i" && type == Type::kRe) {
      re_i = true;
    } else if (m == "s" && type == Type::kRe) {
      // '.' matching newlines is our default already.
    } else if (m == "base64" || m == "base64offset" || m == "windash") {
      if (type != Type::kPlain) {
        refuse("modifier", fmt::format("field '{}': '{}' after a match modifier", sigma_field, m));
      }
      transforms.push_back(m);
    } else {
      refuse("modifier", fmt::format("modifier '{}' is not supported", m));
    }
  }

  bool has_null = false;
  const std::vector<std::string> raw = scalar_values(value, sigma_field, &has_null);
  if (type == Type::kExists) {
    if (raw.size() != 1 || (raw[0] != "true" && raw[0] != "false")) {
      refuse("value", fmt::format("field '{}': exists takes true or false", sigma_field));
    }
    if (c.field == "keywords") refuse("value", "exists on keywords");
    c.kind = MatchKind::kExists;
    c.exists = raw[0] == "true";
    return c;
  }
  if (has_null) {
    if (type != Type::kPlain || !transforms.empty() || c.field == "keywords") {
      refuse("value", fmt::format("field '{}': null with modifiers", sigma_field));
    }
    // Sigma's null: the field is absent (our decoders leave out empty values such as "-").
    c.kind = MatchKind::kExists;
    c.exists = false;
    return c;
  }
  if (all && raw.size() < 2 && transforms.empty()) {
    // Sigma forbids `all` on one value; it means the same as without.
    all = false;
  }
  c.all = all;
  c.nocase = !cased;

  std::vector<OutValue> values;
  if (type == Type::kRe || type == Type::kCidr) {
    if (!transforms.empty()) refuse("modifier", "base64 / windash combined with re or cidr");
    for (const auto& r : raw) {
      OutValue v;
      if (type == Type::kRe) {
        v.regex = r;
      } else {
        v.regex = sigma_cidr_regex(r);
        if (!v.regex) {
          refuse("modifier", fmt::format("cidr '{}': only IPv4 networks are supported", r));
        }
      }
      values.push_back(std::move(v));
    }
    c.nocase = type == Type::kRe ? re_i : true;
  } else {
    const bool keyword = c.field == "keywords";
    const bool a_start = !keyword && (type == Type::kPlain || type == Type::kStartsWith);
    const bool a_end = !keyword && (type == Type::kPlain || type == Type::kEndsWith);
    for (const auto& r : raw) {
      std::vector<std::string> texts = {r};
      if (!transforms.empty()) {
        if (has_wildcards(split_wildcards(r))) {
          refuse("modifier", fmt::format("field '{}': wildcards cannot be base64 / windash encoded",
                                         sigma_field));
        }
        texts = {literal_of(split_wildcards(r))};
        for (const auto& t : transforms) {
          std::vector<std::string> next;
          for (const auto& x : texts) {
            if (t == "base64") {
              next.push_back(sigma_base64(x));
            } else if (t == "base64offset") {
              for (auto& y : sigma_base64_offsets(x)) next.push_back(std::move(y));
            } else {
              for (auto& y : windash_variants(x)) next.push_back(std::move(y));
            }
          }
          texts = std::move(next);
        }
        // Encoded values are literals now: protect any '*', '?' or '\' they contain.
        for (auto& x : texts) {
          Pieces p;
          for (char ch : x) add_text(p, ch);
          values.push_back(make_value(std::move(p), a_start, a_end));
        }
        continue;
      }
      values.push_back(make_value(split_wildcards(r), a_start, a_end));
    }
    if (all && values.size() < 2) c.all = false;
  }

  // A value that matches anything: alone (or OR-ed) the clause only asks for the field.
  std::vector<OutValue> kept;
  bool anything = false;
  for (auto& v : values) {
    if (v.matches_anything()) {
      anything = true;
    } else {
      kept.push_back(std::move(v));
    }
  }
  if (anything && (!c.all || kept.empty())) {
    if (c.field == "keywords") refuse("value", "a keyword that matches every line");
    c.kind = MatchKind::kExists;
    c.exists = true;
    return c;
  }
  values = std::move(kept);

  const bool all_literal = std::all_of(values.begin(), values.end(), [&](const OutValue& v) {
    return !v.regex && !has_wildcards(v.pieces) && v.literal_kind() == values[0].literal_kind();
  });
  if (all_literal) {
    c.kind = values[0].literal_kind();
    for (const auto& v : values) c.values.push_back(literal_of(v.pieces));
  } else {
    c.kind = MatchKind::kRegex;
    for (const auto& v : values) c.values.push_back(v.as_regex());
  }
  if (c.field == "keywords" && c.kind == MatchKind::kEquals) c.kind = MatchKind::kContains;
  if (c.field == "auditd.records" && c.kind == MatchKind::kEquals) {
    // An audit event joins its records (collector/decode/audit_assembler.h): `type: EXECVE`
    // means "has an EXECVE record", one word of auditd.records.
    // Record types are upper case: a case-sensitive regex is cheaper to scan.
    c.kind = MatchKind::kRegex;
    c.nocase = false;
    for (auto& v : c.values) {
      for (char& ch : v) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      v = "(^| )" + regex_escape(v) + "( |$)";
    }
  }
  return c;
}

using Alternative = std::vector<OutClause>;

std::vector<Alternative> convert_selection(const std::string& name, const YAML::Node& node,
                                           const SigmaSource& src) {
  std::vector<Alternative> alts;
  const auto from_map = [&](const YAML::Node& m) {
    if (m.size() == 0) refuse("selection", fmt::format("selection '{}' is empty", name));
    Alternative a;
    for (const auto& kv : m) a.push_back(convert_field(kv.first.Scalar(), kv.second, src));
    return a;
  };
  if (node.IsMap()) {
    alts.push_back(from_map(node));
  } else if (node.IsSequence() && node.size() > 0) {
    const bool scalars =
        std::all_of(node.begin(), node.end(), [](const YAML::Node& n) { return n.IsScalar(); });
    const bool maps =
        std::all_of(node.begin(), node.end(), [](const YAML::Node& n) { return n.IsMap(); });
    if (scalars) {
      alts.push_back({convert_field("", node, src)});  // keywords
    } else if (maps) {
      for (const auto& m : node) alts.push_back(from_map(m));
    } else {
      refuse("selection", fmt::format("selection '{}' mixes keywords and field maps", name));
    }
  } else if (node.IsScalar()) {
    alts.push_back({convert_field("", node, src)});
  } else {
    refuse("selection", fmt::format("selection '{}' is empty", name));
  }
  return alts;
}

// --- emission ----------------------------------------------------------------------------------

void emit_clause(YAML::Emitter& out, const OutClause& c) {
  out << YAML::Key << c.field << YAML::Value << YAML::Flow << YAML::BeginMap;
  if (c.kind == MatchKind::kExists) {
    out << YAML::Key << "exists" << YAML::Value << c.exists;
  } else {
    out << YAML::Key << std::string(to_string(c.kind)) << YAML::Value;
    if (c.values.size() == 1) {
      out << YAML::SingleQuoted << c.values[0];
    } else {
      out << YAML::Flow << YAML::BeginSeq;
      for (const auto& v : c.values) out << YAML::SingleQuoted << v;
      out << YAML::EndSeq;
    }
    if (c.nocase) out << YAML::Key << "nocase" << YAML::Value << true;
    if (c.all) out << YAML::Key << "all" << YAML::Value << true;
  }
  out << YAML::EndMap;
}

void emit_map(YAML::Emitter& out, const Alternative& a) {
  out << YAML::BeginMap;
  for (const auto& c : a) emit_clause(out, c);
  out << YAML::EndMap;
}

// A generated selection of our language: a name and its alternatives (maps with unique fields).
struct OutSelection {
  std::string name;
  std::vector<Alternative> alts;
};

bool valid_name(const std::string& s) {
  return !s.empty() && !is_condition_keyword(s) && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

// Splits Sigma selection `name` into our selections (a map cannot name a field twice, Sigma's
// can) and returns the condition expression standing for it.
std::string plan_selection(const std::string& name, const std::vector<Alternative>& alts,
                           std::set<std::string>& taken, std::vector<OutSelection>& out) {
  std::string base = name;
  for (auto& ch : base) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_' && ch != '.' && ch != '-')
      ch = '_';
  }
  if (!valid_name(base)) base += "_";
  const auto fresh = [&](const std::string& want) {
    std::string n = want;
    for (int i = 2; taken.count(n); ++i) n = want + "_" + std::to_string(i);
    taken.insert(n);
    return n;
  };
  // Layers: the k-th clause on a field goes to layer k, so every layer has unique fields.
  std::vector<std::vector<Alternative>> layered;
  bool simple = true;
  for (const auto& a : alts) {
    std::vector<Alternative> layers;
    std::map<std::string, size_t> seen;
    for (const auto& c : a) {
      const size_t k = seen[c.field]++;
      if (layers.size() <= k) layers.resize(k + 1);
      layers[k].push_back(c);
    }
    simple = simple && layers.size() == 1;
    layered.push_back(std::move(layers));
  }
  if (simple) {
    OutSelection s{fresh(base), {}};
    for (auto& l : layered) s.alts.push_back(std::move(l[0]));
    const std::string n = s.name;
    out.push_back(std::move(s));
    return n;
  }
  std::vector<std::string> ors;
  int part = 0;
  for (size_t i = 0; i < layered.size(); ++i) {
    std::vector<std::string> ands;
    for (auto& layer : layered[i]) {
      OutSelection s{fresh(fmt::format("{}__{}", base, ++part)), {{std::move(layer)}}};
      ands.push_back(s.name);
      out.push_back(std::move(s));
    }
    std::string joined;
    for (const auto& a : ands) joined += (joined.empty() ? "" : " and ") + a;
    ors.push_back(ands.size() > 1 && layered.size() > 1 ? "(" + joined + ")" : joined);
  }
  std::string expr;
  for (const auto& o : ors) expr += (expr.empty() ? "" : " or ") + o;
  return ors.size() > 1 || layered[0].size() > 1 ? "(" + expr + ")" : expr;
}

// Our condition text for a Sigma condition whose names are replaced by `expr_of`.
std::string emit_condition(const CondExpr& e, const std::map<std::string, std::string>& expr_of) {
  const auto child = [&](const CondExpr& k) {
    const bool group =
        (k.kind == CondExpr::Kind::kAnd || k.kind == CondExpr::Kind::kOr) && e.kind != k.kind;
    const std::string s = emit_condition(k, expr_of);
    return group ? "(" + s + ")" : s;
  };
  switch (e.kind) {
    case CondExpr::Kind::kName:
      return expr_of.at(e.name);
    case CondExpr::Kind::kNot:
      return "not " + child(e.kids.at(0));
    case CondExpr::Kind::kAnd:
    case CondExpr::Kind::kOr: {
      std::string out;
      for (const auto& k : e.kids) {
        if (!out.empty()) out += e.kind == CondExpr::Kind::kAnd ? " and " : " or ";
        out += child(k);
      }
      return out;
    }
    case CondExpr::Kind::kAnyOf:
    case CondExpr::Kind::kAllOf:
      break;  // expanded before
  }
  return "";
}

void used_names(const CondExpr& e, std::set<std::string>& out) {
  if (e.kind == CondExpr::Kind::kName) out.insert(e.name);
  for (const auto& k : e.kids) used_names(k, out);
}

std::string scalar_or_empty(const YAML::Node& n) {
  return n && n.IsScalar() ? n.Scalar() : "";
}

std::vector<std::string> string_items(const YAML::Node& n) {
  std::vector<std::string> out;
  if (!n) return out;
  if (n.IsScalar()) {
    out.push_back(n.Scalar());
  } else if (n.IsSequence()) {
    for (const auto& x : n) {
      if (x.IsScalar() && !x.Scalar().empty()) out.push_back(x.Scalar());
    }
  }
  return out;
}

// attack.t1059.004 -> T1059.004; other tags (tactics, cve.*, detection.*) are not techniques.
std::optional<std::string> mitre_of(const std::string& tag) {
  if (tag.size() < 12 || tag.compare(0, 8, "attack.t") != 0) return std::nullopt;
  std::string t = tag.substr(7);
  t[0] = 'T';
  const auto digits = [&](size_t from, size_t n) {
    for (size_t i = from; i < from + n; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(t[i]))) return false;
    }
    return true;
  };
  if (t.size() == 5 && digits(1, 4)) return t;
  if (t.size() == 9 && digits(1, 4) && t[5] == '.' && digits(6, 3)) return t;
  return std::nullopt;
}

SigmaConverted convert(const std::string& text, const std::string& id,
                       const std::string& source_name) {
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    refuse("yaml", fmt::format("YAML syntax error at line {}: {}", e.mark.line + 1, e.msg));
  }
  if (const auto at = yaml_open_quote(text)) {  // yaml-cpp may take it silently
    refuse("yaml", fmt::format("YAML syntax error at line {}: quoted string not closed before the "
                               "end of the file",
                               at->line + 1));
  }
  if (docs.size() != 1) {
    refuse("multi-document", "multi-document rule collections (action: global) are not supported");
  }
  const YAML::Node root = docs[0];
  if (!root.IsMap()) refuse("yaml", "not a Sigma rule (expected a mapping)");
  if (root["correlation"] || scalar_or_empty(root["type"]) == "correlation") {
    refuse("correlation", "correlation rules (event_count, temporal ...) are not supported");
  }
  if (root["filter"]) refuse("filter", "Sigma filter (meta) rules are not supported");
  const std::string status = scalar_or_empty(root["status"]);
  if (status == "deprecated" || status == "unsupported") {
    refuse("status", fmt::format("status '{}'", status));
  }
  const YAML::Node det = root["detection"];
  if (!det || !det.IsMap()) refuse("yaml", "no detection section");
  if (det["timeframe"]) {
    refuse("aggregation", "timeframe / aggregation conditions are not supported (use threshold)");
  }

  // Log source.
  const YAML::Node ls = root["logsource"];
  const SigmaSourceLookup found =
      sigma_source(scalar_or_empty(ls["product"]), scalar_or_empty(ls["category"]),
                   scalar_or_empty(ls["service"]));
  if (!found.source) refuse("logsource", found.reason);
  const std::string mapped_across =
      found.source->name == "proxy" ? proxy_rule_maps_to_webserver(root, det) : std::string();
  const SigmaSource& src = mapped_across.empty() ? *found.source : web_source("proxy+webserver");

  // Selections, in file order.
  std::vector<std::string> names;
  std::map<std::string, std::vector<Alternative>> sigma_sel;
  for (const auto& kv : det) {
    const std::string name = kv.first.Scalar();
    if (name == "condition") continue;
    names.push_back(name);
    sigma_sel[name] = convert_selection(name, kv.second, src);
  }

  // Condition(s): a list means any of them.
  std::vector<std::string> cond_texts = string_items(det["condition"]);
  if (cond_texts.empty()) refuse("condition", "no condition");
  std::vector<CondExpr> conds;
  for (const auto& t : cond_texts) {
    if (t.find('|') != std::string::npos) {
      refuse("aggregation",
             fmt::format("condition '{}': aggregations (| count() ...) are not supported", t));
    }
    CondParse p = parse_condition(t);
    if (!p.expr) refuse("condition", fmt::format("condition '{}': {}", t, p.error.message));
    if (auto err = expand_condition(*p.expr, names)) {
      refuse("condition", fmt::format("condition '{}': {}", t, err->message));
    }
    conds.push_back(std::move(*p.expr));
  }
  std::set<std::string> used;
  for (const auto& c : conds) used_names(c, used);

  std::set<std::string> taken = {"_logsource"};
  std::vector<OutSelection> out_sel;
  std::map<std::string, std::string> expr_of;
  for (const auto& n : names) {
    if (used.count(n)) expr_of[n] = plan_selection(n, sigma_sel[n], taken, out_sel);
  }
  std::string condition;
  for (const auto& c : conds) {
    const std::string s = emit_condition(c, expr_of);
    condition += condition.empty() ? s : " or " + s;
  }
  if (conds.size() > 1) condition = "(" + condition + ")";
  {
    // Re-print through the parser: drops the parentheses the substitution made redundant.
    CondParse p = parse_condition(condition);
    if (p.expr) condition = to_string(*p.expr);
  }
  if (!src.programs.empty() || !src.present.empty() || !src.datasets.empty()) {
    OutClause scope;
    if (!src.datasets.empty()) {
      scope.field = "event.dataset";
      scope.kind = MatchKind::kEquals;
      scope.values = src.datasets;
      scope.nocase = false;
    } else if (!src.programs.empty()) {
      scope.field = "process.name";
      scope.kind = MatchKind::kEquals;
      scope.values = src.programs;
      scope.nocase = false;
    } else {
      scope.field = src.present;
      scope.kind = MatchKind::kExists;
      scope.exists = true;
    }
    out_sel.push_back({"_logsource", {{scope}}});
    const bool compound = condition.find(' ') != std::string::npos;
    condition = "_logsource and " + (compound ? "(" + condition + ")" : condition);
  }

  // Metadata.
  const std::string title = scalar_or_empty(root["title"]);
  const std::string level = scalar_or_empty(root["level"]);
  std::string severity = "medium";
  if (level == "informational" || level == "low") {
    severity = "low";
  } else if (level == "medium" || level == "high" || level == "critical") {
    severity = level;
  } else if (!level.empty()) {
    refuse("level", fmt::format("unknown level '{}'", level));
  }
  std::vector<std::string> mitre;
  for (const auto& tag : string_items(root["tags"])) {
    if (auto m = mitre_of(tag); m && std::find(mitre.begin(), mitre.end(), *m) == mitre.end()) {
      mitre.push_back(*m);
    }
  }
  std::string description = scalar_or_empty(root["description"]);
  const auto fps = string_items(root["falsepositives"]);
  if (!fps.empty()) {
    std::string joined;
    for (const auto& f : fps) joined += (joined.empty() ? "" : "; ") + f;
    description += (description.empty() ? "" : "\n") + ("False positives: " + joined);
  }
  const std::string author = scalar_or_empty(root["author"]);
  const std::string sigma_id = scalar_or_empty(root["id"]);

  YAML::Emitter out;
  out.SetIndent(2);
  out << YAML::BeginMap;
  out << YAML::Key << "id" << YAML::Value << id;
  out << YAML::Key << "title" << YAML::Value << (title.empty() ? id : title);
  if (!description.empty()) {
    out << YAML::Key << "description" << YAML::Value << YAML::Literal << description;
  }
  out << YAML::Key << "severity" << YAML::Value << severity;
  if (!mitre.empty()) {
    out << YAML::Key << "mitre" << YAML::Value << YAML::Flow << mitre;
  }
  if (!author.empty()) out << YAML::Key << "author" << YAML::Value << author;
  if (!sigma_id.empty()) out << YAML::Key << "sigma_id" << YAML::Value << sigma_id;
  const auto refs = string_items(root["references"]);
  if (!refs.empty()) out << YAML::Key << "references" << YAML::Value << refs;
  out << YAML::Key << "selections" << YAML::Value << YAML::BeginMap;
  for (const auto& s : out_sel) {
    out << YAML::Key << s.name << YAML::Value;
    if (s.alts.size() == 1) {
      emit_map(out, s.alts[0]);
    } else {
      out << YAML::BeginSeq;
      for (const auto& a : s.alts) emit_map(out, a);
      out << YAML::EndSeq;
    }
  }
  out << YAML::EndMap;
  out << YAML::Key << "condition" << YAML::Value << condition;
  out << YAML::EndMap;
  if (!out.good()) refuse("internal", fmt::format("YAML emitter: {}", out.GetLastError()));

  std::string header =
      fmt::format("# Converted from Sigma by socctl rules import-sigma: {}\n", source_name);
  if (!author.empty()) {
    header += fmt::format("# Sigma rule by {}.\n", author);
  }
  header +=
      "# Detection Rule License 1.1 (https://github.com/SigmaHQ/Detection-Rule-License): keep the\n"
      "# author attribution with this rule and with the alerts it raises.\n";
  std::string yaml = header + out.c_str() + "\n";

  // Proof that the rule loads and compiles: our loader and Hyperscan have the last word.
  // Patterns are checked apart from loading so that a regex Hyperscan refuses is told from other
  // load errors by where it failed, not by the wording of the message.
  auto loaded = load_rules_text(yaml, id + ".yml (converted)", PatternCheck::kSkip);
  if (!loaded.ok()) {
    const std::string& e = loaded.error();
    refuse("rule loader", e.substr(0, e.find('\n')));
  }
  if (loaded->size() != 1) refuse("internal", "the converted text did not hold one rule");
  if (Status patterns = check_rule_patterns(loaded->front()); !patterns.ok()) {
    refuse("regex", patterns.error());
  }
  return SigmaConverted{id, std::move(yaml), std::move(loaded->front()), mapped_across};
}

}  // namespace

SigmaSourceLookup sigma_source(const std::string& product, const std::string& category,
                               const std::string& service) {
  const std::string what =
      fmt::format("logsource product '{}' category '{}' service '{}'", product, category, service);
  if (category == "webserver" || category == "proxy") {
    if (!service.empty()) return {nullptr, what + ": web services are not told apart"};
    return {&web_source(category), ""};
  }
  if (category.empty() && (service == "apache" || service == "nginx") &&
      (product.empty() || product == service)) {
    return {service_source(service), ""};
  }
  if (product != "linux") {
    return {nullptr, what + ": only Linux and web-server log sources are supported"};
  }
  if (!category.empty()) {
    if (category == "process_creation" && service.empty()) return {&process_creation_source(), ""};
    return {nullptr, fmt::format("logsource category '{}' is not supported (no decoder "
                                 "produces those events)",
                                 category)};
  }
  if (service.empty()) return {service_source("syslog"), ""};  // any Linux log
  if (service == "auditd") return {&auditd_source(), ""};
  if (const SigmaSource* s = service_source(service)) return {s, ""};
  return {nullptr,
          fmt::format("logsource service '{}' is not supported (no decoder for it)", service)};
}

SigmaOutcome convert_sigma(const std::string& text, const std::string& id,
                           const std::string& source_name) {
  SigmaOutcome o;
  try {
    o.converted = convert(text, id, source_name);
  } catch (const Refuse& r) {
    o.refusal = {r.kind, r.reason};
  } catch (const YAML::Exception& e) {
    o.refusal = {"yaml", e.what()};
  } catch (const std::exception& e) {  // a last resort: a bad file is refused, never a crash
    o.refusal = {"internal", e.what()};
  }
  return o;
}

std::string sigma_rule_id(const std::string& path) {
  std::string stem = std::filesystem::path(path).stem().string();
  std::string id = "sigma-";
  for (char c : stem) {
    const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    id +=
        (std::isalnum(static_cast<unsigned char>(l)) || l == '.' || l == '_' || l == '-') ? l : '-';
  }
  if (id.size() > 128) id.resize(128);
  return id;
}

std::string sigma_base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  const auto b = [&](size_t k) { return static_cast<unsigned char>(bytes[k]); };
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t v = (b(i) << 16) | (b(i + 1) << 8) | b(i + 2);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (bytes.size() - i == 1) {
    const uint32_t v = b(i) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (bytes.size() - i == 2) {
    const uint32_t v = (b(i) << 16) | (b(i + 1) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

std::vector<std::string> sigma_base64_offsets(std::string_view bytes) {
  // The value at byte offset 0, 1 or 2 of a base64 stream: encode with that many bytes of padding
  // in front, then cut the characters the unknown neighbours influence (as pySigma does).
  static constexpr size_t kStart[] = {0, 2, 3};
  static constexpr int kEnd[] = {0, -3, -2};  // 0: keep to the end
  std::vector<std::string> out;
  for (size_t i = 0; i < 3; ++i) {
    const std::string enc = sigma_base64(std::string(i, ' ') + std::string(bytes));
    const int cut = kEnd[(bytes.size() + i) % 3];
    const size_t end = cut == 0 ? enc.size() : enc.size() - static_cast<size_t>(-cut);
    out.push_back(end > kStart[i] ? enc.substr(kStart[i], end - kStart[i]) : "");
  }
  return out;
}

std::optional<std::string> sigma_cidr_regex(std::string_view cidr) {
  const size_t slash = cidr.find('/');
  const std::string_view addr = cidr.substr(0, slash);
  int prefix = 32;
  if (slash != std::string_view::npos) {
    const std::string_view p = cidr.substr(slash + 1);
    if (p.empty() || p.size() > 2 || !std::all_of(p.begin(), p.end(), is_digit))
      return std::nullopt;
    prefix = std::stoi(std::string(p));
    if (prefix > 32) return std::nullopt;
  }
  uint32_t octets[4] = {};
  size_t k = 0, start = 0;
  for (size_t i = 0; i <= addr.size(); ++i) {
    if (i < addr.size() && addr[i] != '.') {
      if (!std::isdigit(static_cast<unsigned char>(addr[i]))) return std::nullopt;
      continue;
    }
    if (k == 4 || i == start || i - start > 3) return std::nullopt;
    octets[k] = static_cast<uint32_t>(std::stoi(std::string(addr.substr(start, i - start))));
    if (octets[k++] > 255) return std::nullopt;
    start = i + 1;
  }
  if (k != 4) return std::nullopt;
  static const std::string kAnyOctet = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
  std::string re = "^";
  for (int i = 0; i < 4; ++i) {
    if (i > 0) re += "\\.";
    const int bits = std::clamp(prefix - 8 * i, 0, 8);
    if (bits == 8) {
      re += std::to_string(octets[i]);
    } else if (bits == 0) {
      re += kAnyOctet;
    } else {
      const uint32_t lo = octets[i] & (0xFFu << (8 - bits)) & 0xFFu;
      const uint32_t hi = lo + (1u << (8 - bits)) - 1;
      re += "(";
      for (uint32_t v = lo; v <= hi; ++v) re += (v == lo ? "" : "|") + std::to_string(v);
      re += ")";
    }
  }
  return re + "\\z";
}

}  // namespace soc
