#include "collector/decode/dns.h"

#include <algorithm>
#include <optional>

#include "collector/decode/decoder_registry.h"
#include "collector/decode/service_event.h"
#include "collector/decode/text.h"

namespace soc {
namespace {

using std::string_view;
using text::consume;
constexpr size_t npos = string_view::npos;

void dns_event(Fields& f, string_view service, string_view action, string_view outcome) {
  service::set_event(f, service, "network", action, outcome);
}

// 'NAME/TYPE/CLASS' or 'ZONE/CLASS': the name and, with three parts, the type.
void set_question(Fields& f, string_view quoted) {
  const size_t first = quoted.find('/');
  string_view name = quoted.substr(0, first);
  if (name.size() > 1 && name.back() == '.') name.remove_suffix(1);
  f.set("dns.question.name", name);
  if (first == npos) return;
  const string_view rest = quoted.substr(first + 1);
  if (const size_t second = rest.find('/'); second != npos) {
    f.set("dns.question.type", rest.substr(0, second));
  }
}

// Drops up to two "word: " prefixes: BIND's category and severity ("security: info: ").
string_view without_category(string_view s) {
  for (int i = 0; i < 2; ++i) {
    const size_t colon = s.find(": ");
    if (colon == npos || colon == 0 || colon > 24) break;
    const string_view word = s.substr(0, colon);
    bool plain = true;
    for (const char c : word) plain = plain && ((c >= 'a' && c <= 'z') || c == '-' || c == '_');
    if (!plain || word == "client") break;
    s.remove_prefix(colon + 2);
  }
  return s;
}

// The TEXT of a named "client ..." line: what the client asked and what the server did.
bool named_message(string_view s, Fields& f) {
  if (consume(s, "query: ")) {  // query logging: "query: NAME IN TYPE +E(0) (SERVER)"
    const string_view name = text::next_token(s);
    text::next_token(s);
    f.set("dns.question.name", name);
    f.set("dns.question.type", text::next_token(s));
    dns_event(f, "named", "dns_query", "success");
    return true;
  }
  const bool denied = text::ends_with(s, " denied") || s.find("' denied (") != npos;
  if (consume(s, "query (cache) '") || consume(s, "query '")) {
    if (!denied) return false;
    set_question(f, s.substr(0, s.find('\'')));
    dns_event(f, "named", "dns_query", "failure");
    f.set("event.reason", service::kDenied);
    return true;
  }
  if (consume(s, "zone transfer '") || consume(s, "bad zone transfer request: '")) {
    set_question(f, s.substr(0, s.find('\'')));
    f.set("dns.question.type", "AXFR");
    dns_event(f, "named", "dns_zone_transfer", "failure");
    f.set("event.reason", denied ? service::kDenied : service::kNotAllowed);
    f.set("error.message", s.substr(s.find('\'') + 1));
    return true;
  }
  // Response-rate limiting (BIND 9.9+): "rate limit drop response to 192.0.2.0/24 for NAME IN
  // ANY (...)", "limit responses to ...".
  if (s.find("limit ") <= 5 && s.find(" response") != npos) {
    const string_view question = service::between(s, " for ", " (");
    string_view rest = question;
    const string_view name = text::next_token(rest);
    if (!name.empty()) f.set("dns.question.name", name);
    text::next_token(rest);  // class
    if (!rest.empty()) f.set("dns.question.type", text::next_token(rest));
    dns_event(f, "named", "dns_ratelimit", "failure");
    f.set("event.reason", service::kDenied);
    return true;
  }
  if (consume(s, "update '") && denied) {
    set_question(f, s.substr(0, s.find('\'')));
    dns_event(f, "named", "dns_update", "failure");
    f.set("event.reason", service::kDenied);
    return true;
  }
  if (consume(s, "transfer of '")) {
    set_question(f, s.substr(0, s.find('\'')));
    f.set("dns.question.type", "AXFR");
    dns_event(f, "named", "dns_zone_transfer", "success");
    return true;
  }
  return false;
}

// `client [@0x...] IP#PORT[ (NAME)]: TEXT`. Nothing is set unless TEXT is a known message.
// Drops BIND's own "DD-Mon-YYYY HH:MM:SS.mmm " timestamp (print-time yes), which also reaches
// syslog when the channel prints it.
string_view without_bind_time(string_view s) {
  if (s.size() > 24 && s[2] == '-' && s[6] == '-' && s[11] == ' ' && s[14] == ':') {
    s.remove_prefix(12);
    s.remove_prefix(std::min(s.size(), s.find(' ') + 1));
  }
  return s;
}

bool named(string_view s, Fields& f) {
  s = without_category(without_bind_time(s));
  if (!consume(s, "client ")) return false;
  if (!s.empty() && s.front() == '@') s.remove_prefix(std::min(s.size(), s.find(' ') + 1));
  // "IP#PORT (NAME): " or "IP#PORT: "; an IPv6 address holds ':' itself.
  const size_t end = s.find(' ');
  if (end == npos) return false;
  string_view endpoint = s.substr(0, end);
  const bool ended = text::ends_with(endpoint, ":");
  if (ended) endpoint.remove_suffix(1);
  if (!text::is_ip(endpoint.substr(0, endpoint.rfind('#')))) return false;
  s.remove_prefix(end + 1);
  if (!ended) {
    if (consume(s, "(")) s.remove_prefix(std::min(s.size(), s.find(')') + 1));
    if (!consume(s, ": ")) return false;
  }
  if (consume(s, "view ")) s.remove_prefix(std::min(s.size(), s.find(": ") + 2));
  if (!named_message(s, f)) return false;
  service::set_source_endpoint(f, endpoint, '#');
  return true;
}

bool unbound(string_view s, Fields& f) {
  // "[1234:0] info: ..." when the pid was not in the syslog tag.
  if (!s.empty() && s.front() == '[') s.remove_prefix(std::min(s.size(), s.find("] ") + 2));
  consume(s, "info: ") || consume(s, "debug: ") || consume(s, "notice: ");
  if (consume(s, "refused query from ")) {
    consume(s, "ip4 ") || consume(s, "ip6 ");
    const string_view ip = text::next_token(s);
    if (!service::set_source_host(f, ip)) return false;
    if (consume(s, "port ")) {
      const string_view port = text::next_token(s);
      if (text::is_port(port)) f.set("source.port", port);
    }
    dns_event(f, "unbound", "dns_query", "failure");
    f.set("event.reason", service::kDenied);
    return true;
  }
  if (consume(s, "ratelimit exceeded ") || consume(s, "ip_ratelimit ")) {
    f.set("dns.question.name", text::next_token(s));
    dns_event(f, "unbound", "dns_ratelimit", "failure");
    f.set("event.reason", service::kDenied);
    return true;
  }
  // log-queries / log-replies: "IP NAME. TYPE CLASS[ RCODE TIME CACHED SIZE]".
  const string_view ip = text::next_token(s);
  if (!text::is_ip(ip)) return false;
  const string_view name = text::next_token(s);
  const string_view type = text::next_token(s);
  const string_view cls = text::next_token(s);
  if (name.empty() || type.empty() || cls != "IN") return false;
  service::set_source_host(f, ip);
  f.set("dns.question.name",
        name.size() > 1 && name.back() == '.' ? name.substr(0, name.size() - 1) : name);
  f.set("dns.question.type", type);
  const string_view rcode = text::next_token(s);
  const bool refused = rcode == "REFUSED";
  dns_event(f, "unbound", "dns_query", refused ? "failure" : "success");
  if (refused) f.set("event.reason", service::kDenied);
  return true;
}

bool nsd(string_view s, Fields& f) {
  consume(s, "info: ") || consume(s, "notice: ") || consume(s, "warning: ");
  if (consume(s, "ratelimit block ")) {
    const string_view name = text::next_token(s);
    const string_view ip = service::between(s, "query ", " ");
    if (!service::set_source_host(f, ip.empty() ? s.substr(s.rfind(' ') + 1) : ip)) return false;
    f.set("dns.question.name",
          name.size() > 1 && name.back() == '.' ? name.substr(0, name.size() - 1) : name);
    dns_event(f, "nsd", "dns_ratelimit", "failure");
    f.set("event.reason", service::kDenied);
    return true;
  }
  if ((consume(s, "axfr for ") || consume(s, "ixfr for ")) && s.find(" refused") != npos) {
    consume(s, "zone ");
    string_view zone = text::next_token(s);
    if (!consume(s, "from ")) return false;
    consume(s, "client ");
    string_view ip = text::next_token(s);
    if (!service::set_source_host(f, ip)) return false;
    if (zone.size() > 1 && zone.back() == '.') zone.remove_suffix(1);
    f.set("dns.question.name", zone);
    f.set("dns.question.type", "AXFR");
    dns_event(f, "nsd", "dns_zone_transfer", "failure");
    f.set("event.reason", service::kDenied);
    return true;
  }
  return false;
}

}  // namespace

bool decode_dns(string_view program, string_view msg, Fields& f) {
  if (program == "unbound") return unbound(msg, f);
  if (program == "nsd") return nsd(msg, f);
  return named(msg, f);
}

bool decode_dns_file_line(string_view line, Fields& f) {
  // NSD's own log: "[EPOCH] nsd[PID]: TEXT" or "[YYYY-MM-DD HH:MM:SS.mmm] nsd[PID]: TEXT".
  if (!line.empty() && line.front() == '[') {
    const size_t tag = line.find("] nsd[");
    if (tag == npos || tag > 32) return false;
    const size_t colon = line.find("]: ", tag + 6);
    if (colon == npos) return false;
    if (!nsd(line.substr(colon + 3), f)) return false;
    f.set("process.name", "nsd");
    return true;
  }
  // BIND's own log: "DD-Mon-YYYY HH:MM:SS.mmm [CATEGORY: ]SEVERITY: client ..." (the category
  // and severity are optional), or a MSG after a category taken for the syslog tag.
  const string_view s = without_bind_time(line);
  if (s.find("client ") > 40) return false;
  if (!named(s, f)) return false;
  f.set("process.name", "named");
  return true;
}

// Its entry in the decoder registry (decoder_registry.h).
namespace {

constexpr std::string_view kDnsPrograms[] = {"named", "bind", "bind9", "unbound", "nsd"};
constexpr std::string_view kDnsFormats[] = {"BIND named security and query messages",
                                            "Unbound query and refusal messages",
                                            "NSD ratelimit and transfer messages"};

bool decode_dns_program(std::string_view msg, const ReadTime& /*read*/, Fields& fields,
                        std::optional<SysTime>& /*time*/) {
  const std::string program(fields.get("process.name").value_or(""));
  return decode_dns(program, msg, fields);
}

}  // namespace

extern constinit const DecoderSpec kDnsDecoder{
    .name = "dns",
    .description = "DNS servers: BIND refused queries and zone transfers, Unbound, NSD",
    .programs = kDnsPrograms,
    .formats = kDnsFormats,
    .decode = decode_dns_program,
};

}  // namespace soc
