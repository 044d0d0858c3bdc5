#include "collector/decode/xinetd.h"

#include <optional>

#include "collector/decode/decoder_registry.h"
#include "collector/decode/text.h"

namespace soc {

bool decode_xinetd(std::string_view s, Fields& f) {
  bool failed = false;
  if (text::consume(s, "FAIL: ")) {
    failed = true;
  } else if (!text::consume(s, "START: ")) {
    return false;
  }
  const std::string_view service = text::next_token(s);
  const size_t from = s.find("from=");
  if (service.empty() || from == text::npos) return false;
  std::string_view ip = s.substr(from + 5);
  ip = ip.substr(0, ip.find(' '));
  if (!text::is_ip(ip)) return false;
  f.set("service.name", service);
  f.set("source.ip", ip);
  if (failed) {
    const std::string_view reason = text::trim(s.substr(0, from));
    if (!reason.empty()) f.set("event.reason", reason);
  }
  f.set("event.action", failed ? "xinetd_refused" : "xinetd_start");
  f.set("event.outcome", failed ? "failure" : "success");
  f.set("event.category", "network");
  return true;
}

// Its entry in the decoder registry (decoder_registry.h).
namespace {

constexpr std::string_view kXinetdPrograms[] = {"xinetd"};
constexpr std::string_view kXinetdFormats[] = {"xinetd FAIL / START lines"};

bool decode_xinetd_program(std::string_view msg, const ReadTime& /*read*/, Fields& fields,
                           std::optional<SysTime>& /*time*/) {
  return decode_xinetd(msg, fields);
}

}  // namespace

extern constinit const DecoderSpec kXinetdDecoder{
    .name = "xinetd",
    .description = "xinetd services started and connections refused",
    .programs = kXinetdPrograms,
    .formats = kXinetdFormats,
    .decode = decode_xinetd_program,
};

}  // namespace soc
