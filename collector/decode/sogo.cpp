#include "collector/decode/sogo.h"

#include "collector/decode/decoder_registry.h"
#include "collector/decode/mail_common.h"
#include "collector/decode/text.h"

namespace soc {

using std::string_view;
using text::consume;
using text::npos;

bool decode_sogo(string_view message, Fields& f) {
  string_view s = message;
  if (!s.empty() && s.front() == '[') {
    const size_t close = s.find("]: ");
    if (close == npos || !text::all_digits(s.substr(1, close - 1))) return false;
    s.remove_prefix(close + 3);
  }
  if (!consume(s, "SOGoRootPage ")) return false;
  const bool failed = consume(s, "Login from '");
  if (!failed && !consume(s, "successful login from '")) return false;
  const size_t quote = s.find('\'');
  if (quote == npos) return false;
  string_view ip = s.substr(0, quote);
  ip = mail::clean_ip(ip.substr(0, ip.find(',')));
  if (ip.empty()) return false;
  string_view rest = s.substr(quote + 1);
  if (!consume(rest, " for user '")) return false;
  const size_t end = rest.find('\'');
  if (end == npos) return false;
  f.set("source.ip", ip);
  if (end > 0) f.set("user.name", rest.substr(0, end));
  if (failed) f.set("event.reason", "might not have worked");
  mail::set_event(f, "sogo", "authentication", "webmail_login", failed ? "failure" : "success");
  return true;
}

// Its entry in the decoder registry (decoder_registry.h).
namespace {

constexpr std::string_view kSogoPrograms[] = {"sogod", "sogo"};
constexpr std::string_view kSogoFormats[] = {"SOGo sogod log lines"};

bool decode_sogo_program(std::string_view msg, const ReadTime& /*read*/, Fields& fields,
                         std::optional<SysTime>& /*time*/) {
  return decode_sogo(msg, fields);
}

}  // namespace

extern constinit const DecoderSpec kSogoDecoder{
    .name = "sogo",
    .description = "SOGo groupware web logins",
    .programs = kSogoPrograms,
    .formats = kSogoFormats,
    .decode = decode_sogo_program,
};

}  // namespace soc
