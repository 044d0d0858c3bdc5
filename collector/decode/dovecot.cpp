#include "collector/decode/dovecot.h"

#include <string>

#include "collector/decode/decoder_registry.h"
#include "collector/decode/mail_common.h"
#include "collector/decode/pam.h"
#include "collector/decode/text.h"

namespace soc {
namespace {

using std::string_view;
using text::consume;
using text::npos;

constexpr string_view kService = "dovecot";

void skip_levels(string_view& s) {
  while (consume(s, "Info: ") || consume(s, "Warning: ") || consume(s, "Error: ") ||
         consume(s, "Debug: ")) {
  }
}

// `NAME: ` or `NAME(ARGS): ` at the front: the process that logged the rest.
bool split_service(string_view& s, string_view& service) {
  const size_t colon = s.find(": ");
  if (colon == npos || colon == 0 || colon > 64) return false;
  const string_view head = s.substr(0, colon);
  const size_t paren = head.find('(');
  service = head.substr(0, paren);
  if (service.empty() || service.find(' ') != npos) return false;
  s.remove_prefix(colon + 2);
  return true;
}

void set_login_items(string_view s, Fields& f) {
  if (const auto ip = mail::item(s, "rip")) {
    if (const auto clean = mail::clean_ip(*ip); !clean.empty()) f.set("source.ip", clean);
  }
  if (const auto port = mail::item(s, "rport"); port && text::is_port(*port)) {
    f.set("source.port", *port);
  }
  if (const auto ip = mail::item(s, "lip")) {
    if (const auto clean = mail::clean_ip(*ip); !clean.empty()) f.set("destination.ip", clean);
  }
  if (const auto user = mail::item(s, "user"); user && !user->empty()) f.set("user.name", *user);
  if (const auto method = mail::item(s, "method"); method && !method->empty()) {
    f.set("dovecot.auth.method", *method);
  }
}

// A login process's message; `protocol` is "imap", "pop3", "managesieve", "submission".
bool login(string_view protocol, string_view s, Fields& f) {
  if (s.find("rip=") == npos) return false;
  const std::string action = std::string(protocol) + "_login";
  if (consume(s, "Login: ")) {
    set_login_items(s, f);
    mail::set_event(f, kService, "authentication", action, "success");
    return true;
  }
  // The reason is in parentheses before the item list: "(auth failed, 3 attempts in 16 secs)".
  static constexpr string_view kFailures[] = {"(auth failed, ", "(tried to use ",
                                              "(proxy dest auth failed)"};
  static constexpr string_view kNoAttempt[] = {
      "(no auth attempts", "(disconnected before auth was ready", "(client didn't finish SASL auth",
      "(disconnected during TLS handshake"};
  const size_t items = s.find("): ");
  const string_view head = s.substr(0, items == npos ? s.size() : items + 1);
  auto reason_at = [&](string_view marker) -> string_view {
    const size_t at = head.rfind(marker);
    if (at == npos) return {};
    const size_t close = head.find(')', at);
    return head.substr(at + 1, close == npos ? npos : close - at - 1);
  };
  for (const string_view marker : kFailures) {
    if (const string_view reason = reason_at(marker); !reason.empty()) {
      set_login_items(s, f);
      f.set("event.reason", reason);
      mail::set_event(f, kService, "authentication", action, "failure");
      return true;
    }
  }
  for (const string_view marker : kNoAttempt) {
    if (const string_view reason = reason_at(marker); !reason.empty()) {
      set_login_items(s, f);
      f.set("event.reason", reason);
      mail::set_event(f, kService, "network", std::string(protocol) + "_connection", "unknown");
      return true;
    }
  }
  return false;
}

// The auth processes: `[conn ...: auth-worker<N>: ]DRIVER(USER,IP[,...]): RESULT`.
bool passdb(string_view s, Fields& f) {
  static constexpr string_view kResults[] = {
      "unknown user",        "Password mismatch",   "pam_authenticate() failed",
      "invalid credentials", "Invalid credentials", "password mismatch"};
  for (size_t close = s.find("): "); close != npos; close = s.find("): ", close + 1)) {
    const size_t open = s.rfind('(', close);
    if (open == npos || open == 0) continue;
    const string_view inside = s.substr(open + 1, close - open - 1);
    const size_t comma = inside.find(',');
    if (comma == npos) continue;
    const string_view user = inside.substr(0, comma);
    string_view ip = inside.substr(comma + 1);
    ip = mail::clean_ip(ip.substr(0, ip.find(',')));
    string_view result = s.substr(close + 3);
    // Dovecot 2.4 puts the driver after the prefix: "auth(U,IP,sasl:login)<id>: sql: Password..."
    if (const size_t driver = result.find(": ");
        driver != npos && driver < 16 && result.substr(0, driver).find(' ') == npos) {
      result.remove_prefix(driver + 2);
    }
    bool known = false;
    for (const string_view r : kResults) known = known || result.substr(0, r.size()) == r;
    if (!known || ip.empty()) continue;
    f.set("source.ip", ip);
    if (!user.empty()) f.set("user.name", user);
    f.set("event.reason", text::trim(result));
    mail::set_event(f, kService, "authentication", "mail_auth", "failure");
    return true;
  }
  return false;
}

}  // namespace

bool decode_dovecot(string_view service, string_view message, Fields& f) {
  string_view s = message;
  consume(s, "dovecot: ");
  if (service.empty() || service == "dovecot") {
    if (!split_service(s, service)) return false;
  }
  skip_levels(s);
  if (text::ends_with(service, "-login")) {
    return login(service.substr(0, service.size() - 6), s, f);
  }
  if (service == "auth" || service == "auth-worker" || service == "dovecot-auth") {
    if (decode_pam(s, f)) {
      if (f.get("pam.service") == std::optional<string_view>("dovecot")) {
        f.set("service.name", kService);
        f.set("event.category", "authentication");
      }
      return true;
    }
    return passdb(s, f);
  }
  return false;
}

// Its entry in the decoder registry (decoder_registry.h).
namespace {

constexpr std::string_view kDovecotPrograms[] = {
    "dovecot",           "imap-login",       "pop3-login",
    "managesieve-login", "submission-login", "lmtp-login",
    "dovecot-auth",      "auth-worker",      "auth"};
constexpr std::string_view kDovecotFormats[] = {"Dovecot login and auth process messages"};

bool decode_dovecot_program(std::string_view msg, const ReadTime& /*read*/, Fields& fields,
                            std::optional<SysTime>& /*time*/) {
  return decode_dovecot(mail::program_of(fields), msg, fields);
}

}  // namespace

extern constinit const DecoderSpec kDovecotDecoder{
    .name = "dovecot",
    .description = "Dovecot IMAP/POP3/sieve login failures and password-database verdicts",
    .programs = kDovecotPrograms,
    .formats = kDovecotFormats,
    .decode = decode_dovecot_program,
};

}  // namespace soc
