#include "collector/decode/dropbear.h"

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

// dropbear's own "[PID] Mon DD HH:MM:SS " prefix.
string_view without_own_header(string_view s) {
  if (s.empty() || s.front() != '[') return s;
  const size_t close = s.find("] ");
  if (close == npos || !text::all_digits(s.substr(1, close - 1))) return s;
  s.remove_prefix(close + 2);
  if (s.size() > 16 && s[3] == ' ' && s[9] == ':' && s[12] == ':') s.remove_prefix(16);
  return s;
}

// The peer: the right-most " from IP:PORT" (a user name may hold " from ").
bool from_peer(string_view s, Fields& f) {
  for (size_t end = s.size(); end != 0;) {
    const size_t at = s.rfind(" from ", end - 1);
    if (at == npos) return false;
    end = at;
    string_view peer = s.substr(at + 6);
    peer = peer.substr(0, peer.find(' '));
    if (!peer.empty() && peer.front() == '<') peer = peer.substr(1, peer.find('>') - 1);
    if (service::set_source_endpoint(f, peer)) return true;
  }
  return false;
}

}  // namespace

bool decode_dropbear(string_view msg, Fields& f) {
  string_view s = without_own_header(msg);
  const bool bad_password = service::starts_with_nocase(s, "bad password attempt for '");
  if (bad_password || service::starts_with_nocase(s, "bad PAM password attempt for '")) {
    if (!from_peer(s, f)) return false;
    f.set("user.name", service::between(s, "'", "'"));
    service::set_auth_failure(f, "dropbear", "ssh_login", service::kBadPassword);
    return true;
  }
  if (service::starts_with_nocase(s, "login attempt for nonexistent user")) {
    if (!from_peer(s, f)) return false;
    const string_view user = service::between(s, "'", "'");
    if (!user.empty()) f.set("user.name", user);
    service::set_auth_failure(f, "dropbear", "ssh_login", service::kUnknownUser);
    return true;
  }
  if (consume(s, "Exit before auth")) {
    if (const size_t open = s.find('<'); open != npos && open < 8) {
      service::set_source_endpoint(f, s.substr(open + 1, s.find('>') - open - 1));
    } else {
      from_peer(s, f);
    }
    if (!f.get("source.ip")) return false;
    if (s.find("Max auth tries reached") != npos) {
      const string_view user = service::between(s, "(user '", "'");
      if (!user.empty()) f.set("user.name", user);
      service::set_auth_failure(f, "dropbear", "ssh_login", service::kMaxAttempts);
    } else {
      service::set_event(f, "dropbear", "authentication", "ssh_preauth_disconnect", "unknown");
    }
    f.set("error.message", text::trim(s.substr(std::min(s.size(), s.find(": ") + 1))));
    return true;
  }
  if (s.find(" auth succeeded for '") != npos) {
    if (!from_peer(s, f)) return false;
    f.set("user.name", service::between(s, "'", "'"));
    service::set_event(f, "dropbear", "authentication", "ssh_login", "success");
    return true;
  }
  return false;
}

// Its entry in the decoder registry (decoder_registry.h).
namespace {

constexpr std::string_view kDropbearPrograms[] = {"dropbear"};
constexpr std::string_view kDropbearFormats[] = {"Dropbear SSH server messages"};

bool decode_dropbear_program(std::string_view msg, const ReadTime& /*read*/, Fields& fields,
                             std::optional<SysTime>& /*time*/) {
  return decode_dropbear(msg, fields);
}

}  // namespace

extern constinit const DecoderSpec kDropbearDecoder{
    .name = "dropbear",
    .description = "Dropbear SSH logins, bad passwords, nonexistent users, max auth tries",
    .programs = kDropbearPrograms,
    .formats = kDropbearFormats,
    .decode = decode_dropbear_program,
};

}  // namespace soc
