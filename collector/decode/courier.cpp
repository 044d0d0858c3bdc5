#include "collector/decode/courier.h"

#include <string>

#include "collector/decode/decoder_registry.h"
#include "collector/decode/mail_common.h"
#include "collector/decode/text.h"

namespace soc {
namespace {

using std::string_view;
using text::consume;
using text::npos;

constexpr string_view kService = "courier";

// `ip=[::ffff:1.2.3.4]` / `port=[255]` values.
string_view bracket_item(string_view s, string_view key) {
  const auto value = mail::item(s, key, ",");
  if (!value || value->size() < 2 || value->front() != '[' || value->back() != ']') return {};
  return value->substr(1, value->size() - 2);
}

bool login(string_view program, string_view s, string_view outcome, Fields& f) {
  const string_view ip = mail::clean_ip(bracket_item(s, "ip"));
  if (ip.empty()) return false;
  f.set("source.ip", ip);
  if (const string_view port = bracket_item(s, "port"); text::is_port(port)) {
    f.set("source.port", port);
  }
  if (const auto user = mail::item(s, "user", ","); user && !user->empty()) {
    f.set("user.name", *user);
  }
  const bool pop3 = program.find("pop3") != npos;
  mail::set_event(f, kService, "authentication", pop3 ? "pop3_login" : "imap_login", outcome);
  if (outcome == "failure") f.set("event.reason", "LOGIN FAILED");
  return true;
}

// courieresmtpd: `error,relay=IP,[ident=X,][port=N,]KEY=VALUE...: REPLY` or `...,msg="REPLY",cmd:
// C`.
bool smtp_error(string_view s, Fields& f) {
  const auto relay = mail::item(s, "relay", ",");
  if (!relay) return false;
  const string_view ip = mail::clean_ip(*relay);
  if (ip.empty()) return false;
  f.set("source.ip", ip);
  if (const auto port = mail::item(s, "port", ","); port && text::is_port(*port)) {
    f.set("source.port", *port);
  }
  string_view reply;
  if (const size_t msg = s.find("msg=\""); msg != npos) {
    reply = s.substr(msg + 5, s.find('"', msg + 5) - msg - 5);
  } else if (const size_t colon = s.find(": "); colon != npos) {
    reply = s.substr(colon + 2);
  }
  f.set("event.reason", reply);
  if (const auto to = mail::item(s, "to", ","); to && !to->empty()) f.set("email.to.address", *to);
  if (const auto from = mail::item(s, "from", ","); from && !from->empty()) {
    f.set("email.from.address", *from);
  }
  if (reply.find("Authentication failed") != npos) {
    mail::set_event(f, kService, "authentication", "smtp_auth", "failure");
  } else if (reply.find("User unknown") != npos || reply.find(" unknown") != npos) {
    mail::set_event(f, kService, "email", "smtp_unknown_recipient", "failure");
  } else {
    mail::set_event(f, kService, "email", "smtp_reject", "failure");
  }
  return true;
}

}  // namespace

bool decode_courier(string_view program, string_view message, Fields& f) {
  string_view s = message;
  if (consume(s, "LOGIN FAILED, ")) return login(program, s, "failure", f);
  if (consume(s, "LOGIN, ")) return login(program, s, "success", f);
  if (consume(s, "error,")) return smtp_error(s, f);
  return false;
}

// Its entry in the decoder registry (decoder_registry.h). The plain "imapd" / "pop3d" tags are
// shared with UW IMAP and Cyrus: the imapd decoder (imapd.cpp) owns them and tries each.
namespace {

constexpr std::string_view kCourierPrograms[] = {
    "courierpop3login", "courierpop3d", "courierimaplogin", "courieresmtpd", "courier-imapd",
    "imapd-ssl",        "pop3d-ssl",    "courier",          "courierimapd"};
constexpr std::string_view kCourierFormats[] = {"Courier imapd / pop3d / esmtpd syslog messages"};

bool decode_courier_program(std::string_view msg, const ReadTime& /*read*/, Fields& fields,
                            std::optional<SysTime>& /*time*/) {
  return decode_courier(mail::program_of(fields), msg, fields);
}

}  // namespace

extern constinit const DecoderSpec kCourierDecoder{
    .name = "courier",
    .description = "Courier IMAP/POP3 LOGIN FAILED and esmtpd authentication / recipient errors",
    .programs = kCourierPrograms,
    .formats = kCourierFormats,
    .decode = decode_courier_program,
};

}  // namespace soc
