#include "collector/decode/vpn.h"

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

// "[AF_INET]IP:PORT" / "[AF_INET6]IP:PORT" anywhere in `s`.
bool af_inet_peer(string_view s, Fields& f) {
  const size_t at = s.find("[AF_INET");
  if (at == npos) return false;
  string_view rest = s.substr(s.find(']', at) + 1);
  return service::set_source_endpoint(f, rest.substr(0, rest.find_first_of(" ,")));
}

void vpn_failure(Fields& f, string_view service, string_view reason, string_view message) {
  service::set_auth_failure(f, service, "vpn_auth", reason);
  f.set("error.message", message);
}

// OpenVPN's own log file (--log): "YYYY-MM-DD hh:mm:ss MSG" or, before 2.5, "Www Mmm dd hh:mm:ss
// yyyy MSG". Returns MSG, or nothing when the line does not start so.
std::optional<string_view> openvpn_file_message(string_view line) {
  if (line.size() > 20 && text::is_digit(line[0]) && line[4] == '-' && line[7] == '-' &&
      line[10] == ' ' && line[13] == ':' && line[16] == ':' && line[19] == ' ') {
    return line.substr(20);
  }
  if (line.size() > 25 && line[3] == ' ' && line[7] == ' ' && line[13] == ':' && line[16] == ':' &&
      line[19] == ' ' && line[24] == ' ') {
    return line.substr(25);
  }
  return std::nullopt;
}

// The message after the peer; the peer's fields are set by openvpn() once this matched.
bool openvpn_message(string_view s, Fields& f);

// The peer in front ("IP:PORT " or "CN/IP:PORT "), then the message. Nothing is set unless the
// message is a known one.
bool openvpn(string_view s, Fields& f) {
  // OpenVPN's own date, when its --log output reaches syslog.
  if (const auto own = openvpn_file_message(s)) s = *own;
  const string_view first = s.substr(0, s.find(' '));
  const size_t slash = first.rfind('/');
  const string_view endpoint = slash == npos ? first : first.substr(slash + 1);
  const size_t colon = endpoint.rfind(':');
  const bool has_peer =
      text::is_ip(endpoint) || (colon != npos && text::is_ip(endpoint.substr(0, colon)) &&
                                text::is_port(endpoint.substr(colon + 1)));
  string_view user = slash == npos ? string_view() : first.substr(0, slash);
  if (has_peer) {
    s.remove_prefix(std::min(s.size(), first.size() + 1));
    // "IP:PORT [USER] Peer Connection Initiated ..."
    if (!s.empty() && s.front() == '[') {
      const size_t close = s.find("] ");
      if (close != npos) {
        user = s.substr(1, close - 1);
        s.remove_prefix(close + 2);
      }
    }
  }
  if (!openvpn_message(s, f)) return false;
  if (has_peer) {
    if (!f.get("source.ip")) service::set_source_endpoint(f, endpoint);
    if (!user.empty() && !f.get("user.name")) f.set("user.name", user);
  }
  return true;
}

bool openvpn_message(string_view s, Fields& f) {
  if (consume(s, "TLS Auth Error: ") || s.find("AUTH_FAILED") != npos ||
      s.find("PLUGIN_AUTH_USER_PASS_VERIFY failed") != npos) {
    const string_view user = service::between(s, "username '", "'");
    if (!user.empty()) f.set("user.name", user);
    vpn_failure(f, "openvpn", service::kBadCredentials, s);
    af_inet_peer(s, f);
    return true;
  }
  if (s.substr(0, 10) == "TLS Error:" || consume(s, "VERIFY ERROR: ")) {
    af_inet_peer(s, f);
    vpn_failure(f, "openvpn", service::kTlsError, s);
    return true;
  }
  if (s.substr(0, 29) == "Authenticate/Decrypt packet e" ||
      s.substr(0, 42) == "WARNING: Bad encapsulated packet length fr") {
    vpn_failure(f, "openvpn", service::kProtocolError, s);
    return true;
  }
  if (s.substr(0, 36) == "SIGUSR1[soft,connection-reset] recei") {
    service::set_event(f, "openvpn", "network", "vpn_connection", "unknown");
    f.set("event.reason", "connection_reset");
    return true;
  }
  // openvpn-auth-ldap.
  if (consume(s, "Incorrect password supplied for LDAP DN \"")) {
    string_view dn = s.substr(0, s.find('"'));
    if (consume(dn, "CN=") || consume(dn, "cn=") || consume(dn, "uid=")) {
      f.set("user.name", dn.substr(0, dn.find(',')));
    }
    vpn_failure(f, "openvpn", service::kBadPassword, s);
    return true;
  }
  if (s.substr(0, 18) == "LDAP bind failed: ") {
    vpn_failure(f, "openvpn", service::kBadCredentials, s);
    return true;
  }
  if (consume(s, "user '")) {
    const size_t quote = s.find('\'');
    if (quote == npos) return false;
    const string_view what = s.substr(quote + 1);
    const bool ok = what == " authenticated";
    if (!ok && what.find("fail") == npos && what.find("could not") == npos) return false;
    f.set("user.name", s.substr(0, quote));
    if (ok) {
      service::set_event(f, "openvpn", "authentication", "vpn_auth", "success");
    } else {
      vpn_failure(f, "openvpn", service::kBadCredentials, what);
    }
    return true;
  }
  if (consume(s, "Peer Connection Initiated with ")) {
    af_inet_peer(s, f);
    service::set_event(f, "openvpn", "authentication", "vpn_auth", "success");
    return true;
  }
  return false;
}

// "[IKE] " and the like after charon's "NN[IKE] " thread and subsystem; "<conn|N> " after that.
string_view charon_text(string_view s) {
  size_t i = 0;
  while (i < s.size() && text::is_digit(s[i])) ++i;
  if (i < s.size() && s[i] == '[') {
    const size_t close = s.find("] ", i);
    if (close != npos) s.remove_prefix(close + 2);
  }
  if (!s.empty() && s.front() == '<') s.remove_prefix(std::min(s.size(), s.find("> ") + 2));
  return s;
}

// The peer of "no IKE config found for LOCAL...REMOTE": the address after "...".
void charon_peer(string_view s, Fields& f) {
  const string_view peer = service::between(s, "...", " ");
  if (!peer.empty())
    service::set_source_host(f, peer.back() == ',' ? peer.substr(0, peer.size() - 1) : peer);
  if (const size_t at = s.find("for peer "); at != npos) {
    const string_view from = s.substr(at + 9);
    service::set_source_host(f, from.substr(0, from.find(' ')));
  }
  const size_t end = s.find(" is initiating");
  if (end != npos) service::set_source_host(f, s.substr(0, end));
}

bool strongswan(string_view s, Fields& f) {
  s = charon_text(s);
  const bool failed = (s.find("authentication of '") != npos && s.find(" failed") != npos) ||
                      s.find("peer authentication failed") != npos ||
                      s.find("AUTHENTICATION_FAILED") != npos ||
                      (s.find("EAP method ") != npos && s.find(" failed") != npos) ||
                      s.find("MAC mismatched") != npos;
  if (failed) {
    const string_view id = service::between(s, "authentication of '", "'");
    if (!id.empty()) f.set("user.name", id);
    charon_peer(s, f);
    vpn_failure(f, "strongswan", service::kBadCredentials, s);
    return true;
  }
  if (s.find("no IKE config found for ") != npos || s.find("no matching peer config") != npos) {
    charon_peer(s, f);
    vpn_failure(f, "strongswan", service::kNotAllowed, s);
    return true;
  }
  if (consume(s, "authentication of '") && s.find(" successful") != npos &&
      s.find("(myself)") == npos) {
    f.set("user.name", s.substr(0, s.find('\'')));
    service::set_event(f, "strongswan", "authentication", "vpn_auth", "success");
    return true;
  }
  return false;
}

}  // namespace

bool decode_vpn(string_view program, string_view msg, Fields& f) {
  if (program == "charon" || program == "charon-systemd" || program == "ipsec" ||
      program == "strongswan") {
    return strongswan(msg, f);
  }
  return openvpn(msg, f);
}

bool decode_vpn_text(string_view program, string_view line, Fields& f) {
  if (program.substr(0, 5) == "ovpn-") return openvpn(line, f);
  if (program.empty()) {
    if (const auto msg = openvpn_file_message(line); msg && openvpn(*msg, f)) {
      f.set("process.name", "openvpn");
      return true;
    }
  }
  // WireGuard logs only with dynamic debug on: "wireguard: wg0: Invalid handshake initiation
  // from 192.0.2.1:51820".
  if (const size_t wg = line.find("wireguard: "); wg != npos && wg < 40) {
    string_view s = line.substr(wg + 11);
    s.remove_prefix(std::min(s.size(), s.find(": ") + 2));
    const bool bad = consume(s, "Invalid handshake initiation from ") ||
                     consume(s, "Invalid handshake response from ") ||
                     consume(s, "Invalid MAC of handshake, dropping packet from ") ||
                     consume(s, "Packet has unallowed src IP (");
    if (!bad) return false;
    service::set_source_endpoint(f, s.substr(0, s.find_first_of(" )")));
    vpn_failure(f, "wireguard", service::kProtocolError, line.substr(wg + 11));
    return true;
  }
  // SoftEther VPN security log.
  if (const size_t at = line.find(": User authentication failed. The user name that has been "
                                  "provided was \"");
      at != npos) {
    string_view s = line.substr(at);
    const size_t from = s.rfind(", from ");
    if (from == npos) return false;
    string_view ip = s.substr(from + 7);
    if (!ip.empty() && ip.back() == '.') ip.remove_suffix(1);
    if (!service::set_source_host(f, ip)) return false;
    f.set("user.name", service::between(s, "was \"", "\""));
    f.set("process.name", f.get("process.name").value_or("vpnserver"));
    vpn_failure(f, "softethervpn", service::kBadCredentials, "User authentication failed");
    return true;
  }
  return false;
}

// Its entry in the decoder registry (decoder_registry.h).
namespace {

constexpr std::string_view kVpnPrograms[] = {
    "openvpn", "ovpn-server", "openvpn-server", "charon", "charon-systemd", "ipsec", "strongswan"};
constexpr std::string_view kVpnFormats[] = {"OpenVPN server messages", "strongSwan charon log"};

bool decode_vpn_program(std::string_view msg, const ReadTime& /*read*/, Fields& fields,
                        std::optional<SysTime>& /*time*/) {
  const std::string program(fields.get("process.name").value_or(""));
  return decode_vpn(program, msg, fields);
}

}  // namespace

extern constinit const DecoderSpec kVpnDecoder{
    .name = "vpn",
    .description = "VPN servers: OpenVPN TLS and login failures, strongSwan IKE authentication",
    .programs = kVpnPrograms,
    .formats = kVpnFormats,
    .decode = decode_vpn_program,
};

}  // namespace soc
