#include "collector/decode/solid_pop3d.h"

#include "collector/decode/decoder_registry.h"
#include "collector/decode/mail_common.h"
#include "collector/decode/text.h"

namespace soc {

using std::string_view;
using text::npos;

bool decode_solid_pop3d(string_view message, Fields& f) {
  const size_t dash = message.rfind(" - ");
  if (dash == npos) return false;
  const string_view ip = mail::clean_ip(text::trim(message.substr(dash + 3)));
  if (ip.empty()) return false;
  const string_view what = message.substr(0, dash);
  string_view user;
  string_view reason = what;
  if (const size_t at = what.find("user "); at != npos) {
    user = what.substr(at + 5);
    reason = what.substr(0, at);
  }
  for (const string_view marker : {"no such user: ", "can't map user name: "}) {
    if (const size_t at = what.find(marker); at != npos) {
      user = what.substr(at + marker.size());
      reason = what.substr(0, at + marker.size() - 2);
    }
  }
  const bool known = what.find("authentication failed") != npos ||
                     what.find("login not allowed") != npos ||
                     what.find("can't find APOP secret") != npos;
  if (!known || user.find(' ') != npos) return false;
  f.set("source.ip", ip);
  if (!user.empty()) f.set("user.name", user);
  if (what.substr(0, 5) == "root ") f.set("user.name", "root");
  f.set("event.reason", text::trim(reason));
  mail::set_event(f, "solid-pop3d", "authentication", "pop3_login", "failure");
  return true;
}

// Its entry in the decoder registry (decoder_registry.h).
namespace {

constexpr std::string_view kSolidPop3dPrograms[] = {"solid-pop3d"};
constexpr std::string_view kSolidPop3dFormats[] = {"solid-pop3d syslog messages"};

bool decode_solid_pop3d_program(std::string_view msg, const ReadTime& /*read*/, Fields& fields,
                                std::optional<SysTime>& /*time*/) {
  return decode_solid_pop3d(msg, fields);
}

}  // namespace

extern constinit const DecoderSpec kSolidPop3dDecoder{
    .name = "solid-pop3d",
    .description = "solid-pop3d POP3 login failures",
    .programs = kSolidPop3dPrograms,
    .formats = kSolidPop3dFormats,
    .decode = decode_solid_pop3d_program,
};

}  // namespace soc
