#include "collector/decode/postfix.h"

#include <string>

#include "collector/decode/decoder_registry.h"
#include "collector/decode/mail_common.h"
#include "collector/decode/text.h"

namespace soc {
namespace {

using std::string_view;
using text::consume;
using text::npos;

constexpr string_view kService = "postfix";

bool contains(string_view s, string_view what) {
  return s.find(what) != npos;
}

// `HOST[IP][:PORT]` at the front of `s` (after "from " and the like). Sets the source fields.
std::optional<mail::Peer> peer_at_front(string_view s, Fields& f) {
  const auto peer = mail::find_bracketed_peer(s);
  if (!peer) return std::nullopt;
  // The bracket must belong to the first token: "unknown[1.2.3.4]" or "[1.2.3.4]:5".
  const size_t space = s.find(' ');
  if (space != npos && space < s.find('[')) return std::nullopt;
  mail::set_peer(f, *peer);
  return peer;
}

// `warning: HOST[IP][:PORT]: SASL MECH authentication failed: REASON[, sasl_username=U]`.
bool sasl_failure(string_view s, Fields& f) {
  const auto peer = peer_at_front(s, f);
  if (!peer) return false;
  string_view rest = s.substr(peer->end);
  if (!consume(rest, ": SASL ")) return false;
  const size_t failed = rest.find(" authentication failed");
  if (failed == npos) return false;
  string_view reason = rest.substr(failed + 22);
  consume(reason, ":");
  reason = text::trim(reason);
  if (const auto user = mail::item(reason, "sasl_username")) {
    if (!user->empty()) f.set("user.name", *user);
    reason = text::trim(reason.substr(0, reason.find(", sasl_username=")));
  }
  if (!reason.empty()) f.set("event.reason", reason);
  f.set("smtp.auth.mechanism", rest.substr(0, failed));
  // The client is not at fault when the SASL back end is unreachable.
  const bool backend = contains(reason, "Connection lost to authentication server");
  mail::set_event(f, kService, "authentication", backend ? "smtp_auth_unavailable" : "smtp_auth",
                  backend ? "unknown" : "failure");
  return true;
}

// `[QUEUEID|NOQUEUE]: [milter-]reject: CMD from HOST[IP][:PORT]: CODE [X.Y.Z] TEXT; from=<..>
// to=<..> proto=.. helo=<..>`; `s` starts at CMD.
bool reject(string_view s, Fields& f) {
  const size_t from = s.find(" from ");
  if (from == npos || from > 12) return false;
  const string_view command = s.substr(0, from);
  s.remove_prefix(from + 6);
  const auto peer = peer_at_front(s, f);
  if (!peer) return false;
  string_view text = s.substr(peer->end);
  consume(text, ":");
  text = text::trim(text);
  // Keep the reply up to the envelope items ("; from=<...>").
  string_view reply = text.substr(0, text.find("; from="));
  if (const size_t proto = reply.find("; proto="); proto != npos) reply = reply.substr(0, proto);
  if (!reply.empty()) f.set("event.reason", reply);
  f.set("smtp.command", command);
  if (const auto sender = mail::item(text, "from", "; ,"); sender && !sender->empty()) {
    f.set("email.from.address", *sender);
  }
  if (const auto rcpt = mail::item(text, "to", "; ,"); rcpt && !rcpt->empty()) {
    f.set("email.to.address", *rcpt);
  }
  string_view action = "smtp_reject";
  if (contains(reply, "Relay access denied")) {
    action = "smtp_relay_denied";
  } else if (contains(reply, "User unknown") || contains(reply, "undeliverable address") ||
             contains(reply, "Recipient address rejected: unverified address") ||
             contains(reply, "Mailbox unavailable")) {
    action = "smtp_unknown_recipient";
  } else if (contains(reply, " blocked using ")) {
    action = "smtp_dnsbl";
  }
  mail::set_event(f, kService, "email", action, "failure");
  return true;
}

// `... after CMD from HOST[IP][:PORT][: TEXT]` for pipelining, too many errors, lost connection.
bool after_from(string_view s, string_view action, string_view category, string_view outcome,
                string_view what, Fields& f) {
  const size_t from = s.find(" from ");
  if (from == npos) return false;
  const auto peer = peer_at_front(s.substr(from + 6), f);
  if (!peer) return false;
  f.set("event.reason", std::string(what) + " " + std::string(s.substr(0, from)));
  mail::set_event(f, kService, category, action, outcome);
  return true;
}

// postscreen: `PREGREET N after T from [IP]:PORT: TEXT`, `HANGUP after T from [IP]:PORT in ...`,
// `COMMAND TIME LIMIT from [IP]:PORT after CMD`, `DNSBL rank N for [IP]:PORT`, `BARE NEWLINE
// from [IP]:PORT after CMD`, `NON-SMTP COMMAND from [IP]:PORT after CMD: TEXT`.
bool postscreen(string_view s, Fields& f) {
  static constexpr string_view kProtocol[] = {"PREGREET ",
                                              "HANGUP ",
                                              "COMMAND TIME LIMIT ",
                                              "COMMAND COUNT LIMIT ",
                                              "COMMAND LENGTH LIMIT ",
                                              "BARE NEWLINE ",
                                              "NON-SMTP COMMAND ",
                                              "COMMAND PIPELINING "};
  for (const string_view prefix : kProtocol) {
    if (s.substr(0, prefix.size()) != prefix) continue;
    const size_t from = s.find(" from [");
    if (from == npos) return false;
    const auto peer = peer_at_front(s.substr(from + 6), f);
    if (!peer) return false;
    f.set("event.reason", text::trim(prefix));
    mail::set_event(f, kService, "network", "smtp_protocol_error", "failure");
    return true;
  }
  if (consume(s, "DNSBL rank ")) {
    const size_t for_at = s.find(" for [");
    if (for_at == npos) return false;
    const auto peer = peer_at_front(s.substr(for_at + 5), f);
    if (!peer) return false;
    f.set("event.reason", "DNSBL rank " + std::string(s.substr(0, for_at)));
    mail::set_event(f, kService, "email", "smtp_dnsbl", "failure");
    return true;
  }
  return false;
}

// `disconnect from HOST[IP] ehlo=1 auth=0/1 quit=1 commands=2/3`: failed AUTH commands show as
// auth=OK/TOTAL with OK < TOTAL.
bool disconnect(string_view s, Fields& f) {
  const auto peer = mail::find_bracketed_peer(s);
  if (!peer) return false;
  const size_t auth = s.find(" auth=", peer->end);
  if (auth == npos) return false;
  const string_view counts = s.substr(auth + 6, s.find(' ', auth + 6) - auth - 6);
  const size_t slash = counts.find('/');
  if (slash == npos) return false;
  const auto ok = text::parse_uint(counts.substr(0, slash));
  const auto total = text::parse_uint(counts.substr(slash + 1));
  if (!ok || !total || *ok >= *total) return false;
  mail::set_peer(f, *peer);
  f.set("event.reason", "auth=" + std::string(counts));
  mail::set_event(f, kService, "authentication", "smtp_session_auth_failed", "failure");
  return true;
}

// `warning: Connection rate limit exceeded: N from HOST[IP] for service S` and its siblings.
bool rate_limit(string_view s, Fields& f) {
  const size_t exceeded = s.find(" limit exceeded: ");
  if (exceeded == npos) return false;
  const size_t from = s.find(" from ", exceeded);
  if (from == npos) return false;
  const auto peer = peer_at_front(s.substr(from + 6), f);
  if (!peer) return false;
  f.set("event.reason", s.substr(0, exceeded + 15));
  mail::set_event(f, kService, "network", "smtp_rate_limit", "failure");
  return true;
}

// `QUEUEID: client=HOST[IP], sasl_method=PLAIN, sasl_username=U`: an authenticated submission.
bool sasl_success(string_view s, Fields& f) {
  const auto user = mail::item(s, "sasl_username");
  if (!user || user->empty()) return false;
  const auto peer = mail::find_bracketed_peer(s);
  if (!peer) return false;
  mail::set_peer(f, *peer);
  f.set("user.name", *user);
  if (const auto method = mail::item(s, "sasl_method")) f.set("smtp.auth.mechanism", *method);
  mail::set_event(f, kService, "authentication", "smtp_auth", "success");
  return true;
}

}  // namespace

bool decode_postfix(string_view message, Fields& f) {
  string_view s = message;
  if (consume(s, "warning: ")) {
    if (contains(s, ": SASL ")) return sasl_failure(s, f);
    if (consume(s, "hostname ")) {
      const size_t at = s.find(" does not resolve to address ");
      if (at == npos) return false;
      string_view ip = s.substr(at + 29);
      ip = mail::clean_ip(ip.substr(0, ip.find_first_of(": ")));
      if (ip.empty()) return false;
      f.set("source.ip", ip);
      f.set("source.domain", s.substr(0, at));
      f.set("event.reason", "hostname does not resolve to address");
      mail::set_event(f, kService, "network", "smtp_dns_mismatch", "unknown");
      return true;
    }
    // "warning: non-SMTP command from unknown[IP]: GET / HTTP/1.1": HTTP or other protocols
    // thrown at port 25 (scanners, SSRF and cross-protocol attacks).
    if (consume(s, "non-SMTP command from ")) {
      const auto peer = peer_at_front(s, f);
      if (!peer) return false;
      string_view what = s.substr(peer->end);
      consume(what, ": ");
      f.set("event.reason", "non-SMTP command: " + std::string(what));
      mail::set_event(f, kService, "network", "smtp_protocol_error", "failure");
      return true;
    }
    return rate_limit(s, f);
  }
  // A queue id or NOQUEUE, then the reject: "NOQUEUE: reject: RCPT from ...".
  string_view after_id = s;
  if (const size_t colon = s.find(": "); colon != npos && colon < 24 && s.find(' ') > colon) {
    after_id = s.substr(colon + 2);
  }
  if (consume(after_id, "reject: ") || consume(after_id, "milter-reject: ")) {
    return reject(after_id, f);
  }
  if (consume(after_id, "client=")) return sasl_success(after_id, f);
  if (consume(after_id, "lost connection after ")) {
    return after_from(after_id, "smtp_lost_connection", "network", "unknown", "after", f);
  }
  if (consume(s, "improper command pipelining after ")) {
    return after_from(s, "smtp_protocol_error", "network", "failure",
                      "improper command pipelining after", f);
  }
  if (consume(s, "too many errors after ")) {
    return after_from(s, "smtp_too_many_errors", "network", "failure", "too many errors after", f);
  }
  if (consume(s, "disconnect from ")) return disconnect(s, f);
  return postscreen(s, f);
}

// Its entry in the decoder registry (decoder_registry.h). Multi-instance Postfix logs as
// "postfix-NAME/..." and master.cf services as "postfix/NAME/smtpd"; the registry's fallback
// (the program's first component, then its part before a '-') routes those here too.
namespace {

constexpr std::string_view kPostfixPrograms[] = {"postfix",
                                                 "postfix/smtpd",
                                                 "postfix/submission/smtpd",
                                                 "postfix/smtps/smtpd",
                                                 "postfix/postscreen",
                                                 "postfix/cleanup",
                                                 "postfix/anvil",
                                                 "postfix/submissions/smtpd"};
constexpr std::string_view kPostfixFormats[] = {"Postfix smtpd / postscreen messages"};

bool decode_postfix_program(std::string_view msg, const ReadTime& /*read*/, Fields& fields,
                            std::optional<SysTime>& /*time*/) {
  return decode_postfix(msg, fields);
}

}  // namespace

extern constinit const DecoderSpec kPostfixDecoder{
    .name = "postfix",
    .description = "Postfix SASL failures, rejects, relay denials, postscreen and protocol abuse",
    .programs = kPostfixPrograms,
    .formats = kPostfixFormats,
    .decode = decode_postfix_program,
};

}  // namespace soc
