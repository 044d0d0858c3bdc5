#include "collector/decode/sshd.h"

#include <optional>
#include <string>

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

}  // namespace

bool is_sshd_program(string_view program) {
  return program == "sshd" || program == "sshd-session" || program == "sshd-auth";
}

bool decode_sshd(string_view message, Fields& f) {
  string_view s = message;
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
      consume(s, "Disconnected from authenticating user ") ||
      consume(s, "Disconnected from invalid user ")) {
    return preauth(s, f);
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
  return false;
}

}  // namespace soc
