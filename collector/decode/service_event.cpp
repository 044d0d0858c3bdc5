#include "collector/decode/service_event.h"

#include "collector/decode/text.h"

namespace soc::service {

namespace {
constexpr size_t npos = std::string_view::npos;

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
}  // namespace

void set_event(Fields& f, std::string_view service, std::string_view category,
               std::string_view action, std::string_view outcome) {
  f.set("service.name", service);
  f.set("event.category", category);
  f.set("event.action", action);
  f.set("event.outcome", outcome);
}

void set_auth_failure(Fields& f, std::string_view service, std::string_view action,
                      std::string_view reason) {
  set_event(f, service, "authentication", action, "failure");
  f.set("event.reason", reason);
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (lower(s[i]) != lower(prefix[i])) return false;
  }
  return true;
}

std::string_view unmapped(std::string_view ip) {
  if (starts_with_nocase(ip, "::ffff:") && ip.find('.') != npos) {
    const std::string_view v4 = ip.substr(7);
    if (text::is_ip(v4)) return v4;
  }
  return ip;
}

bool set_source_host(Fields& f, std::string_view host) {
  if (host.empty()) return false;
  if (text::is_ip(host)) {
    f.set("source.ip", unmapped(host));
    return true;
  }
  for (const char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || text::is_digit(c) ||
                    c == '.' || c == '-' || c == '_';
    if (!ok) return false;
  }
  f.set("source.domain", host);
  return true;
}

bool set_source_endpoint(Fields& f, std::string_view endpoint, char sep) {
  if (text::is_ip(endpoint)) {
    f.set("source.ip", unmapped(endpoint));
    return true;
  }
  if (!endpoint.empty() && endpoint.front() == '[') {  // [IP]:PORT
    const size_t close = endpoint.find(']');
    if (close == npos) return false;
    const std::string_view ip = endpoint.substr(1, close - 1);
    if (!text::is_ip(ip)) return false;
    f.set("source.ip", unmapped(ip));
    std::string_view rest = endpoint.substr(close + 1);
    if (text::consume(rest, ":") && text::is_port(rest)) f.set("source.port", rest);
    return true;
  }
  const size_t at = endpoint.rfind(sep);
  if (at == npos) return false;
  const std::string_view ip = endpoint.substr(0, at);
  const std::string_view port = endpoint.substr(at + 1);
  if (!text::is_ip(ip) || !text::is_port(port)) return false;
  f.set("source.ip", unmapped(ip));
  f.set("source.port", port);
  return true;
}

std::string_view between(std::string_view s, std::string_view open, std::string_view close,
                         size_t from) {
  const size_t start = s.find(open, from);
  if (start == npos) return {};
  const size_t begin = start + open.size();
  const size_t end = s.find(close, begin);
  if (end == npos) return {};
  return s.substr(begin, end - begin);
}

}  // namespace soc::service
