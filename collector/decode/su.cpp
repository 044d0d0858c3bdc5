#include "collector/decode/su.h"

#include <string>

#include "collector/decode/decoder_registry.h"
#include "collector/decode/pam.h"
#include "collector/decode/text.h"

namespace soc {
namespace {

using std::string_view;
using text::consume;
using text::npos;

bool one_word(string_view s) {
  return !s.empty() && s.find(' ') == npos;
}

void set_su(string_view user, string_view target, string_view tty, bool ok, Fields& f) {
  f.set("user.name", user);
  f.set("user.effective.name", target);
  if (!tty.empty()) f.set("process.tty.name", tty);
  f.set("event.action", "su");
  f.set("event.outcome", ok ? "success" : "failure");
}

// After "(to ": `TARGET) USER on TTY`.
bool util_linux(string_view s, bool ok, Fields& f) {
  const size_t close = s.find(") ");
  if (close == npos) return false;
  const string_view target = s.substr(0, close);
  s.remove_prefix(close + 2);
  const size_t on = s.rfind(" on ");
  const string_view user = s.substr(0, on);
  const string_view tty = on == npos ? string_view() : s.substr(on + 4);
  if (!one_word(target) || !one_word(user) || (on != npos && !one_word(tty))) return false;
  set_su(user, target, tty, ok, f);
  return true;
}

// After "Successful su for " / "FAILED su for ": `TARGET by USER`.
bool shadow_for_by(string_view s, bool ok, Fields& f) {
  const size_t by = s.find(" by ");
  if (by == npos) return false;
  const string_view target = s.substr(0, by);
  const string_view user = s.substr(by + 4);
  if (!one_word(target) || !one_word(user)) return false;
  set_su(user, target, {}, ok, f);
  return true;
}

// After "+ " / "- ": `TTY USER:TARGET`.
bool sulog(string_view s, bool ok, Fields& f) {
  const size_t space = s.find(' ');
  if (space == npos) return false;
  const string_view tty = s.substr(0, space);
  const string_view pair = s.substr(space + 1);
  const size_t colon = pair.find(':');
  if (colon == npos || !one_word(pair)) return false;
  const string_view user = pair.substr(0, colon);
  const string_view target = pair.substr(colon + 1);
  if (user.empty() || target.empty() || tty.empty()) return false;
  set_su(user, target, tty, ok, f);
  return true;
}

}  // namespace

bool decode_su(string_view message, Fields& f) {
  string_view s = message;
  if (consume(s, "(to ")) return util_linux(s, true, f);
  if (consume(s, "FAILED SU (to ")) return util_linux(s, false, f);
  if (consume(s, "Successful su for ")) return shadow_for_by(s, true, f);
  if (consume(s, "FAILED su for ")) return shadow_for_by(s, false, f);
  if (consume(s, "+ ")) return sulog(s, true, f);
  if (consume(s, "- ")) return sulog(s, false, f);
  return decode_pam(message, f);
}

// Its entry in the decoder registry (decoder_registry.h).
namespace {

constexpr std::string_view kSuPrograms[] = {"su"};
constexpr std::string_view kSuFormats[] = {"su messages"};

bool decode_su_program(std::string_view msg, const ReadTime& /*read*/, Fields& fields,
                       std::optional<SysTime>& /*time*/) {
  return decode_su(msg, fields);
}

}  // namespace

extern constinit const DecoderSpec kSuDecoder{
    .name = "su",
    .description = "su sessions and failures (util-linux, shadow-utils)",
    .programs = kSuPrograms,
    .formats = kSuFormats,
    .decode = decode_su_program,
};

}  // namespace soc
