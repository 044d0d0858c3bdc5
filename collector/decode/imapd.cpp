#include "collector/decode/imapd.h"

#include "collector/decode/courier.h"
#include "collector/decode/cyrus.h"
#include "collector/decode/decoder_registry.h"
#include "collector/decode/mail_common.h"
#include "collector/decode/text.h"

namespace soc {
namespace {

using std::string_view;
using text::consume;
using text::npos;

}  // namespace

bool decode_uwimap(string_view program, string_view message, Fields& f) {
  string_view s = message;
  string_view reason;
  string_view outcome = "failure";
  if (consume(s, "Login failed ")) {
    reason = "Login failed";
  } else if (consume(s, "Login excessive login failures ")) {
    reason = "excessive login failures";
  } else if (consume(s, "Login disabled ")) {
    reason = "Login disabled";
  } else if (consume(s, "Failed uwmaster override of ")) {
    reason = "uwmaster override failed";
  } else if (consume(s, "Login ") || consume(s, "Auth ") || consume(s, "Authenticated ")) {
    outcome = "success";
  } else {
    return false;
  }
  if (s.substr(0, 5) != "user=") return false;
  auto peer = mail::find_bracketed_peer(s);
  if (!peer) return false;
  consume(peer->host, "host=");
  const auto user = mail::item(s, "user", " ");
  mail::set_peer(f, *peer);
  if (user && !user->empty()) f.set("user.name", *user);
  if (!reason.empty()) f.set("event.reason", reason);
  const bool pop3 = program.find("pop") != npos;
  mail::set_event(f, "uw-imap", "authentication", pop3 ? "pop3_login" : "imap_login", outcome);
  return true;
}

// Its entry in the decoder registry (decoder_registry.h).
namespace {

constexpr std::string_view kImapdPrograms[] = {"imapd",  "imap",  "pop3d", "pop3",
                                               "ipop3d", "imaps", "pop3s"};
constexpr std::string_view kImapdFormats[] = {"UW IMAP imapd / ipop3d messages",
                                              "Courier or Cyrus under a plain imapd/pop3d tag"};

bool decode_imapd_program(std::string_view msg, const ReadTime& /*read*/, Fields& fields,
                          std::optional<SysTime>& /*time*/) {
  const std::string program = mail::program_of(fields);
  return decode_uwimap(program, msg, fields) || decode_courier(program, msg, fields) ||
         decode_cyrus(program, msg, fields);
}

}  // namespace

extern constinit const DecoderSpec kImapdDecoder{
    .name = "imapd",
    .description = "IMAP/POP3 daemons under shared tags: UW IMAP, Courier, Cyrus",
    .programs = kImapdPrograms,
    .formats = kImapdFormats,
    .decode = decode_imapd_program,
};

}  // namespace soc
