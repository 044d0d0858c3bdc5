#include "collector/decode/proxy.h"

#include <algorithm>
#include <optional>
#include <string>

#include "collector/decode/decoder_registry.h"
#include "collector/decode/service_event.h"
#include "collector/decode/text.h"

namespace soc {
namespace {

using std::string_view;
using text::consume;
constexpr size_t npos = string_view::npos;

bool is_status(string_view s) {
  return s.size() == 3 && text::all_digits(s);
}

// METHOD URL [VERSION] of a quoted request line.
void set_request(Fields& f, string_view request) {
  const string_view method = text::next_token(request);
  if (method.empty()) return;
  f.set("http.request.method", method);
  const string_view url = text::next_token(request);
  if (!url.empty()) f.set("url.original", url);
}

bool haproxy(string_view s, Fields& f) {
  const string_view client = text::next_token(s);
  if (!consume(s, "[")) return false;
  s.remove_prefix(std::min(s.size(), s.find("] ") + 2));
  text::next_token(s);  // frontend
  const string_view backend = text::next_token(s);
  text::next_token(s);  // timers
  const string_view status = text::next_token(s);
  if (!is_status(status) || !service::set_source_endpoint(f, client)) return false;
  f.set("http.response.status_code", status);
  f.set("haproxy.backend", backend);
  const size_t quote = s.find('"');
  if (quote != npos) set_request(f, s.substr(quote + 1, s.rfind('"') - quote - 1));
  const bool own_auth = status == "401" && backend.find("<NOSRV>") != npos;
  if (own_auth) {
    service::set_auth_failure(f, "haproxy", "http_auth", service::kBadCredentials);
  } else {
    service::set_event(f, "haproxy", "web", "http_request",
                       status[0] >= '4' ? "failure" : "success");
    if (status == "403") f.set("event.reason", service::kDenied);
  }
  return true;
}

bool dante(string_view s, Fields& f) {
  consume(s, "info: ");
  if (!consume(s, "block(") && !consume(s, "pass(")) return false;
  const size_t accept = s.find("]: ");
  if (accept == npos) return false;
  s.remove_prefix(accept + 3);
  const string_view client = text::next_token(s);
  text::next_token(s);  // the server's endpoint, with a trailing ':'
  const size_t colon = s.rfind(": ");
  const string_view reason = colon == npos ? s : s.substr(colon + 2);
  const bool auth = s.find("authentication failed") != npos ||
                    s.find("could not access user") != npos ||
                    (s.find("pam_authenticate()") != npos && s.find("failed") != npos);
  if (!auth || !service::set_source_endpoint(f, client, '.')) return false;
  const string_view user = service::between(s, "user \"", "\"");
  if (!user.empty()) f.set("user.name", user);
  const bool unknown = s.find("could not access user") != npos;
  service::set_auth_failure(f, "dante", "socks_auth",
                            unknown ? service::kUnknownUser : service::kBadPassword);
  f.set("error.message", reason);
  return true;
}

// Squid's native access.log line.
bool squid_access(string_view s, Fields& f) {
  const string_view time = text::next_token(s);
  if (time.find('.') == npos || !text::all_digits(time.substr(0, time.find('.')))) return false;
  const string_view elapsed = text::next_token(s);
  const string_view client = text::next_token(s);
  const string_view code = text::next_token(s);
  const string_view bytes = text::next_token(s);
  const string_view method = text::next_token(s);
  const string_view url = text::next_token(s);
  const string_view user = text::next_token(s);
  const size_t slash = code.find('/');
  if (!text::all_digits(elapsed) || !text::all_digits(bytes) || slash == npos || url.empty() ||
      !is_status(code.substr(slash + 1)) || !service::set_source_host(f, client)) {
    return false;
  }
  const string_view result = code.substr(0, slash);
  const string_view status = code.substr(slash + 1);
  f.set("squid.result_code", result);
  f.set("http.response.status_code", status);
  f.set("http.request.method", method);
  f.set("url.original", url);
  const bool named_user = !user.empty() && user != "-";
  if (named_user) f.set("user.name", user);
  f.set("process.name", f.get("process.name").value_or("squid"));
  if (result == "TCP_DENIED" && status == "407") {
    if (named_user) {
      service::set_auth_failure(f, "squid", "proxy_auth", service::kBadCredentials);
    } else {
      service::set_event(f, "squid", "authentication", "proxy_auth", "unknown");
    }
    return true;
  }
  const bool denied = result.find("DENIED") != npos;
  const bool refused = result == "NONE" && status[0] == '4';
  service::set_event(f, "squid", "network", "proxy_request",
                     denied || refused ? "failure" : "success");
  if (denied) f.set("event.reason", service::kDenied);
  if (refused) f.set("event.reason", service::kProtocolError);
  return true;
}

// "DD-MM-YYYY HH:MM:SS +ZZZZ SERVICE ERROR USER IP:PORT SERVER:PORT ..."
bool three_proxy(string_view s, Fields& f) {
  const string_view date = text::next_token(s);
  if (date.size() != 10 || date[2] != '-' || date[5] != '-') return false;
  text::next_token(s);  // time
  const string_view zone = text::next_token(s);
  if (zone.size() != 5 || (zone[0] != '+' && zone[0] != '-')) return false;
  const string_view service_name = text::next_token(s);
  const string_view error = text::next_token(s);
  const string_view user = text::next_token(s);
  const string_view client = text::next_token(s);
  if (error.size() != 5 || !text::all_digits(error)) return false;
  if (!service::set_source_endpoint(f, client)) return false;
  f.set("process.name", "3proxy");
  f.set("threeproxy.service", service_name);
  f.set("error.code", error);
  if (user != "-") f.set("user.name", user);
  const int code = (error[3] - '0') * 10 + (error[4] - '0');
  if (code >= 1 && code <= 9) {
    service::set_auth_failure(f, "3proxy", "proxy_auth", service::kBadCredentials);
  } else {
    service::set_event(f, "3proxy", "network", "proxy_request",
                       error == "00000" ? "success" : "failure");
  }
  return true;
}

// cache.log: "[YYYY/MM/DD hh:mm:ss kidN| ]SECURITY ALERT: Host header forgery detected on
// local=IP:PORT remote=IP:PORT FD N flags=N (REASON)": a request whose Host header does not
// match its destination (cache poisoning through an intercepting proxy, CVE-2009-0801).
bool squid_cache_log(string_view s, Fields& f) {
  const size_t at = s.find("SECURITY ALERT: Host header forgery detected");
  if (at == npos) return false;
  string_view remote = service::between(s, " remote=", " ", at);
  if (!service::set_source_endpoint(f, remote)) return false;
  f.set("process.name", f.get("process.name").value_or("squid"));
  service::set_event(f, "squid", "network", "proxy_request", "failure");
  f.set("event.reason", service::kProtocolError);
  f.set("error.message", s.substr(at));
  return true;
}

}  // namespace

bool decode_proxy(string_view program, string_view msg, Fields& f) {
  if (program == "haproxy") return haproxy(msg, f);
  if (program == "danted" || program == "sockd") return dante(msg, f);
  if (program == "3proxy") return three_proxy(msg, f);
  return squid_access(msg, f) || squid_cache_log(msg, f);
}

bool decode_proxy_file_line(string_view line, Fields& f) {
  if (line.empty() || !text::is_digit(line.front())) return false;
  return squid_access(line, f) || three_proxy(line, f) || squid_cache_log(line, f);
}

// Its entry in the decoder registry (decoder_registry.h).
namespace {

constexpr std::string_view kProxyPrograms[] = {"squid", "haproxy", "danted", "sockd", "3proxy"};
constexpr std::string_view kProxyFormats[] = {"Squid native access.log", "HAProxy HTTP log",
                                              "3proxy log", "Dante block messages"};

bool decode_proxy_program(std::string_view msg, const ReadTime& /*read*/, Fields& fields,
                          std::optional<SysTime>& /*time*/) {
  const std::string program(fields.get("process.name").value_or(""));
  return decode_proxy(program, msg, fields);
}

}  // namespace

extern constinit const DecoderSpec kProxyDecoder{
    .name = "proxy",
    .description = "Proxies and balancers: Squid access log, HAProxy HTTP log, 3proxy, Dante",
    .programs = kProxyPrograms,
    .formats = kProxyFormats,
    .decode = decode_proxy_program,
};

}  // namespace soc
