#include "collector/decode/sshd.h"

#include <algorithm>
#include <optional>
#include <string>

#include "collector/decode/decoder_registry.h"
#include "collector/decode/firewall.h"
#include "collector/decode/pam.h"
#include "collector/decode/text.h"

namespace soc {
namespace {

using std::string_view;
constexpr size_t npos = string_view::npos;

using text::consume;
using text::is_ip;
using text::is_port;

// The token starting at `pos`: up to the next space or the end.
string_view token_at(string_view s, size_t pos) {
  return s.substr(pos, s.find(' ', pos) - pos);
}

struct Origin {
  string_view user;
  string_view ip;
  string_view port;  // empty when the line has none
};

// `USER from IP[ port N]...`. USER is whatever the client sent and may itself contain " from IP
// port N", so the real one is the right-most " from " followed by an address and a port; failing
// that, the right-most followed by an address (older sshd logs no port on some lines).
std::optional<Origin> user_from(string_view s) {
  std::optional<Origin> without_port;
  for (size_t end = s.size(); end != 0;) {
    const size_t at = s.rfind(" from ", end - 1);
    if (at == npos) break;
    end = at;
    const size_t ip_pos = at + 6;
    const string_view ip = token_at(s, ip_pos);
    if (!is_ip(ip)) continue;
    const string_view user = s.substr(0, at);
    string_view tail = s.substr(ip_pos + ip.size());
    if (consume(tail, " port ")) {
      string_view port = tail.substr(0, tail.find_first_of(" :"));
      if (is_port(port)) return Origin{user, ip, port};
    }
    if (!without_port) without_port = Origin{user, ip, {}};
  }
  return without_port;
}

void set_origin(const Origin& o, Fields& f) {
  if (!o.user.empty()) f.set("user.name", o.user);
  f.set("source.ip", o.ip);
  if (!o.port.empty()) f.set("source.port", o.port);
}

void set_event(string_view action, string_view outcome, Fields& f) {
  f.set("event.action", action);
  f.set("event.outcome", outcome);
}

// After "Failed " or "Accepted ": `METHOD for [invalid user ]USER from IP port N ssh2[: KEY]`.
bool login(string_view s, string_view outcome, Fields& f) {
  const size_t for_at = s.find(" for ");
  if (for_at == npos || for_at == 0) return false;
  const string_view method = s.substr(0, for_at);
  if (method.find(' ') != npos) return false;
  s.remove_prefix(for_at + 5);
  consume(s, "invalid user ");
  const auto origin = user_from(s);
  if (!origin) return false;
  set_origin(*origin, f);
  f.set("ssh.method", method);
  set_event("ssh_login", outcome, f);
  return true;
}

// After "Connection closed by authenticating user " and the like: `USER IP port N[ [preauth]]`,
// parsed from the right because USER is the client's.
bool preauth(string_view s, Fields& f) {
  if (s.size() >= 10 && s.substr(s.size() - 10) == " [preauth]") s.remove_suffix(10);
  const size_t port_at = s.rfind(" port ");
  if (port_at == npos) return false;
  const string_view port = s.substr(port_at + 6);
  if (!is_port(port)) return false;
  const string_view before = s.substr(0, port_at);
  const size_t space = before.rfind(' ');
  if (space == npos) return false;
  const Origin o{before.substr(0, space), before.substr(space + 1), port};
  if (!is_ip(o.ip)) return false;
  set_origin(o, f);
  set_event("ssh_preauth_disconnect", "failure", f);
  return true;
}

// `IP port N` at the front of a text (the port optional: older sshd logs none on some lines).
struct Peer {
  string_view ip;
  string_view port;  // empty when the line has none
  string_view rest;  // what follows
};

std::optional<Peer> ip_port(string_view s) {
  Peer p;
  p.ip = token_at(s, 0);
  if (!is_ip(p.ip)) return std::nullopt;
  s.remove_prefix(p.ip.size());
  if (consume(s, " port ")) {
    p.port = s.substr(0, s.find_first_of(" :"));
    if (!is_port(p.port)) return std::nullopt;
    s.remove_prefix(p.port.size());
  }
  p.rest = s;
  return p;
}

void set_peer(const Peer& p, Fields& f) {
  f.set("source.ip", p.ip);
  if (!p.port.empty()) f.set("source.port", p.port);
}

// Removes sshd's " [preauth]" tag (the pre-authentication child logged the line).
string_view without_preauth(string_view s) {
  if (text::ends_with(s, " [preauth]")) s.remove_suffix(10);
  return s;
}

// A pre-authentication probe or protocol failure that names the peer: `ACTION` with source.ip /
// source.port and, after the address, an optional ": REASON" kept as event.reason. Scanners and
// exploit attempts produce these in bursts; a single one is usually an old client.
bool probe(string_view s, string_view action, Fields& f) {
  const auto peer = ip_port(s);
  if (!peer) return false;
  string_view reason = without_preauth(peer->rest);
  if (!reason.empty() && !consume(reason, ": ")) return false;
  set_peer(*peer, f);
  if (!reason.empty()) f.set("event.reason", text::trim(reason));
  set_event(action, "failure", f);
  return true;
}

// After "reverse mapping checking getaddrinfo for ": `HOST [IP] failed - POSSIBLE BREAK-IN
// ATTEMPT!`; after "Address ": `IP maps to HOST, but this does not map back to the address -
// POSSIBLE BREAK-IN ATTEMPT!`. The peer's DNS does not match its address.
bool dns_mismatch(string_view host, string_view ip, Fields& f) {
  if (!is_ip(ip) || host.empty() || host.find(' ') != npos) return false;
  f.set("source.ip", ip);
  f.set("source.domain", host);
  set_event("ssh_dns_mismatch", "failure", f);
  return true;
}

bool reverse_mapping(string_view s, Fields& f) {
  const size_t open = s.find(" [");
  if (open == npos) return false;
  const size_t close = s.find("] failed", open);
  if (close == npos) return false;
  return dns_mismatch(s.substr(0, open), s.substr(open + 2, close - open - 2), f);
}

bool address_maps(string_view s, Fields& f) {
  const size_t maps = s.find(" maps to ");
  if (maps == npos) return false;
  const string_view host = s.substr(maps + 9, s.find(", but ", maps) - maps - 9);
  if (s.find("POSSIBLE BREAK-IN ATTEMPT") == npos) return false;
  return dns_mismatch(host, s.substr(0, maps), f);
}

// After "User ": `USER from HOST not allowed because REASON` or `USER not allowed because REASON`
// (AllowUsers / DenyUsers / AllowGroups / DenyGroups, a locked account, a missing shell). sshd
// only checks this for existing accounts, so USER is a real one-word account name.
bool not_allowed(string_view s, Fields& f) {
  const size_t because = s.find(" not allowed because ");
  if (because == npos) return false;
  const string_view reason = s.substr(because + 21);
  string_view who = s.substr(0, because);
  string_view host;
  if (const size_t from = who.find(" from "); from != npos) {
    host = who.substr(from + 6);
    who = who.substr(0, from);
  }
  if (who.empty() || who.find(' ') != npos || host.find(' ') != npos || reason.empty()) {
    return false;
  }
  f.set("user.name", who);
  if (is_ip(host)) {
    f.set("source.ip", host);
  } else if (!host.empty()) {
    f.set("source.domain", host);
  }
  f.set("event.reason", reason);
  set_event("ssh_user_not_allowed", "failure", f);
  return true;
}

// After "maximum authentication attempts exceeded for ": `[invalid user ]USER from IP port N
// ssh2 [preauth]`.
bool max_attempts(string_view s, Fields& f) {
  consume(s, "invalid user ");
  const auto origin = user_from(without_preauth(s));
  if (!origin) return false;
  set_origin(*origin, f);
  set_event("ssh_max_auth_attempts", "failure", f);
  return true;
}

// After "Bad protocol version identification ": `'TEXT' from IP[ port N]`. TEXT is the client's
// and may hold " from ", so the address is the right-most " from " followed by one.
bool bad_version(string_view s, Fields& f) {
  for (size_t end = s.size(); end != 0;) {
    const size_t at = s.rfind(" from ", end - 1);
    if (at == npos) return false;
    end = at;
    const auto peer = ip_port(s.substr(at + 6));
    if (!peer || !without_preauth(peer->rest).empty()) continue;
    set_peer(*peer, f);
    set_event("ssh_bad_protocol_version", "failure", f);
    return true;
  }
  return false;
}

// Sets the peer named by a host that may be an address or a DNS name (UseDNS yes).
void set_host(string_view host, Fields& f) {
  if (is_ip(host)) {
    f.set("source.ip", host);
  } else {
    f.set("source.domain", host);
  }
}

// After "PAM: " (sshd built with PAM, as on macOS, FreeBSD and old Linux):
// `Authentication failure for USER from HOST[ via ADDR]`, `authentication error for ...` and
// `User not known to the underlying authentication module for [illegal ]user USER from HOST`.
bool pam_error(string_view s, Fields& f) {
  string_view rest = s;
  bool unknown_user = false;
  if (consume(rest, "User not known to the underlying authentication module for ")) {
    unknown_user = true;
    if (!consume(rest, "illegal user ")) consume(rest, "invalid user ");
  } else {
    const string_view lower2 = rest.substr(0, 2);
    if (lower2 != "Au" && lower2 != "au") return false;
    rest.remove_prefix(1);
    if (!consume(rest, "uthentication failure for ") &&
        !consume(rest, "uthentication error for ")) {
      return false;
    }
    if (!consume(rest, "illegal user ")) consume(rest, "invalid user ");
  }
  rest = text::trim(rest);
  const size_t from = rest.rfind(" from ");
  if (from == npos) return false;
  string_view host = rest.substr(from + 6);
  const string_view user = rest.substr(0, from);
  if (const size_t via = host.find(" via "); via != npos) host = host.substr(0, via);
  if (host.empty() || host.find(' ') != npos || user.find(' ') != npos) return false;
  if (!user.empty()) f.set("user.name", user);
  set_host(host, f);
  if (unknown_user) f.set("event.reason", "unknown user");
  set_event("ssh_pam_auth_failure", "failure", f);
  return true;
}

// After "refused connect from " (libwrap, hosts.deny): `HOST (ADDR)` or `ADDR`.
bool refused_connect(string_view s, Fields& f) {
  s = text::trim(s);
  string_view host = s, addr;
  if (const size_t open = s.rfind(" ("); open != npos && s.back() == ')') {
    host = s.substr(0, open);
    addr = s.substr(open + 2, s.size() - open - 3);
  }
  if (const size_t at = host.rfind('@'); at != npos) host.remove_prefix(at + 1);  // user@host
  if (is_ip(addr)) {
    f.set("source.ip", addr);
    if (!is_ip(host) && !host.empty() && host.find(' ') == npos) f.set("source.domain", host);
  } else if (!host.empty() && host.find(' ') == npos) {
    set_host(host, f);
  } else {
    return false;
  }
  set_event("ssh_connection_refused", "failure", f);
  return true;
}

// After "Received disconnect from ": `IP[ port N]:[ ]CODE: REASON[ [preauth]]`. Before
// authentication (the [preauth] tag) it is a client giving up, typically a brute-force tool after
// its guess failed (JSch's "Auth fail", code 14 "No supported authentication methods"); after a
// session it is a normal logout, so only the pre-authentication ones count as failures.
bool received_disconnect(string_view s, Fields& f) {
  const bool tagged = text::ends_with(s, " [preauth]");
  s = without_preauth(s);
  // The address ends at " port " or, without a port (OpenSSH < 7.3), at ": " (an IPv6 address
  // has no ": ").
  Peer peer;
  const size_t port_at = s.find(" port ");
  const size_t colon_at = s.find(": ");
  string_view rest;
  if (port_at != npos && (colon_at == npos || port_at < colon_at)) {
    peer.ip = s.substr(0, port_at);
    rest = s.substr(port_at + 6);
    peer.port = rest.substr(0, rest.find(':'));
    if (!is_port(peer.port)) return false;
    rest.remove_prefix(peer.port.size());
  } else if (colon_at != npos) {
    peer.ip = s.substr(0, colon_at);
    rest = s.substr(colon_at);
  } else {
    return false;
  }
  if (!is_ip(peer.ip) || !consume(rest, ":")) return false;
  rest = text::trim(rest);
  const size_t colon = rest.find(':');
  const string_view code = rest.substr(0, colon);
  if (!text::all_digits(code)) return false;
  const string_view reason = colon == npos ? string_view() : text::trim(rest.substr(colon + 1));
  set_peer(peer, f);
  f.set("ssh.disconnect_code", code);
  if (!reason.empty()) f.set("event.reason", reason);
  // 3 = SSH2_DISCONNECT_KEY_EXCHANGE_FAILED / auth failures, 14 = no more auth methods.
  const bool failed = tagged || code == "3" || code == "14";
  set_event("ssh_client_disconnect", failed ? "failure" : "unknown", f);
  return true;
}

// An address-less pre-authentication failure: the peer is in the connection's other lines.
bool anonymous_probe(string_view reason, string_view action, Fields& f) {
  f.set("event.reason", text::trim(without_preauth(reason)));
  set_event(action, "failure", f);
  return true;
}

}  // namespace

bool is_sshd_program(string_view program) {
  return program == "sshd" || program == "sshd-session" || program == "sshd-auth";
}

bool decode_sshd(string_view message, Fields& f) {
  string_view s = message;
  // Solaris and illumos prefix a message id: "[ID 800047 auth.info] Failed ...".
  if (s.substr(0, 4) == "[ID ") {
    const size_t close = s.find("] ");
    if (close != npos) s.remove_prefix(close + 2);
  }
  // A kernel-style uptime stamp some relays put in front: "kernel:[  970.699396]: Failed ...".
  if (consume(s, "kernel:")) {
    s = strip_kernel_uptime(text::trim(s));
    consume(s, ": ");
    s = text::trim(s);
  }
  if (consume(s, "Failed ")) return login(s, "failure", f);
  if (consume(s, "Accepted ")) return login(s, "success", f);
  if (consume(s, "Invalid user ") || consume(s, "Illegal user ")) {
    const auto origin = user_from(s);
    if (!origin) return false;
    set_origin(*origin, f);
    set_event("ssh_invalid_user", "failure", f);
    return true;
  }
  if (consume(s, "Connection closed by authenticating user ") ||
      consume(s, "Connection closed by invalid user ") ||
      consume(s, "Connection reset by authenticating user ") ||
      consume(s, "Connection reset by invalid user ") ||
      consume(s, "Disconnected from authenticating user ") ||
      consume(s, "Disconnected from invalid user ")) {
    return preauth(s, f);
  }
  // A peer that went away without naming a user: since OpenSSH 8 a connection that never sends a
  // banner (port scanners) logs only this, after an address-less "kex_exchange_identification"
  // error. A distinct action keeps it out of counts of login attempts.
  const bool closed = consume(s, "Connection closed by ");
  if (closed || consume(s, "Connection reset by ")) {
    const bool tagged = text::ends_with(s, " [preauth]");
    const auto peer = ip_port(without_preauth(s));
    if (!peer || !peer->rest.empty()) return false;
    set_peer(*peer, f);
    f.set("event.reason", closed ? "closed" : "reset");
    set_event("ssh_connection_closed", tagged ? "failure" : "unknown", f);
    return true;
  }
  // "Disconnected from IP port N [preauth]": the same, as OpenSSH 7.x+ logs it; after a session
  // the line names the user ("Disconnected from user alice IP port N") and is a normal logout.
  if (consume(s, "Disconnected from ")) {
    const bool tagged = text::ends_with(s, " [preauth]");
    const auto peer = ip_port(without_preauth(s));
    if (!peer || !peer->rest.empty()) return false;
    set_peer(*peer, f);
    f.set("event.reason", "disconnected");
    set_event("ssh_connection_closed", tagged ? "failure" : "unknown", f);
    return true;
  }
  if (consume(s, "refused connect from ")) return refused_connect(s, f);
  if (!consume(s, "error: ")) consume(s, "fatal: ");
  if (consume(s, "Received disconnect from ")) return received_disconnect(s, f);
  if (consume(s, "PAM: ")) return pam_error(s, f);
  // OpenSSH 8+: "Disconnecting authenticating user root 192.0.2.1 port 22: Too many
  // authentication failures [preauth]", "Disconnecting invalid user admin 192.0.2.1 port 22:
  // Change of username or service not allowed: ... [preauth]".
  if (consume(s, "Disconnecting authenticating user ") ||
      consume(s, "Disconnecting invalid user ")) {
    const size_t colon = s.find(": ");
    if (colon == npos) return false;
    const string_view reason = without_preauth(s.substr(colon + 2));
    if (!preauth(s.substr(0, colon), f)) return false;
    f.set("event.reason", reason);
    if (reason.substr(0, 34) == "Too many authentication failures") {
      set_event("ssh_max_auth_attempts", "failure", f);
    }
    return true;
  }
  if (consume(s, "Disconnecting: Too many authentication failures")) {
    // Without " for USER" on some versions.
    string_view user = without_preauth(s);
    if (consume(user, " for ")) {
      if (user.empty() || user.find(' ') != npos) return false;
      f.set("user.name", user);
    } else if (!text::trim(user).empty()) {
      return false;
    }
    set_event("ssh_max_auth_attempts", "failure", f);
    return true;
  }
  // Protocol failures before authentication that carry no address (the peer is in the
  // connection's other lines): scanners and exploit probes.
  if (consume(s, "kex_exchange_identification: ") || consume(s, "kex_protocol_error: ")) {
    return anonymous_probe(s, "ssh_kex_failed", f);
  }
  // OpenSSH 8.2+ under a connection flood: "drop connection #10 from [IP]:PORT on [IP]:22 past
  // MaxStartups" (the address in brackets).
  if (consume(s, "drop connection #")) {
    const size_t open = s.find(" from [");
    const size_t close = open == npos ? npos : s.find("]:", open);
    if (close == npos || s.find(" past MaxStartups") == npos) return false;
    const string_view ip = s.substr(open + 7, close - open - 7);
    if (!is_ip(ip)) return false;
    f.set("source.ip", ip);
    const string_view port = token_at(s, close + 2);
    if (is_port(port)) f.set("source.port", port);
    f.set("event.reason", "past MaxStartups");
    set_event("ssh_maxstartups_drop", "failure", f);
    return true;
  }
  if (consume(s, "Read from socket failed: ") || consume(s, "Read error from remote host ")) {
    if (!text::ends_with(s, " [preauth]")) return false;
    return anonymous_probe(s, "ssh_connection_reset", f);
  }
  for (const string_view shape :
       {"Unable to negotiate a key exchange method", "no matching mac found: ",
        "no matching cipher found: ", "no matching key exchange method found: "}) {
    if (s.substr(0, shape.size()) == shape) return anonymous_probe(s, "ssh_negotiation_failed", f);
  }
  if (consume(s, "ssh_dispatch_run_fatal: Connection from ")) {
    return probe(s, "ssh_protocol_error", f);
  }
  // "Timeout before authentication for connection from IP to IP, pid = N" (OpenSSH 9.x).
  if (consume(s, "Timeout before authentication for connection from ")) {
    const string_view ip = token_at(s, 0);
    if (!is_ip(ip)) return false;
    f.set("source.ip", ip);
    set_event("ssh_preauth_timeout", "failure", f);
    return true;
  }
  // Pre-authentication noise and refusals. OpenSSH prefixes some with "error: " / "fatal: "
  // depending on the version (removed above); the text after it is the same.
  if (consume(s, "maximum authentication attempts exceeded for ")) return max_attempts(s, f);
  if (consume(s, "Disconnecting: Too many authentication failures for ")) {
    // OpenSSH before 7.x: no address on this line, only the user.
    const string_view user = without_preauth(s);
    if (user.empty() || user.find(' ') != npos) return false;
    f.set("user.name", user);
    set_event("ssh_max_auth_attempts", "failure", f);
    return true;
  }
  if (consume(s, "Did not receive identification string from ")) {
    return probe(s, "ssh_no_identification", f);
  }
  if (consume(s, "banner exchange: Connection from ")) return probe(s, "ssh_banner_invalid", f);
  if (consume(s, "Unable to negotiate with ")) return probe(s, "ssh_negotiation_failed", f);
  if (consume(s, "Bad protocol version identification ")) return bad_version(s, f);
  if (consume(s, "Timeout before authentication for ")) return probe(s, "ssh_preauth_timeout", f);
  if (consume(s, "reverse mapping checking getaddrinfo for ")) return reverse_mapping(s, f);
  if (consume(s, "Address ")) return address_maps(s, f);
  if (consume(s, "User ")) return not_allowed(s, f);
  if (consume(s, "ROOT LOGIN REFUSED FROM ")) {
    const auto peer = ip_port(without_preauth(s));
    if (!peer || !peer->rest.empty()) return false;
    set_peer(*peer, f);
    f.set("user.name", "root");
    set_event("ssh_root_login_refused", "failure", f);
    return true;
  }
  // "pam_unix(sshd:auth): " from sshd itself; the old "sshd(pam_unix)" tag logs without it.
  if (consume(s, "pam_unix(")) {
    const size_t close = s.find("): ");
    if (close == npos) return false;
    s.remove_prefix(close + 3);
  }
  if (consume(s, "authentication failure; ")) {
    set_pam_auth_failure(parse_pam_auth_items(s), f);
    return true;
  }
  // pam_unix's "check pass; user unknown": a password tried for an account that does not exist
  // (the address is on the connection's "Invalid user" line).
  if (s == "check pass; user unknown") {
    f.set("event.reason", "user unknown");
    set_event("pam_user_unknown", "failure", f);
    return true;
  }
  // "PAM 2 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=IP": sshd
  // summing up the failures of one connection.
  if (consume(s, "PAM ")) {
    const size_t space = s.find(' ');
    const string_view count = s.substr(0, space);
    if (space == npos || !text::all_digits(count)) return false;
    s.remove_prefix(space + 1);
    if (!consume(s, "more authentication failures; ") &&
        !consume(s, "more authentication failure; ")) {
      return false;
    }
    set_pam_auth_failure(parse_pam_auth_items(s), f);
    f.set("event.count", count);
    return true;
  }
  // "input_userauth_request: invalid user admin [preauth]" (OpenSSH < 7.5), after the
  // connection's "Invalid user admin from IP" line.
  if (consume(s, "input_userauth_request: invalid user ")) {
    const string_view user = without_preauth(s);
    if (user.find(' ') != npos) return false;
    if (!user.empty()) f.set("user.name", user);
    set_event("ssh_userauth_invalid_user", "failure", f);
    return true;
  }
  return false;
}

// Its entry in the decoder registry (decoder_registry.h).
namespace {

constexpr std::string_view kSshdPrograms[] = {"sshd", "sshd-session", "sshd-auth"};
constexpr std::string_view kSshdFormats[] = {"OpenSSH sshd messages", "PAM messages"};

bool decode_sshd_program(std::string_view msg, const ReadTime& /*read*/, Fields& fields,
                         std::optional<SysTime>& /*time*/) {
  return decode_sshd(msg, fields) || decode_pam(msg, fields);
}

}  // namespace

extern constinit const DecoderSpec kSshdDecoder{
    .name = "sshd",
    .description = "OpenSSH logins, failures, invalid users, pre-auth disconnects and probes",
    .programs = kSshdPrograms,
    .formats = kSshdFormats,
    .decode = decode_sshd_program,
};

}  // namespace soc
