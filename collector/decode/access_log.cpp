#include "collector/decode/access_log.h"

#include <string>

#include "collector/decode/text.h"

namespace soc {
namespace {

using std::string_view;
using text::consume;
using text::npos;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Undoes the escaping servers apply when they write a request into the log: nginx writes bytes
// outside printable ASCII and '"' '\' as \xHH; Apache does the same and also uses \" \\ \n \r \t.
// Returns `s` itself when there is nothing to undo, else the unescaped text in `out`.
string_view unescape_log(string_view s, std::string& out) {
  if (s.find('\\') == npos) return s;
  out.clear();
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c != '\\' || i + 1 >= s.size()) {
      out += c;
      continue;
    }
    const char n = s[i + 1];
    if (n == 'x' && i + 3 < s.size() && hex_value(s[i + 2]) >= 0 && hex_value(s[i + 3]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 2]) * 16 + hex_value(s[i + 3]));
      i += 3;
    } else if (n == '"' || n == '\\') {
      out += n;
      ++i;
    } else if (n == 'n' || n == 'r' || n == 't') {
      out += n == 'n' ? '\n' : n == 'r' ? '\r' : '\t';
      ++i;
    } else {
      out += c;
    }
  }
  return out;
}

// A quoted field: `"...` up to the next '"' not escaped by a backslash. Returns false when
// unterminated; `raw` is the content as logged.
bool quoted(string_view& s, string_view& raw) {
  if (s.empty() || s.front() != '"') return false;
  // memchr for the quote, then for a backslash before it: a byte loop over the request, referrer
  // and user agent was a fifth of an access line's decoding.
  for (size_t i = 1; i < s.size();) {
    const size_t quote = s.find('"', i);
    if (quote == string_view::npos) return false;
    const size_t escape = s.substr(0, quote).find('\\', i);
    if (escape == string_view::npos) {
      raw = s.substr(1, quote - 1);
      s.remove_prefix(quote + 1);
      return true;
    }
    i = escape + 2;  // the escaped byte, even a quote, is content
  }
  return false;
}

bool is_method(string_view m) {
  if (m.empty() || m.size() > 24) return false;
  for (char c : m) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_')) return false;
  }
  return true;
}

// `[dd/Mon/yyyy:hh:mm:ss +zzzz]` content.
std::optional<SysTime> parse_clf_time(string_view s) {
  // 10/Oct/2026:13:55:36 +0700
  if (s.size() != 26 || s[2] != '/' || s[6] != '/' || s[11] != ':' || s[14] != ':' ||
      s[17] != ':' || s[20] != ' ' || (s[21] != '+' && s[21] != '-')) {
    return std::nullopt;
  }
  const auto num = [&](size_t pos, size_t n) -> int {
    const auto v = text::parse_uint(s.substr(pos, n));
    return v ? static_cast<int>(*v) : -1;
  };
  const int day = num(0, 2), year = num(7, 4), hh = num(12, 2), mm = num(15, 2), ss = num(18, 2);
  const int zh = num(22, 2), zm = num(24, 2);
  const int month = text::month_number(s.substr(3, 3));
  if (day < 0 || year < 0 || hh < 0 || mm < 0 || ss < 0 || zh < 0 || zh > 23 || zm < 0 || zm > 59 ||
      month == 0) {
    return std::nullopt;
  }
  const int offset = (s[21] == '-' ? -1 : 1) * (zh * 3600 + zm * 60);
  return text::civil_time(year, month, day, hh, mm, ss, 0, offset);
}

void append_percent_decoded(string_view s, bool plus_is_space, std::string& out) {
  out.reserve(out.size() + s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
}

// percent_decode without a copy when there is nothing to decode; else the result is in `out`.
string_view percent_decode_into(string_view s, bool plus_is_space, std::string& out) {
  if (s.find('%') == npos && (!plus_is_space || s.find('+') == npos)) return s;
  out.clear();
  append_percent_decoded(s, plus_is_space, out);
  return out;
}

// Splits the request target into path, query and fragment and decodes them.
void set_url(string_view target, Fields& f) {
  f.set("url.original", target);
  thread_local std::string unescaped, decoded;
  string_view rest = unescape_log(target, unescaped);
  // Absolute form (a proxy request or a probe): scheme://authority/path.
  const size_t scheme_end = rest.find("://");
  if (scheme_end != npos && scheme_end > 0 && scheme_end < 10 && rest.front() != '/') {
    f.set("url.scheme", text::to_lower(rest.substr(0, scheme_end)));
    rest.remove_prefix(scheme_end + 3);
    const size_t path_start = rest.find_first_of("/?#");
    string_view authority = rest.substr(0, path_start);
    if (const size_t at = authority.rfind('@'); at != npos) authority.remove_prefix(at + 1);
    // host[:port] or [v6]:port
    const size_t colon = authority.rfind(':');
    if (colon != npos && text::is_port(authority.substr(colon + 1)) &&
        (authority.front() == '[' || authority.find(':') == colon)) {
      f.set("url.port", authority.substr(colon + 1));
      authority = authority.substr(0, colon);
    }
    if (authority.size() > 2 && authority.front() == '[' && authority.back() == ']') {
      authority = authority.substr(1, authority.size() - 2);
    }
    if (!authority.empty()) f.set("url.domain", authority);
    rest.remove_prefix(path_start == npos ? rest.size() : path_start);
  }
  const size_t hash = rest.find('#');
  if (hash != npos) {
    f.set("url.fragment", percent_decode_into(rest.substr(hash + 1), false, decoded));
    rest = rest.substr(0, hash);
  }
  const size_t q = rest.find('?');
  f.set("url.path", percent_decode_into(rest.substr(0, q), false, decoded));
  if (q != npos) f.set("url.query", percent_decode_into(rest.substr(q + 1), true, decoded));
}

}  // namespace

// `METHOD TARGET[ PROTOCOL]`: the target may itself hold spaces (Apache logs a malformed request
// line as sent), so the protocol is the last token when it starts with "HTTP/".
void set_http_request(string_view raw, Fields& f) {
  const size_t sp = raw.find(' ');
  if (sp == npos) return;
  const string_view method = raw.substr(0, sp);
  string_view target = raw.substr(sp + 1);
  string_view version;
  if (const size_t last = target.rfind(' '); last != npos) {
    string_view proto = target.substr(last + 1);
    if (consume(proto, "HTTP/")) {
      version = proto;
      target = target.substr(0, last);
    }
  }
  if (!is_method(method) || target.empty()) return;
  f.set("http.request.method", method);
  if (!version.empty()) f.set("http.version", version);
  set_url(target, f);
}

std::string percent_decode(string_view s, bool plus_is_space) {
  std::string out;
  append_percent_decoded(s, plus_is_space, out);
  return out;
}

bool decode_access_log(string_view line, Fields& f, std::optional<SysTime>& time) {
  // Everything before " [" is `[VHOST ]CLIENT IDENT USER`; USER may hold spaces.
  const size_t open = line.find(" [");
  if (open == npos || open == 0) return false;
  string_view head = line.substr(0, open);
  string_view rest = line.substr(open + 2);
  // `%{X-Forwarded-For}i` logged instead of %h behind a load balancer: "A, B, C - - [...". Each
  // proxy appends the address it saw, so the last one comes from the proxy in front of us while
  // earlier ones are whatever the client sent: the last is the client, the rest is dropped.
  for (string_view h = head;;) {
    const string_view token = text::next_token(h);
    if (token.size() < 2 || token.back() != ',' ||
        !text::is_ip(token.substr(0, token.size() - 1))) {
      break;
    }
    head = h;
  }
  const size_t close = rest.find("] ");
  if (close == npos) return false;
  const auto when = parse_clf_time(rest.substr(0, close));
  if (!when) return false;
  rest.remove_prefix(close + 2);

  string_view vhost = text::next_token(head);
  string_view client = text::next_token(head);
  if (!text::is_ip(vhost) && text::is_ip(client)) {
    // vhost_combined: "www.example.gov.vn:443 CLIENT IDENT USER".
  } else {
    head = string_view(client.data(), head.data() + head.size() - client.data());
    client = vhost;
    vhost = {};
  }
  const string_view ident = text::next_token(head);
  const string_view user = head;
  if (client.empty() || ident.empty() || user.empty()) return false;
  if (client.find_first_of("\"[]") != npos) return false;

  string_view request;
  if (!quoted(rest, request) || !consume(rest, " ")) return false;
  const string_view status = text::next_token(rest);
  if (status.size() != 3 || !text::all_digits(status)) return false;
  const string_view bytes = text::next_token(rest);
  if (bytes != "-" && !text::all_digits(bytes)) return false;

  if (text::is_ip(client)) {
    f.set("source.ip", client);
  } else {
    f.set("source.domain", client);
  }
  if (!vhost.empty()) {
    const size_t colon = vhost.rfind(':');
    if (colon != npos && text::is_port(vhost.substr(colon + 1))) {
      f.set("url.domain", vhost.substr(0, colon));
      f.set("url.port", vhost.substr(colon + 1));
    } else {
      f.set("url.domain", vhost);
    }
  }
  if (user != "-") f.set("user.name", user);
  set_http_request(request, f);
  f.set("http.response.status_code", status);
  if (bytes != "-") f.set("http.response.body.bytes", bytes);
  string_view referrer, agent;
  if (quoted(rest, referrer)) {
    if (referrer != "-" && !referrer.empty()) {
      f.set("http.request.referrer", referrer);
    }
    consume(rest, " ");
    if (quoted(rest, agent) && agent != "-" && !agent.empty()) {
      f.set("user_agent.original", agent);
    }
  }
  time = when;
  return true;
}

}  // namespace soc
