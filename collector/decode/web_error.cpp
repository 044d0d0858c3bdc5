#include "collector/decode/web_error.h"

#include <string>
#include <utility>

#include "collector/decode/access_log.h"
#include "collector/decode/text.h"

namespace soc {
namespace {

using std::string_view;
using text::npos;

bool has(string_view s, string_view needle) {
  return s.find(needle) != npos;
}

void set_unless(Fields& f, string_view name, string_view value) {
  if (!value.empty() && !f.get(name)) f.set(name, value);
}

void classify(Fields& f, string_view category, string_view action, string_view reason) {
  if (f.get("event.action")) return;
  f.set("event.category", category);
  f.set("event.action", action);
  f.set("event.outcome", "failure");
  f.set("event.reason", reason);
}

// The value of ModSecurity's first `[key "value"]` tag in `s` after `from`; empty when there is
// none. The key must follow a '[' so that "id" does not match inside "unique_id".
string_view modsec_tag(string_view s, string_view key, size_t& from) {
  for (size_t at = s.find(key, from); at != npos; at = s.find(key, at + 1)) {
    const size_t open = at + key.size();
    if (at == 0 || s[at - 1] != '[' || s.substr(open, 2) != " \"") continue;
    const size_t end = s.find("\"]", open + 2);
    if (end == npos) return {};
    from = end;
    return s.substr(open + 2, end - open - 2);
  }
  from = npos;
  return {};
}

string_view modsec_tag(string_view s, string_view key) {
  size_t from = 0;
  return modsec_tag(s, key, from);
}

// The path after `prefix` up to a ", " context or the end.
string_view path_after(string_view m, string_view prefix) {
  const size_t at = m.find(prefix);
  if (at == npos) return {};
  string_view p = m.substr(at + prefix.size());
  return p.substr(0, p.find(", "));
}

}  // namespace

void set_web_error_fields(string_view m, Fields& f) {
  // HTTP authentication (mod_auth_basic / mod_auth_digest / mod_authz_*, ngx_http_auth_basic).
  if (f.get("user.name") || has(m, "user  not found") || has(m, "password mismatch") ||
      has(m, "Password Mismatch") || has(m, "was not found in \"") ||
      has(m, "client used wrong authentication scheme") || has(m, "Digest: ") ||
      has(m, "invalid nonce") || has(m, "realm mismatch") || has(m, "unknown algorithm `") ||
      has(m, "invalid qop `") || has(m, "- not authenticated: ") ||
      (has(m, "Authorization of user ") && has(m, " failed"))) {
    classify(f, "authentication", "http_auth",
             has(m, "not found") ? "unknown user"
             : has(m, "ismatch") ? "wrong password"
                                 : "authentication error");
    if (!f.get("user.name")) {
      if (const size_t at = m.find("PAM: user '"); at != npos) {
        string_view u = m.substr(at + 11);
        u = u.substr(0, u.find('\''));
        if (!u.empty()) f.set("user.name", u);
      }
      if (const size_t at = m.find("Authorization of user "); at != npos) {
        string_view u = m.substr(at + 22);
        u = u.substr(0, u.find(' '));
        if (!u.empty()) f.set("user.name", u);
      }
    }
    return;
  }
  // ZoneMinder's PHP errors through Apache: WAR [Login denied for user "x"], ERR [Could not
  // retrieve user x details].
  if (const size_t at = m.find("[Login denied for user \""); at != npos) {
    string_view u = m.substr(at + 24);
    u = u.substr(0, u.find('"'));
    classify(f, "authentication", "web_login", "login denied");
    set_unless(f, "user.name", u);
    set_unless(f, "service.name", "zoneminder");
    return;
  }
  if (const size_t at = m.find("[Could not retrieve user "); at != npos) {
    string_view u = m.substr(at + 25);
    u = u.substr(0, u.find(" details]"));
    classify(f, "authentication", "web_login", "unknown user");
    if (u.find(' ') == npos) set_unless(f, "user.name", u);
    set_unless(f, "service.name", "zoneminder");
    return;
  }
  // Refused by the server's access rules.
  if (has(m, "client denied by server configuration") || has(m, "access forbidden by rule") ||
      has(m, "client denied by rule")) {
    classify(f, "web", "access_denied", "denied by server configuration");
    set_unless(f, "file.path", path_after(m, "configuration: "));
    return;
  }
  // TLS handshakes that fail (scanners, plain HTTP or other protocols on a TLS port).
  if (has(m, "SSL_do_handshake() failed") || has(m, "SSL handshake failed") ||
      (has(m, "SSL_read() failed") && has(m, "while waiting for request"))) {
    classify(f, "web", "tls_handshake_failed", "TLS handshake failed");
    return;
  }
  // Rate limits (ngx_http_limit_req / limit_conn, mod_evasive, mod_qos).
  if (has(m, "limiting requests, excess") || has(m, "delaying request, excess") ||
      has(m, "limiting connections by zone") || has(m, "mod_evasive") || has(m, "mod_qos(")) {
    classify(f, "web", "rate_limited", "rate limit");
    return;
  }
  // Malformed requests.
  if (has(m, "Invalid URI in request") || has(m, "URI too long") ||
      has(m, "Invalid method in request") || has(m, "client sent invalid") ||
      has(m, "client sent too long") || has(m, "client sent plain HTTP request") ||
      has(m, "request failed: error reading the headers") || has(m, "invalid characters in URI") ||
      has(m, "Request header read timeout") ||
      has(m, "client sent HTTP/1.1 request without \"Host\" header") ||
      has(m, "request header exceeds LimitRequestFieldSize") ||
      has(m, "Invalid HTTP method string") || has(m, "Request header field is missing ':'") ||
      has(m, "erroneous characters after protocol string") || has(m, "invalid URI path (") ||
      has(m, "provided via SNI")) {
    classify(f, "web", "malformed_request", "malformed request");
    return;
  }
  // bash told a CGI that a header held a function definition (Shellshock, CVE-2014-6271).
  if (has(m, "ignoring function definition attempt") ||
      has(m, "error importing function definition for")) {
    classify(f, "web", "shellshock_attempt", "function definition in a header");
    return;
  }
  // Missing scripts and files (the first is the bot searches' usual trace).
  if (has(m, "script not found or unable to stat") ||
      (has(m, "script '") && has(m, "' not found or unable to stat"))) {
    classify(f, "web", "script_not_found", "script not found");
    if (const size_t q = m.find("script '"); q != npos) {
      string_view p = m.substr(q + 8);
      set_unless(f, "file.path", p.substr(0, p.find('\'')));
    } else {
      set_unless(f, "file.path", path_after(m, "unable to stat: "));
    }
    return;
  }
  if (has(m, "File does not exist: ") || has(m, "(2: No such file or directory)") ||
      has(m, "is not found (2: No such file")) {
    classify(f, "web", "file_not_found", "file does not exist");
    set_unless(f, "file.path", path_after(m, "File does not exist: "));
    if (const size_t at = m.find("open() \""); at != npos) {
      string_view p = m.substr(at + 8);
      set_unless(f, "file.path", p.substr(0, p.find('"')));
    }
  }
}

void set_modsecurity_fields(string_view message, Fields& f) {
  const size_t at = message.find("ModSecurity: ");
  if (at == npos) return;
  const string_view verdict = message.substr(at + 13);
  const string_view v = text::trim(verdict);
  f.set("event.category", "web");
  f.set("event.action", v.starts_with("Access denied") ? "modsecurity_denied"
                        : v.starts_with("Warning.")    ? "modsecurity_warning"
                                                       : "modsecurity");
  const std::pair<string_view, string_view> kTags[] = {{"id", "rule.id"},
                                                       {"msg", "rule.name"},
                                                       {"ver", "rule.ruleset"},
                                                       {"severity", "modsecurity.severity"},
                                                       {"unique_id", "http.request.id"}};
  for (const auto& [tag, field] : kTags) {
    if (const string_view value = modsec_tag(verdict, tag); !value.empty()) f.set(field, value);
  }
  std::string tags;
  for (size_t from = 0; from != npos;) {
    const string_view t = modsec_tag(verdict, "tag", from);
    if (t.empty()) continue;
    if (!tags.empty()) tags += ", ";
    tags += t;
  }
  if (!tags.empty()) f.set("tags", tags);
  // nginx's error line already carries the request's path and Host; Apache's only has these tags.
  set_unless(f, "url.path", modsec_tag(verdict, "uri"));
  set_unless(f, "url.domain", modsec_tag(verdict, "hostname"));
  // An audit log's "Apache-Error: ... [client 1.2.3.4] ModSecurity: ..." line.
  if (const size_t c = message.find("[client "); c != npos && !f.get("source.ip")) {
    string_view ip = message.substr(c + 8);
    ip = ip.substr(0, ip.find(']'));
    if (text::is_ip(ip)) f.set("source.ip", ip);
  }
}

void set_modsecurity_audit_fields(Fields& f) {
  const auto client = f.get("transaction.client_ip");
  const auto uri = f.get("transaction.request.uri");
  if (!client || !uri || !f.get("transaction.unique_id")) return;
  // Copies: setting fields may move the stored values.
  const std::string ip(*client), target(*uri);
  const std::string method(f.get("transaction.request.method").value_or("GET"));
  const std::string code(f.get("transaction.response.http_code").value_or(""));
  const bool engine_on = f.get("transaction.producer.secrules_engine").value_or("") == "Enabled";
  f.set("event.category", "web");
  f.set("event.dataset", "modsecurity.audit");
  f.set("event.action", engine_on && !code.empty() && (code[0] == '4' || code[0] == '5')
                            ? "modsecurity_denied"
                            : "modsecurity_warning");
  if (text::is_ip(ip)) f.set("source.ip", ip);
  if (const auto port = f.get("transaction.client_port"); port && text::is_port(*port)) {
    const std::string p(*port);
    f.set("source.port", p);
  }
  set_http_request(method + " " + target, f);
  if (!code.empty()) f.set("http.response.status_code", code);
  const std::pair<string_view, string_view> kCopies[] = {
      {"transaction.request.headers.User-Agent", "user_agent.original"},
      {"transaction.request.headers.user-agent", "user_agent.original"},
      {"transaction.request.headers.Host", "url.domain"},
      {"transaction.request.headers.host", "url.domain"},
      {"transaction.unique_id", "http.request.id"},
      {"transaction.messages.0.details.ruleId", "rule.id"},
      {"transaction.messages.0.message", "rule.name"},
      {"transaction.messages.0.details.severity", "modsecurity.severity"},
      {"transaction.messages.0.details.ver", "rule.ruleset"},
      {"transaction.messages.0.details.tags", "tags"}};
  for (const auto& [from, to] : kCopies) {
    if (const auto v = f.get(from); v && !v->empty() && !f.get(to)) {
      const std::string value(*v);
      f.set(to, value);
    }
  }
}

void set_php_fields(string_view m, Fields& f) {
  if (const size_t at = m.find("ALERT - ");
      at != npos &&
      (has(m, "(attacker '") || has(m, "dropped variable") || has(m, "limit exceeded"))) {
    string_view reason = m.substr(at + 8);
    reason = reason.substr(0, std::min(reason.find(" (attacker"), reason.find(" - dropped")));
    f.set("event.category", "web");
    f.set("event.action", "suhosin_alert");
    f.set("event.outcome", "failure");
    f.set("event.reason", reason);
    set_unless(f, "service.name", "suhosin");
    if (const size_t a = m.find("(attacker '"); a != npos) {
      string_view ip = m.substr(a + 11);
      ip = ip.substr(0, ip.find('\''));
      if (text::is_ip(ip) && !f.get("source.ip")) f.set("source.ip", ip);
    }
    return;
  }
  if (has(m, "Primary script unknown")) {
    classify(f, "web", "script_not_found", "primary script unknown");
    return;
  }
  static constexpr string_view kTypes[] = {"PHP Fatal error",
                                           "PHP Parse error",
                                           "PHP Warning",
                                           "PHP Notice",
                                           "PHP Deprecated",
                                           "PHP Catchable fatal error",
                                           "PHP Recoverable fatal error"};
  for (const string_view type : kTypes) {
    const size_t at = m.find(type);
    if (at == npos || m.substr(at + type.size(), 1) != ":") continue;
    f.set("error.type", type);
    if (!f.get("event.action")) {
      f.set("event.category", "web");
      f.set("event.action", "php_error");
    }
    string_view text = text::trim(m.substr(at + type.size() + 1));
    f.set("error.message", text.substr(0, text.find("\" while reading")));
    return;
  }
}

}  // namespace soc
