#include "collector/decode/cyrus.h"

#include "collector/decode/decoder_registry.h"
#include "collector/decode/mail_common.h"
#include "collector/decode/text.h"

namespace soc {
namespace {

using std::string_view;
using text::consume;
using text::npos;

string_view action_for(string_view program) {
  if (program.find("sieve") != npos) return "sieve_login";
  if (program.find("pop3") != npos) return "pop3_login";
  return "imap_login";
}

}  // namespace

bool decode_cyrus(string_view program, string_view message, Fields& f) {
  string_view s = message;
  const bool failed = consume(s, "badlogin: ");
  if (!failed && !consume(s, "login: ")) return false;
  const auto peer = mail::find_bracketed_peer(s);
  if (!peer) return false;
  string_view rest = text::trim(s.substr(peer->end));
  string_view reason;
  if (const size_t sasl = rest.find("SASL("); sasl != npos) {
    reason = rest.substr(sasl);
    if (!reason.empty() && reason.back() == ']') reason.remove_suffix(1);
    rest = text::trim(rest.substr(0, sasl));
    if (!rest.empty() && rest.back() == '[') rest = text::trim(rest.substr(0, rest.size() - 1));
  }
  // What is left: "MECH [USER]" on badlogin, "USER MECH ..." on login.
  const string_view first = text::next_token(rest);
  const string_view second = text::next_token(rest);
  string_view user = failed ? second : first;
  if (failed && user == "authentication") {  // timsieved: "PLAIN authentication failure"
    reason = "authentication failure";
    user = {};
  }
  mail::set_peer(f, *peer);
  if (!user.empty()) f.set("user.name", user);
  if (!reason.empty()) f.set("event.reason", reason);
  mail::set_event(f, "cyrus", "authentication", action_for(program),
                  failed ? "failure" : "success");
  return true;
}

// Its entry in the decoder registry (decoder_registry.h). "cyrus/NAME" tags reach it through
// the registry's first-component fallback ("cyrus"); plain "imap" / "imapd" through imapd.cpp.
namespace {

constexpr std::string_view kCyrusPrograms[] = {"cyrus",       "cyrus/imap",  "cyrus/imaps",
                                               "cyrus/pop3",  "cyrus/pop3s", "cyrus/timsieved",
                                               "cyrus/sieve", "timsieved",   "sieve"};
constexpr std::string_view kCyrusFormats[] = {"Cyrus imapd / pop3d / timsieved syslog messages"};

bool decode_cyrus_program(std::string_view msg, const ReadTime& /*read*/, Fields& fields,
                          std::optional<SysTime>& /*time*/) {
  return decode_cyrus(mail::program_of(fields), msg, fields);
}

}  // namespace

extern constinit const DecoderSpec kCyrusDecoder{
    .name = "cyrus",
    .description = "Cyrus IMAP/POP3/sieve badlogin and login lines",
    .programs = kCyrusPrograms,
    .formats = kCyrusFormats,
    .decode = decode_cyrus_program,
};

}  // namespace soc
