#include "collector/decode/horde.h"

#include "collector/decode/decoder_registry.h"
#include "collector/decode/mail_common.h"
#include "collector/decode/text.h"

namespace soc {

using std::string_view;
using text::consume;
using text::npos;

bool decode_horde(string_view message, Fields& f) {
  string_view s = message;
  consume(s, "[error] ");
  consume(s, "[notice] ");
  if (!consume(s, "[horde] ")) consume(s, "[imp] ");
  const bool failed = consume(s, "FAILED LOGIN for ");
  if (!failed && !consume(s, "Login success for ")) return false;
  const auto peer = mail::find_bracketed_peer(s);
  if (!peer) return false;
  const size_t open = s.rfind('[', peer->end - 1);
  const string_view user = text::trim(s.substr(0, open));
  f.set("source.ip", peer->ip);
  if (!user.empty()) f.set("user.name", user);
  if (failed) f.set("event.reason", "FAILED LOGIN");
  mail::set_event(f, "horde", "authentication", "webmail_login", failed ? "failure" : "success");
  return true;
}

// Its entry in the decoder registry (decoder_registry.h). Horde's own log file ("... HORDE
// [error] [imp] ...") reads as a syslog line with host HORDE; the line-shape rule finds it.
namespace {

constexpr std::string_view kHordePrograms[] = {"horde", "HORDE", "imp"};
constexpr std::string_view kHordeFormats[] = {"Horde / IMP log lines"};

bool decode_horde_program(std::string_view msg, const ReadTime& /*read*/, Fields& fields,
                          std::optional<SysTime>& /*time*/) {
  return decode_horde(msg, fields);
}

}  // namespace

extern constinit const DecoderSpec kHordeDecoder{
    .name = "horde",
    .description = "Horde / IMP webmail login failures",
    .programs = kHordePrograms,
    .formats = kHordeFormats,
    .decode = decode_horde_program,
};

}  // namespace soc
