#include "collector/decode/doas.h"

#include <optional>

#include "collector/decode/decoder_registry.h"
#include "collector/decode/service_event.h"
#include "collector/decode/text.h"

namespace soc {
namespace {

using std::string_view;
using text::consume;
constexpr size_t npos = string_view::npos;

bool is_user_name(string_view s) {
  return !s.empty() && s.size() <= 64 && s.find_first_of(" :/") == npos;
}

}  // namespace

bool decode_doas(string_view s, Fields& f) {
  if (consume(s, "failed auth for ")) {
    if (!is_user_name(s)) return false;
    f.set("user.name", s);
    service::set_auth_failure(f, "doas", "doas", service::kBadPassword);
    return true;
  }
  if (consume(s, "command not permitted for ")) {
    const size_t colon = s.find(": ");
    if (colon == npos || !is_user_name(s.substr(0, colon))) return false;
    f.set("user.name", s.substr(0, colon));
    f.set("process.command_line", s.substr(colon + 2));
    service::set_auth_failure(f, "doas", "doas", service::kNotAllowed);
    return true;
  }
  if (const size_t at = s.find(": command not permitted: "); at != npos) {
    if (!is_user_name(s.substr(0, at))) return false;
    f.set("user.name", s.substr(0, at));
    f.set("process.command_line", s.substr(at + 25));
    service::set_auth_failure(f, "doas", "doas", service::kNotAllowed);
    return true;
  }
  const size_t ran = s.find(" ran command ");
  if (ran == npos || !is_user_name(s.substr(0, ran))) return false;
  const size_t as = s.rfind(" as ");
  const size_t from = s.rfind(" from ");
  if (as == npos || from == npos || as < ran || from < as) return false;
  f.set("user.name", s.substr(0, ran));
  f.set("process.command_line", s.substr(ran + 13, as - ran - 13));
  f.set("user.effective.name", s.substr(as + 4, from - as - 4));
  f.set("process.working_directory", s.substr(from + 6));
  service::set_event(f, "doas", "authentication", "doas", "success");
  return true;
}

// Its entry in the decoder registry (decoder_registry.h).
namespace {

constexpr std::string_view kDoasPrograms[] = {"doas"};
constexpr std::string_view kDoasFormats[] = {"doas / OpenDoas syslog messages"};

bool decode_doas_program(std::string_view msg, const ReadTime& /*read*/, Fields& fields,
                         std::optional<SysTime>& /*time*/) {
  return decode_doas(msg, fields);
}

}  // namespace

extern constinit const DecoderSpec kDoasDecoder{
    .name = "doas",
    .description = "doas commands run, failed authentications and refused commands",
    .programs = kDoasPrograms,
    .formats = kDoasFormats,
    .decode = decode_doas_program,
};

}  // namespace soc
