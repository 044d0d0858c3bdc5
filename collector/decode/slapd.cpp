#include "collector/decode/slapd.h"

#include <optional>
#include <string>

#include "collector/decode/connection_table.h"
#include "collector/decode/decoder_registry.h"
#include "collector/decode/service_event.h"
#include "collector/decode/text.h"

namespace soc {
namespace {

using std::string_view;
using text::consume;
constexpr size_t npos = string_view::npos;

ConnectionTable& connections() {
  thread_local ConnectionTable table(8192);
  return table;
}

// The account a DN names: the value of its first uid= or cn= part ("uid=gipson,ou=people,..."
// -> "gipson"); the DN itself otherwise.
string_view dn_user(string_view dn) {
  for (const string_view key :
       {string_view("uid="), string_view("cn="), string_view("UID="), string_view("CN=")}) {
    if (dn.substr(0, key.size()) == key) {
      const string_view value = dn.substr(key.size());
      return value.substr(0, value.find(','));
    }
  }
  return dn;
}

void set_peer(const ConnectionTable::Entry& e, Fields& f) {
  if (!e.ip.empty()) f.set("source.ip", service::unmapped(e.ip));
  if (!e.port.empty()) f.set("source.port", e.port);
}

bool slapd_operation(string_view s, const std::string& key, Fields& f);

}  // namespace

bool decode_slapd(string_view s, Fields& f) {
  if (!consume(s, "conn=")) return false;
  const string_view conn = s.substr(0, s.find(' '));
  if (conn.empty() || !text::all_digits(conn)) return false;
  s.remove_prefix(conn.size());
  consume(s, " ");
  const std::string key = ConnectionTable::key(f, conn);
  if (!slapd_operation(s, key, f)) return false;
  f.set("ldap.connection", conn);
  return true;
}

namespace {

// After "conn=N ": the connection's event or operation. Sets nothing for shapes it does not know.
bool slapd_operation(string_view s, const std::string& key, Fields& f) {
  if (consume(s, "fd=")) {
    text::next_token(s);
    if (consume(s, "ACCEPT from IP=")) {
      const string_view peer = s.substr(0, s.find(' '));
      if (!service::set_source_endpoint(f, peer)) return false;
      auto& e = connections().at(key);
      e = {};
      e.ip = f.get("source.ip").value_or("");
      e.port = f.get("source.port").value_or("");
      service::set_event(f, "slapd", "network", "ldap_connect", "success");
      return true;
    }
    if (s == "closed" || s.substr(0, 7) == "closed ") {
      if (const auto* e = connections().find(key)) set_peer(*e, f);
      connections().erase(key);
      service::set_event(f, "slapd", "network", "ldap_disconnect", "success");
      return true;
    }
    return false;
  }
  if (!consume(s, "op=")) return false;
  text::next_token(s);
  if (consume(s, "BIND ")) {
    if (consume(s, "anonymous")) {
      auto& e = connections().at(key);
      e.user = "anonymous";
      f.set("user.name", "anonymous");
      set_peer(e, f);
      service::set_event(f, "slapd", "authentication", "ldap_bind_request", "unknown");
      return true;
    }
    const string_view dn = service::between(s, "dn=\"", "\"");
    if (dn.empty() && s.find("dn=\"\"") == npos) return false;
    auto& e = connections().at(key);
    e.user = std::string(dn.empty() ? "anonymous" : dn);
    set_peer(e, f);
    f.set("ldap.bind.dn", e.user);
    f.set("user.name", dn.empty() ? string_view("anonymous") : dn_user(dn));
    service::set_event(f, "slapd", "authentication", "ldap_bind_request", "unknown");
    return true;
  }
  if (!consume(s, "RESULT tag=97 err=")) return false;
  const string_view err = s.substr(0, s.find(' '));
  if (!text::all_digits(err)) return false;
  f.set("ldap.result", err);
  if (const auto* e = connections().find(key)) {
    set_peer(*e, f);
    if (!e->user.empty()) {
      f.set("ldap.bind.dn", e->user);
      f.set("user.name", dn_user(e->user));
    }
  }
  if (err == "0") {
    service::set_event(f, "slapd", "authentication", "ldap_bind", "success");
    return true;
  }
  const string_view reason = err == "49"   ? service::kBadCredentials
                             : err == "53" ? service::kNotAllowed
                                           : service::kDenied;
  service::set_auth_failure(f, "slapd", "ldap_bind", reason);
  if (const size_t t = s.find("text="); t != npos && t + 5 < s.size()) {
    f.set("error.message", s.substr(t + 5));
  }
  return true;
}

}  // namespace

// Its entry in the decoder registry (decoder_registry.h).
namespace {

constexpr std::string_view kSlapdPrograms[] = {"slapd"};
constexpr std::string_view kSlapdFormats[] = {"OpenLDAP slapd connection and operation log"};

bool decode_slapd_program(std::string_view msg, const ReadTime& /*read*/, Fields& fields,
                          std::optional<SysTime>& /*time*/) {
  return decode_slapd(msg, fields);
}

}  // namespace

extern constinit const DecoderSpec kSlapdDecoder{
    .name = "slapd",
    .description = "OpenLDAP slapd binds (err=49 invalid credentials) with the peer's address",
    .programs = kSlapdPrograms,
    .formats = kSlapdFormats,
    .decode = decode_slapd_program,
};

}  // namespace soc
