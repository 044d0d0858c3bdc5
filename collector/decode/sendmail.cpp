#include "collector/decode/sendmail.h"

#include <string>

#include "collector/decode/decoder_registry.h"
#include "collector/decode/mail_common.h"
#include "collector/decode/text.h"

namespace soc {
namespace {

using std::string_view;
using text::consume;
using text::npos;

constexpr string_view kService = "sendmail";

bool contains(string_view s, string_view what) {
  return s.find(what) != npos;
}

// The client of `relay=HOST [IP]` (the last one: an earlier one may be injected through a user
// name), else the first bracketed address.
bool set_relay(string_view s, Fields& f) {
  const size_t relay = s.rfind("relay=");
  const auto peer = mail::find_bracketed_peer(s, relay == npos ? 0 : relay);
  if (!peer) return false;
  mail::set_peer(f, *peer);
  return true;
}

bool ruleset(string_view s, Fields& f) {
  const size_t reject = s.find("reject=");
  if (reject == npos || !set_relay(s.substr(0, reject), f)) return false;
  const string_view reply = s.substr(reject + 7);
  f.set("event.reason", reply);
  if (const auto arg = mail::item(s, "arg1", ","); arg && s.substr(0, 18) == "ruleset=check_rcpt") {
    if (!arg->empty()) f.set("email.to.address", *arg);
  }
  const std::string lower = text::to_lower(reply);
  string_view action = "smtp_reject";
  if (contains(lower, "relaying denied") || contains(lower, "relaying temporarily denied")) {
    action = "smtp_relay_denied";
  } else if (contains(lower, "user unknown") || contains(lower, "no such user")) {
    action = "smtp_unknown_recipient";
  } else if (contains(lower, "rate limit exceeded")) {
    action = "smtp_rate_limit";
  } else if (contains(lower, "listed at") || contains(lower, " rbl") ||
             contains(lower, "blacklist") || contains(lower, "blocklist") ||
             contains(lower, "spamhaus")) {
    action = "smtp_dnsbl";
  }
  mail::set_event(f, kService, action == "smtp_rate_limit" ? "network" : "email", action,
                  "failure");
  return true;
}

}  // namespace

bool decode_sendmail(string_view message, Fields& f) {
  string_view s = message;
  // The queue id: "s1GNXHYB005133: ".
  if (const size_t colon = s.find(": "); colon != npos && colon >= 8 && colon <= 20 &&
                                         s.substr(0, colon).find_first_of(" [=<") == npos) {
    s.remove_prefix(colon + 2);
  }
  if (consume(s, "AUTH failure (")) {
    const size_t close = s.find("): ");
    if (close == npos || !set_relay(s, f)) return false;
    f.set("smtp.auth.mechanism", s.substr(0, close));
    string_view reason = s.substr(close + 3);
    reason = reason.substr(0, reason.find(", user="));
    reason = reason.substr(0, reason.find(", relay="));
    f.set("event.reason", reason);
    if (const auto user = mail::item(s, "user", ","); user && !user->empty()) {
      f.set("user.name", *user);
    }
    mail::set_event(f, kService, "authentication", "smtp_auth", "failure");
    return true;
  }
  if (consume(s, "AUTH=server, ")) {
    const auto user = mail::item(s, "authid", ",");
    if (!user || !set_relay(s, f)) return false;
    f.set("user.name", *user);
    if (const auto mech = mail::item(s, "mech", ",")) f.set("smtp.auth.mechanism", *mech);
    mail::set_event(f, kService, "authentication", "smtp_auth", "success");
    return true;
  }
  if (s.substr(0, 8) == "ruleset=") return ruleset(s, f);
  if (const size_t attack = s.find(": possible SMTP attack: command="); attack != npos) {
    if (!set_relay(s, f)) return false;
    const string_view what = s.substr(attack + 2);
    f.set("event.reason", what);
    const bool auth = contains(what, "command=AUTH,");
    mail::set_event(f, kService, auth ? "authentication" : "network",
                    auth ? "smtp_auth" : "smtp_protocol_error", "failure");
    return true;
  }
  if (const size_t probe = s.find("]: "); probe != npos && text::ends_with(s, " [rejected]")) {
    string_view command = s.substr(probe + 3);
    const string_view verb = text::next_token(command);
    const std::string upper_verb = text::to_lower(verb);
    if (upper_verb != "expn" && upper_verb != "vrfy") return false;
    if (!set_relay(s.substr(0, probe + 1), f)) return false;
    if (command.size() < 11) return false;  // "EXPN [rejected]": no argument
    const string_view user = command.substr(0, command.size() - 11);
    if (!user.empty()) f.set("user.name", user);
    f.set("event.reason", std::string(verb) + " rejected");
    mail::set_event(f, kService, "email", "smtp_vrfy_rejected", "failure");
    return true;
  }
  if (contains(s, " did not issue MAIL/EXPN/VRFY/ETRN")) {
    if (!set_relay(s, f)) return false;
    f.set("event.reason", "did not issue MAIL/EXPN/VRFY/ETRN");
    mail::set_event(f, kService, "network", "smtp_no_mail", "unknown");
    return true;
  }
  if (consume(s, "rejecting commands from ")) {
    if (!set_relay(s, f)) return false;
    f.set("event.reason", "pre-greeting traffic");
    mail::set_event(f, kService, "network", "smtp_protocol_error", "failure");
    return true;
  }
  if (consume(s, "lost input channel from ")) {
    if (!set_relay(s, f)) return false;
    f.set("event.reason", "lost input channel");
    mail::set_event(f, kService, "network", "smtp_lost_connection", "unknown");
    return true;
  }
  if (s.substr(0, 5) == "from=" && contains(s, ", nrcpts=0,")) {
    if (!set_relay(s, f)) return false;
    f.set("event.reason", "no recipient accepted (nrcpts=0)");
    mail::set_event(f, kService, "email", "smtp_reject", "failure");
    return true;
  }
  if (!s.empty() && s.front() == '<' && text::ends_with(s, "... No such user here")) {
    const size_t close = s.find('>');
    if (close == npos) return false;
    f.set("email.to.address", s.substr(1, close - 1));
    f.set("event.reason", "No such user here");
    mail::set_event(f, kService, "email", "smtp_unknown_recipient", "failure");
    return true;
  }
  return false;
}

// Its entry in the decoder registry (decoder_registry.h). sendmail's syslog tag is "sendmail"
// (Fedora, RHEL), "sm-mta" (Debian, BSD) or a process title such as "sm-acceptingconnections".
namespace {

constexpr std::string_view kSendmailPrograms[] = {"sendmail", "sm-mta", "sm-msp-queue",
                                                  "sm-acceptingconnections"};
constexpr std::string_view kSendmailFormats[] = {"sendmail / sm-mta syslog messages"};

bool decode_sendmail_program(std::string_view msg, const ReadTime& /*read*/, Fields& fields,
                             std::optional<SysTime>& /*time*/) {
  return decode_sendmail(msg, fields);
}

}  // namespace

extern constinit const DecoderSpec kSendmailDecoder{
    .name = "sendmail",
    .description = "sendmail AUTH failures, ruleset rejects, relaying denied, EXPN/VRFY probes",
    .programs = kSendmailPrograms,
    .formats = kSendmailFormats,
    .decode = decode_sendmail_program,
};

}  // namespace soc
