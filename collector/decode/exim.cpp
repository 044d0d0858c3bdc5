#include "collector/decode/exim.h"

#include <string>

#include "collector/decode/decoder_registry.h"
#include "collector/decode/mail_common.h"
#include "collector/decode/text.h"

namespace soc {
namespace {

using std::string_view;
using text::consume;
using text::npos;

constexpr string_view kService = "exim";

bool contains(string_view s, string_view what) {
  return s.find(what) != npos;
}

int two(string_view s, size_t at) {
  return (s[at] - '0') * 10 + (s[at + 1] - '0');
}

// "YYYY-MM-DD HH:MM:SS" then an optional ".fff" and " +zzzz"; removes it from `s`.
std::optional<SysTime> take_time(string_view& s, const ReadTime& read) {
  if (!looks_like_exim_line(s)) return std::nullopt;
  const int year = two(s, 0) * 100 + two(s, 2);
  const int month = two(s, 5);
  const int day = two(s, 8);
  const int hh = two(s, 11), mm = two(s, 14), ss = two(s, 17);
  s.remove_prefix(19);
  int64_t nanos = 0;
  if (!s.empty() && s.front() == '.') {
    size_t digits = 1;
    int64_t scale = 100000000;
    while (digits < s.size() && text::is_digit(s[digits])) {
      if (scale > 0) nanos += (s[digits] - '0') * scale;
      scale /= 10;
      ++digits;
    }
    s.remove_prefix(digits);
  }
  int offset = read.utc_offset_seconds;
  if (s.size() > 6 && s[0] == ' ' && (s[1] == '+' || s[1] == '-') && text::is_digit(s[2]) &&
      text::is_digit(s[3]) && text::is_digit(s[4]) && text::is_digit(s[5])) {
    offset = (s[1] == '-' ? -1 : 1) * (two(s, 2) * 3600 + two(s, 4) * 60);
    s.remove_prefix(6);
  }
  consume(s, " ");
  return text::civil_time(year, month, day, hh, mm, ss, nanos, offset);
}

// An Exim message id: 6-6-2 (before 4.97) or 6-11-4 base-62 characters.
bool is_message_id(string_view t) {
  if (t.size() != 16 && t.size() != 23) return false;
  const size_t first = t.find('-');
  const size_t second = t.rfind('-');
  return first == 6 && second != first && t.find(' ') == npos;
}

// The client: after " H=" (the last one when the line quotes a client command, which may itself
// hold "H="), else after "from ", else the first bracketed address.
bool set_client(string_view s, Fields& f, bool last_h = false) {
  size_t at = last_h ? s.rfind("H=") : s.find("H=");
  if (at != npos && at != 0 && s[at - 1] != ' ') at = npos;
  if (at == npos) at = s.find(" from ");
  const auto peer = mail::find_bracketed_peer(s, at == npos ? 0 : at);
  if (!peer) return false;
  mail::set_peer(f, *peer);
  return true;
}

void set_addresses(string_view s, Fields& f) {
  if (const size_t from = s.find(" F=<"); from != npos) {
    const size_t close = s.find('>', from);
    if (close != npos && close > from + 4)
      f.set("email.from.address", s.substr(from + 4, close - from - 4));
  }
}

// `... rejected RCPT <to>: REASON` (or `rejected RCPT to: REASON`).
bool rejected(string_view s, size_t at, Fields& f) {
  if (!set_client(s, f)) return false;
  set_addresses(s, f);
  string_view rest = s.substr(at + 9);  // after "rejected "
  string_view reason = rest;
  if (consume(rest, "RCPT ")) {
    const size_t colon = rest.find(": ");
    string_view to = rest.substr(0, colon);
    if (!to.empty() && to.front() == '<' && to.back() == '>') to = to.substr(1, to.size() - 2);
    if (!to.empty()) f.set("email.to.address", to);
    reason = colon == npos ? string_view{} : rest.substr(colon + 2);
  } else if (const size_t colon = rest.find(": "); colon != npos) {
    reason = rest.substr(colon + 2);
  }
  reason = reason.substr(0, reason.find("\\n"));
  if (!reason.empty()) f.set("event.reason", reason);
  string_view action = "smtp_reject";
  const std::string lower = text::to_lower(reason);
  if (contains(lower, "relay not permitted") || contains(lower, "relaying denied")) {
    action = "smtp_relay_denied";
  } else if (contains(lower, "unknown user") || contains(lower, "unrouteable address") ||
             contains(lower, "no such user") || contains(lower, "unknown local") ||
             contains(lower, "user unknown")) {
    action = "smtp_unknown_recipient";
  } else if (contains(lower, "dnsbl") || contains(lower, "black list") ||
             contains(lower, "blacklist") || contains(lower, "blocklist") ||
             contains(lower, "spamhaus")) {
    action = "smtp_dnsbl";
  }
  mail::set_event(f, kService, "email", action, "failure");
  return true;
}

bool classify(string_view s, Fields& f) {
  // Authentication, failed and accepted.
  if (const size_t at = s.find(" authenticator failed for "); at != npos) {
    if (!set_client(s.substr(at), f)) return false;
    if (const size_t id = s.find("(set_id="); id != npos) {
      const size_t close = s.find(')', id);
      if (close != npos && close > id + 8) f.set("user.name", s.substr(id + 8, close - id - 8));
    }
    if (const size_t reply = s.find(": 5"); reply != npos) {
      f.set("event.reason", s.substr(reply + 2, s.find(" (set_id=") - reply - 2));
    }
    f.set("smtp.auth.mechanism", s.substr(0, at));
    mail::set_event(f, kService, "authentication", "smtp_auth", "failure");
    return true;
  }
  if (const size_t a = s.find(" A="); a != npos && s.find("<= ") != npos) {
    const string_view auth = s.substr(a + 3, s.find(' ', a + 3) - a - 3);
    const size_t colon = auth.find(':');
    if (colon != npos && colon + 1 < auth.size() && set_client(s, f)) {
      f.set("smtp.auth.mechanism", auth.substr(0, colon));
      f.set("user.name", auth.substr(colon + 1));
      mail::set_event(f, kService, "authentication", "smtp_auth", "success");
      return true;
    }
  }
  if (contains(s, "SMTP protocol synchronization error") || consume(s, "SMTP protocol error in ")) {
    if (!set_client(s, f, true)) return false;
    f.set("event.reason", s.substr(0, s.find(" H=")));
    mail::set_event(f, kService, "network", "smtp_protocol_error", "failure");
    return true;
  }
  // "rejected EHLO from [IP]: syntactically invalid argument(s): ..." (spam bots' HELO).
  if (consume(s, "rejected EHLO from ") || consume(s, "rejected HELO from ")) {
    if (!set_client(s, f)) return false;
    if (const size_t colon = s.find("]: "); colon != npos)
      f.set("event.reason", s.substr(colon + 3));
    mail::set_event(f, kService, "email", "smtp_reject", "failure");
    return true;
  }
  if (consume(s, "unexpected disconnection while reading SMTP command from ")) {
    if (!set_client(s, f)) return false;
    f.set("event.reason", "unexpected disconnection");
    mail::set_event(f, kService, "network", "smtp_lost_connection", "unknown");
    return true;
  }
  if (s.substr(0, 15) == "SMTP call from ") {
    const size_t dropped = s.find(" dropped: ");
    if (dropped == npos || !set_client(s, f)) return false;
    f.set("event.reason", s.substr(dropped + 10));
    mail::set_event(f, kService, "network", "smtp_too_many_errors", "failure");
    return true;
  }
  if (consume(s, "no MAIL in SMTP connection from ")) {
    if (!set_client(s, f)) return false;
    f.set("event.reason", "no MAIL in SMTP connection");
    mail::set_event(f, kService, "network", "smtp_no_mail", "unknown");
    return true;
  }
  if (consume(s, "no host name found for IP address ") ||
      (consume(s, "no IP address found for host ") && contains(s, "["))) {
    const string_view ip = mail::clean_ip(text::trim(s));
    if (!ip.empty()) {
      f.set("source.ip", ip);
    } else if (!set_client(s, f)) {
      return false;
    }
    f.set("event.reason", "reverse DNS mismatch");
    mail::set_event(f, kService, "network", "smtp_dns_mismatch", "unknown");
    return true;
  }
  if (consume(s, "SA: Action: ")) {
    if (!set_client(s, f)) return false;
    f.set("event.reason", s.substr(0, s.find(':')));
    mail::set_event(f, kService, "email", "smtp_spam_reject", "failure");
    return true;
  }
  if (contains(s, " rejected by local_scan()") || contains(s, " rejected after DATA")) {
    if (!set_client(s, f)) return false;
    set_addresses(s, f);
    const size_t colon = s.find(": ", s.find(" rejected "));
    if (colon != npos) f.set("event.reason", s.substr(colon + 2));
    mail::set_event(f, kService, "email", "smtp_spam_reject", "failure");
    return true;
  }
  if (const size_t at = s.find(" rejected "); at != npos && s.find("H=") < at) {
    return rejected(s, at + 1, f);
  }
  if (const size_t at = s.find(" sender verify fail for "); at != npos) {
    if (!set_client(s, f)) return false;
    const size_t colon = s.find(": ", at);
    if (colon != npos)
      f.set("event.reason", "sender verify fail: " + std::string(s.substr(colon + 2)));
    mail::set_event(f, kService, "email", "smtp_reject", "failure");
    return true;
  }
  if ((contains(s, " closed by DROP in ACL") || contains(s, " dropped by '")) && set_client(s, f)) {
    const size_t why = s.find(" dropped by '");
    f.set("event.reason", why != npos ? s.substr(why + 1) : "closed by DROP in ACL");
    mail::set_event(f, kService, "email", "smtp_reject", "failure");
    return true;
  }
  return false;
}

}  // namespace

bool looks_like_exim_line(string_view s) {
  if (s.size() < 20) return false;
  for (const size_t i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18}) {
    if (!text::is_digit(s[i])) return false;
  }
  return s[4] == '-' && s[7] == '-' && s[10] == ' ' && s[13] == ':' && s[16] == ':';
}

bool decode_exim(string_view line, const ReadTime& read, Fields& f, std::optional<SysTime>& time) {
  string_view s = line;
  if (const auto own = take_time(s, read)) time = own;
  // "HOST exim[PID]: " when a syslog daemon wrote the line after Exim's own date.
  if (const size_t tag = s.find(" exim["); tag != npos && tag < 64 && s.find(' ') == tag) {
    const size_t colon = s.find("]: ", tag);
    if (colon != npos) s.remove_prefix(colon + 3);
  }
  if (s.size() > 2 && s.front() == '[') {
    const size_t close = s.find("] ");
    if (close != npos && close < 12 && text::all_digits(s.substr(1, close - 1))) {
      s.remove_prefix(close + 2);
    }
  }
  if (const string_view id = s.substr(0, s.find(' ')); is_message_id(id)) {
    s.remove_prefix(id.size());
    consume(s, " ");
  }
  return classify(s, f);
}

// Its entry in the decoder registry (decoder_registry.h). Lines of Exim's own log files have no
// syslog header: the line-shape rule sends "YYYY-MM-DD HH:MM:SS " lines here.
namespace {

constexpr std::string_view kEximPrograms[] = {"exim", "exim4"};
constexpr std::string_view kEximFormats[] = {"Exim mainlog / rejectlog lines",
                                             "Exim messages through syslog"};

}  // namespace

extern constinit const DecoderSpec kEximDecoder{
    .name = "exim",
    .description = "Exim authenticator failures, rejected RCPT, protocol errors, spam rejects",
    .programs = kEximPrograms,
    .formats = kEximFormats,
    .decode = decode_exim,
};

}  // namespace soc
