#include "collector/decode/voip.h"

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

bool contains(string_view s, string_view part) {
  return s.find(part) != npos;
}

// Asterisk's reasons after " - ".
string_view sip_reason(string_view why) {
  if (contains(why, "Wrong password") || contains(why, "Failed to authenticate") ||
      contains(why, "Error to authenticate")) {
    return service::kBadPassword;
  }
  if (contains(why, "No matching") || contains(why, "Not a local domain") ||
      contains(why, "mismatch")) {
    return service::kUnknownUser;
  }
  return service::kNotAllowed;  // ACLs, "Peer is not supposed to register"
}

// 'IP', 'IP:PORT' or a SIP URI's "sip:U@HOST" user.
string_view sip_user(string_view uri) {
  const size_t sip = uri.find("sip:");
  if (sip == npos) return {};
  const string_view rest = uri.substr(sip + 4);
  const size_t at = rest.find('@');
  return at == npos ? string_view() : rest.substr(0, at);
}

bool asterisk_failed_for(string_view s, Fields& f) {
  // "Registration from 'URI' failed for 'PEER' - REASON" and pjsip's "Request ... failed for".
  const size_t failed = s.find("' failed for '");
  if (failed == npos) return false;
  const bool registration = s.rfind("Registration from '", failed) != npos;
  const string_view peer = service::between(s, "'", "'", failed + 13);
  if (!service::set_source_endpoint(f, peer)) return false;
  const size_t from = s.rfind(" from '", failed);
  if (from != npos) {
    const string_view user = sip_user(s.substr(from + 7, failed - from - 7));
    if (!user.empty()) f.set("user.name", user);
  }
  const size_t dash = s.find(" - ", failed);
  const string_view why = dash == npos ? string_view() : s.substr(dash + 3);
  service::set_auth_failure(f, "asterisk", registration ? "sip_register" : "sip_auth",
                            sip_reason(why));
  if (!why.empty()) f.set("error.message", why);
  return true;
}

bool asterisk_security_event(string_view s, Fields& f) {
  const string_view event = service::between(s, "SecurityEvent=\"", "\"");
  if (event.empty()) return false;
  string_view remote = service::between(s, "RemoteAddress=\"", "\"");
  // "IPV4/UDP/1.2.3.4/5060"
  if (!consume(remote, "IPV4/")) consume(remote, "IPV6/");
  remote.remove_prefix(std::min(remote.size(), remote.find('/') + 1));
  const size_t slash = remote.find('/');
  if (!service::set_source_host(f, remote.substr(0, slash))) return false;
  if (slash != npos && text::is_port(remote.substr(slash + 1))) {
    f.set("source.port", remote.substr(slash + 1));
  }
  const string_view account = service::between(s, "AccountID=\"", "\"");
  if (!account.empty() && account != "<unknown>") f.set("user.name", account);
  f.set("error.message", event);
  if (event == "SuccessfulAuth") {
    service::set_event(f, "asterisk", "authentication", "sip_auth", "success");
    return true;
  }
  string_view reason = service::kBadCredentials;
  if (event == "InvalidAccountID") reason = service::kUnknownUser;
  if (event == "InvalidPassword") reason = service::kBadPassword;
  if (event == "FailedACL" || event == "UnexpectedAddress") reason = service::kNotAllowed;
  if (event == "ChallengeSent") {
    service::set_event(f, "asterisk", "authentication", "sip_auth", "unknown");
    return true;
  }
  service::set_auth_failure(f, "asterisk", "sip_auth", reason);
  return true;
}

bool asterisk(string_view s, Fields& f) {
  if (asterisk_failed_for(s, f)) return true;
  if (contains(s, "SecurityEvent=\"")) return asterisk_security_event(s, f);
  if (const size_t at = s.find("Host ");
      at != npos && (contains(s, " failed to authenticate as '") ||
                     contains(s, " failed MD5 authentication for '"))) {
    string_view rest = s.substr(at + 5);
    if (!service::set_source_host(f, rest.substr(0, rest.find(' ')))) return false;
    f.set("user.name", service::between(rest, "'", "'"));
    service::set_auth_failure(f, "asterisk", "iax_auth", service::kBadPassword);
    return true;
  }
  if (const size_t at = s.find("No registration for peer '"); at != npos) {
    const string_view ip = service::between(s, "(from ", ")", at);
    if (!service::set_source_host(f, ip)) return false;
    f.set("user.name", service::between(s, "'", "'", at));
    service::set_auth_failure(f, "asterisk", "iax_auth", service::kUnknownUser);
    return true;
  }
  if (const size_t at = s.find(" rejected because extension not found"); at != npos) {
    const size_t call = s.rfind("Call ", at);
    if (call == npos) return false;
    string_view peer = service::between(s, "(", ")", call);
    // "IP:PORT", "TCP:[IP]:PORT", "UDP:IP:PORT"
    for (const string_view proto : {"UDP:", "TCP:", "TLS:", "WS:", "WSS:"}) {
      if (consume(peer, proto)) break;
    }
    if (!service::set_source_endpoint(f, peer)) return false;
    const string_view user = service::between(s, "Call from '", "'");
    if (!user.empty()) f.set("user.name", user);
    f.set("voip.extension", service::between(s, "to extension '", "'", call));
    service::set_auth_failure(f, "asterisk", "sip_call", service::kNotAllowed);
    return true;
  }
  if (const size_t at = s.find("Rejecting unknown SIP connection from "); at != npos) {
    string_view peer = s.substr(at + 38);
    peer = peer.substr(0, peer.find_first_of("\" "));
    if (!service::set_source_endpoint(f, peer)) return false;
    service::set_auth_failure(f, "asterisk", "sip_call", service::kNotAllowed);
    return true;
  }
  if (const size_t at = s.find("hacking attempt detected '"); at != npos) {
    if (!service::set_source_endpoint(f, service::between(s, "'", "'", at))) return false;
    service::set_auth_failure(f, "asterisk", "sip_auth", service::kProtocolError);
    return true;
  }
  // manager.c: "IP failed to authenticate as 'U'" / "IP tried to authenticate with nonexistent
  // user 'U'".
  for (const string_view phrase : {string_view(" failed to authenticate as '"),
                                   string_view(" tried to authenticate with nonexistent user '")}) {
    const size_t at = s.find(phrase);
    if (at == npos) continue;
    const size_t start = s.rfind(' ', at - 1);
    if (start == npos || !service::set_source_host(f, s.substr(start + 1, at - start - 1))) {
      return false;
    }
    f.set("user.name", service::between(s, "'", "'", at));
    service::set_auth_failure(
        f, "asterisk", "ami_login",
        phrase.find("nonexistent") != npos ? service::kUnknownUser : service::kBadPassword);
    return true;
  }
  return false;
}

bool freeswitch(string_view s, Fields& f) {
  const bool failure = contains(s, "SIP auth failure (");
  if (failure || contains(s, "SIP auth challenge (")) {
    const size_t from = s.rfind(" from ip ");
    if (from == npos || !service::set_source_host(f, text::trim(s.substr(from + 9)))) return false;
    const string_view who = service::between(s, " for [", "]");
    if (!who.empty()) f.set("user.name", who.substr(0, who.find('@')));
    if (failure) {
      service::set_auth_failure(f, "freeswitch", "sip_auth", service::kBadPassword);
    } else {
      service::set_event(f, "freeswitch", "authentication", "sip_auth", "unknown");
    }
    return true;
  }
  if (const size_t at = s.find("Can't find user ["); at != npos) {
    const string_view who = service::between(s, "[", "]", at);
    const size_t from = s.find("] from ", at);
    if (from == npos || !service::set_source_host(f, text::trim(s.substr(from + 7)))) return false;
    f.set("user.name", who.substr(0, who.find('@')));
    service::set_auth_failure(f, "freeswitch", "sip_auth", service::kUnknownUser);
    return true;
  }
  return false;
}

}  // namespace

bool decode_voip(string_view msg, Fields& f) {
  if (contains(msg, "sofia")) return freeswitch(msg, f);
  return asterisk(msg, f);
}

// Its entry in the decoder registry (decoder_registry.h).
namespace {

constexpr std::string_view kVoipPrograms[] = {"asterisk", "freeswitch"};
constexpr std::string_view kVoipFormats[] = {"Asterisk messages and security events",
                                             "FreeSWITCH sofia registration failures"};

bool decode_voip_program(std::string_view msg, const ReadTime& /*read*/, Fields& fields,
                         std::optional<SysTime>& /*time*/) {
  return decode_voip(msg, fields);
}

}  // namespace

extern constinit const DecoderSpec kVoipDecoder{
    .name = "voip",
    .description = "VoIP: Asterisk SIP/IAX/AMI failures and security events, FreeSWITCH",
    .programs = kVoipPrograms,
    .formats = kVoipFormats,
    .decode = decode_voip_program,
};

}  // namespace soc
