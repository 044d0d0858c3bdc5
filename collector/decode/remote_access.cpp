#include "collector/decode/remote_access.h"

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

bool xrdp(string_view s, Fields& f) {
  const size_t at = s.rfind("AUTHFAIL: user=");
  if (at == npos) return false;
  string_view rest = s.substr(at + 15);
  const size_t ip = rest.rfind(" ip=");
  if (ip == npos) return false;
  const string_view user = rest.substr(0, ip);
  string_view addr = rest.substr(ip + 4);
  addr = addr.substr(0, addr.find(' '));
  if (!service::set_source_host(f, addr)) return false;
  f.set("user.name", user);
  service::set_auth_failure(f, "xrdp", "rdp_login", service::kBadCredentials);
  return true;
}

bool monit(string_view s, Fields& f) {
  string_view client;
  string_view rest;
  if (const size_t at = s.find("Client '");
      at != npos && s.find(" accessing monit httpd") != npos) {
    client = service::between(s, "'", "'", at);
    rest = s.substr(at + 8 + client.size());
  } else if (const size_t denied = s.find("access denied -- client "); denied != npos) {
    rest = s.substr(denied + 24);
    const size_t colon = rest.find(": ");
    if (colon == npos) return false;
    client = rest.substr(0, colon);
    if (client.size() > 2 && client.front() == '[') client = client.substr(1, client.size() - 2);
    rest.remove_prefix(colon + 2);
  } else {
    return false;
  }
  if (!service::set_source_host(f, client)) return false;
  const string_view user = service::between(rest, "user '", "'");
  string_view reason;
  if (rest.find("unknown user '") != npos && !user.empty()) {
    reason = service::kUnknownUser;
  } else if (rest.find("wrong password") != npos || rest.find("empty password") != npos) {
    reason = service::kBadPassword;
  }
  if (!user.empty()) f.set("user.name", user);
  if (reason.empty()) {
    // No credentials offered (missing header, empty user): the browser's first request.
    service::set_event(f, "monit", "authentication", "http_auth", "unknown");
    return true;
  }
  service::set_auth_failure(f, "monit", "http_auth", reason);
  return true;
}

bool guacamole(string_view s, Fields& f) {
  const size_t at = s.find("Authentication attempt from ");
  if (at == npos || s.find("\" failed.", at) == npos) return false;
  string_view from = s.substr(at + 28);
  string_view addr = from.substr(0, from.find(" for user \""));
  if (!addr.empty() && addr.front() == '[') addr = addr.substr(1, addr.find_first_of(",]") - 1);
  if (!service::set_source_host(f, addr)) return false;
  f.set("user.name", service::between(from, "for user \"", "\""));
  service::set_auth_failure(f, "guacamole", "web_login", service::kBadCredentials);
  return true;
}

bool murmur(string_view s, Fields& f) {
  const size_t at = s.find("> Rejected connection from ");
  if (at == npos) return false;
  string_view rest = s.substr(at + 27);
  const size_t colon = rest.find(": ");
  if (colon == npos || !service::set_source_endpoint(f, rest.substr(0, colon))) return false;
  const size_t open = s.rfind('<', at);
  if (open != npos) {
    string_view who = s.substr(open + 1, at - open - 1);  // "4:name(-1)"
    who.remove_prefix(std::min(who.size(), who.find(':') + 1));
    who = who.substr(0, who.rfind('('));
    if (!who.empty()) f.set("user.name", who);
  }
  const string_view why = rest.substr(colon + 2);
  const bool password = why.find("password") != npos;
  service::set_auth_failure(f, "murmur", "voice_login",
                            password ? service::kBadPassword : service::kNotAllowed);
  f.set("error.message", why);
  return true;
}

bool ejabberd(string_view s, Fields& f) {
  const size_t at = s.find("Failed ");
  if (at == npos) return false;
  const size_t auth = s.find("authentication for ", at);
  if (auth == npos || auth - at > 40) return false;
  string_view rest = s.substr(auth + 19);
  const size_t from = rest.find(" from ");
  if (from == npos) return false;
  const string_view user = rest.substr(0, from);
  rest.remove_prefix(from + 6);
  consume(rest, "IP ");
  string_view addr = rest.substr(0, rest.find(' '));
  if (!addr.empty() && addr.back() == ':') addr.remove_suffix(1);
  if (!service::set_source_host(f, addr)) return false;
  f.set("user.name", user);
  service::set_auth_failure(f, "ejabberd", "xmpp_auth", service::kBadCredentials);
  return true;
}

bool znc(string_view s, Fields& f) {
  const size_t at = s.find("] failed to login from ");
  if (at == npos) return false;
  const size_t open = s.rfind('[', at);
  if (open == npos) return false;
  string_view addr = text::trim(s.substr(at + 23));
  if (!service::set_source_endpoint(f, addr)) return false;
  f.set("user.name", s.substr(open + 1, at - open - 1));
  service::set_auth_failure(f, "znc", "irc_login", service::kBadCredentials);
  return true;
}

bool stunnel(string_view s, Fields& f) {
  const size_t at = s.find("SSL_accept from ");
  if (at == npos) return false;
  string_view rest = s.substr(at + 16);
  if (!service::set_source_endpoint(f, rest.substr(0, rest.find(' ')))) return false;
  service::set_auth_failure(f, "stunnel", "tls_handshake", service::kTlsError);
  const size_t colon = rest.find(" : ");
  if (colon != npos) f.set("error.message", rest.substr(colon + 3));
  return true;
}

bool xinetd(string_view s, Fields& f) {
  if (!consume(s, "FAIL: ")) return false;
  const size_t from = s.rfind(" from=");
  if (from == npos || !service::set_source_host(f, s.substr(from + 6))) return false;
  f.set("xinetd.service", s.substr(0, s.find(' ')));
  service::set_auth_failure(f, "xinetd", "service_access", service::kNotAllowed);
  f.set("error.message", s.substr(0, from));
  return true;
}

bool screensharing(string_view s, Fields& f) {
  const size_t at = s.find("Authentication: FAILED :: User Name: ");
  if (at == npos) return false;
  const size_t viewer = s.rfind(" :: Viewer Address: ");
  if (viewer == npos || viewer < at) return false;
  string_view addr = s.substr(viewer + 20);
  addr = addr.substr(0, addr.find(' '));
  if (!service::set_source_host(f, addr)) return false;
  f.set("user.name", text::trim(s.substr(at + 37, viewer - at - 37)));
  service::set_auth_failure(f, "screensharingd", "vnc_login", service::kBadCredentials);
  return true;
}

}  // namespace

bool decode_remote_access(string_view program, string_view s, Fields& f) {
  (void)program;
  return xrdp(s, f) || monit(s, f) || guacamole(s, f) || murmur(s, f) || ejabberd(s, f) ||
         znc(s, f) || stunnel(s, f) || xinetd(s, f) || screensharing(s, f);
}

// Its entry in the decoder registry (decoder_registry.h).
namespace {

constexpr std::string_view kRemoteAccessPrograms[] = {"xrdp-sesman", "monit",    "murmurd",
                                                      "murmur",      "ejabberd", "znc",
                                                      "stunnel",     "stunnel4", "screensharingd"};
constexpr std::string_view kRemoteAccessFormats[] = {"xrdp-sesman AUTHFAIL",
                                                     "Monit httpd",
                                                     "Guacamole",
                                                     "Murmur",
                                                     "ejabberd",
                                                     "ZNC",
                                                     "stunnel",
                                                     "xinetd FAIL",
                                                     "macOS screensharingd"};

bool decode_remote_access_program(std::string_view msg, const ReadTime& /*read*/, Fields& fields,
                                  std::optional<SysTime>& /*time*/) {
  return decode_remote_access({}, msg, fields);
}

}  // namespace

extern constinit const DecoderSpec kRemoteAccessDecoder{
    .name = "remote_access",
    .description =
        "Login failures of xrdp, Monit, Guacamole, Murmur, ejabberd, ZNC, stunnel, "
        "xinetd, screen sharing",
    .programs = kRemoteAccessPrograms,
    .formats = kRemoteAccessFormats,
    .decode = decode_remote_access_program,
};

}  // namespace soc
