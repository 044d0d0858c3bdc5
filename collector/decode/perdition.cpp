#include "collector/decode/perdition.h"

#include "collector/decode/decoder_registry.h"
#include "collector/decode/mail_common.h"
#include "collector/decode/text.h"

namespace soc {
namespace {

using std::string_view;
using text::consume;
using text::npos;

// `IP:PORT->IP:PORT` at the front of `s`: sets the client's address and port.
bool client(string_view s, Fields& f) {
  const size_t arrow = s.find("->");
  if (arrow == npos) return false;
  const string_view from = s.substr(0, arrow);
  const size_t colon = from.rfind(':');
  if (colon == npos) return false;
  const string_view ip = mail::clean_ip(from.substr(0, colon));
  const string_view port = from.substr(colon + 1);
  if (ip.empty() || !text::is_port(port)) return false;
  f.set("source.ip", ip);
  f.set("source.port", port);
  return true;
}

string_view quoted(string_view s, string_view key) {
  const size_t at = s.find(key);
  if (at == npos) return {};
  const size_t start = at + key.size();
  const size_t end = s.find('"', start);
  return end == npos ? string_view{} : s.substr(start, end - start);
}

}  // namespace

bool decode_perdition(string_view program, string_view message, Fields& f) {
  string_view s = message;
  const string_view action = program.find("pop") != npos ? "pop3_login" : "imap_login";
  if (consume(s, "Auth: ")) {
    const string_view status = quoted(s, "status=\"");
    if (status.empty() || !client(s, f)) return false;
    const string_view user = quoted(s, "authentication_id=\"");
    if (!user.empty()) f.set("user.name", user);
    const bool ok = status == "ok";
    if (!ok) f.set("event.reason", status);
    mail::set_event(f, "perdition", "authentication", action, ok ? "success" : "failure");
    return true;
  }
  if (consume(s, "Fatal Error reading authentication information from client ")) {
    if (!client(s, f)) return false;
    f.set("event.reason", "error reading authentication information");
    mail::set_event(f, "perdition", "authentication", action, "failure");
    return true;
  }
  return false;
}

// Its entry in the decoder registry (decoder_registry.h). perdition logs as perdition.PROTOCOL.
namespace {

constexpr std::string_view kPerditionPrograms[] = {
    "perdition",      "perdition.imap4", "perdition.imap4s",     "perdition.imaps",
    "perdition.pop3", "perdition.pop3s", "perdition.managesieve"};
constexpr std::string_view kPerditionFormats[] = {"perdition proxy syslog messages"};

bool decode_perdition_program(std::string_view msg, const ReadTime& /*read*/, Fields& fields,
                              std::optional<SysTime>& /*time*/) {
  return decode_perdition(mail::program_of(fields), msg, fields);
}

}  // namespace

extern constinit const DecoderSpec kPerditionDecoder{
    .name = "perdition",
    .description = "perdition IMAP/POP3 proxy authentication results",
    .programs = kPerditionPrograms,
    .formats = kPerditionFormats,
    .decode = decode_perdition_program,
};

}  // namespace soc
