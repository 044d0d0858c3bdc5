#include "collector/decode/systemd.h"

#include <optional>

#include "collector/decode/decoder_registry.h"
#include "collector/decode/text.h"

namespace soc {
namespace {

using std::string_view;
using text::consume;
using text::npos;

constexpr string_view kUnitSuffixes[] = {".service", ".socket", ".mount",    ".timer",
                                         ".target",  ".path",   ".scope",    ".slice",
                                         ".swap",    ".device", ".automount"};

bool is_unit_name(string_view s) {
  if (s.empty() || s.find(' ') != npos) return false;
  for (string_view suffix : kUnitSuffixes) {
    if (text::ends_with(s, suffix) && s.size() > suffix.size()) return true;
  }
  return false;
}

void set_event(string_view action, string_view outcome, Fields& f) {
  f.set("event.action", action);
  if (!outcome.empty()) f.set("event.outcome", outcome);
  f.set("event.category", "host");
}

// "UNIT - DESCRIPTION" (systemd 249+), "UNIT" or "DESCRIPTION", with the final '.' removed.
void set_unit_or_description(string_view s, Fields& f) {
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  const size_t dash = s.find(" - ");
  if (dash != npos && is_unit_name(s.substr(0, dash))) {
    f.set("systemd.unit", s.substr(0, dash));
    f.set("systemd.unit.description", s.substr(dash + 3));
  } else if (is_unit_name(s)) {
    f.set("systemd.unit", s);
  } else {
    f.set("systemd.unit.description", s);
  }
}

// After "UNIT: Main process exited, ": `code=exited, status=1/FAILURE` or `code=killed,
// status=9/KILL`.
bool main_exited(string_view rest, Fields& f) {
  if (!consume(rest, "code=")) return false;
  const size_t comma = rest.find(", status=");
  if (comma == npos) return false;
  const string_view code = rest.substr(0, comma);
  string_view status = text::trim(rest.substr(comma + 9));
  if (!status.empty() && status.back() == '.') status.remove_suffix(1);
  const string_view number = status.substr(0, status.find('/'));
  if (code.empty() || code.find(' ') != npos || !text::all_digits(number)) return false;
  f.set("systemd.exit.code", code);
  f.set("process.exit_code", number);
  f.set("event.reason", status);
  const bool ok = code == "exited" && number == "0";
  set_event("unit_process_exited", ok ? "success" : "failure", f);
  return true;
}

}  // namespace

bool decode_systemd(string_view message, Fields& f) {
  string_view s = text::trim(message);
  if (consume(s, "Failed to start ")) {
    set_unit_or_description(s, f);
    set_event("unit_start_failed", "failure", f);
    return true;
  }
  if (consume(s, "Unit ")) {
    const size_t at = s.find(" entered failed state");
    if (at == npos || !is_unit_name(s.substr(0, at))) return false;
    f.set("systemd.unit", s.substr(0, at));
    set_event("unit_failed", "failure", f);
    return true;
  }
  for (const auto& [prefix, action, outcome] :
       {std::tuple<string_view, string_view, string_view>{"Stopped ", "unit_stopped", ""},
        {"Stopping ", "unit_stopping", ""},
        {"Started ", "unit_started", "success"}}) {
    if (s.substr(0, prefix.size()) != prefix) continue;
    s.remove_prefix(prefix.size());
    if (!action.empty() && action == "unit_stopping" && text::ends_with(s, "...")) {
      s.remove_suffix(3);
    }
    if (s.empty()) return false;
    set_unit_or_description(s, f);
    set_event(action, outcome, f);
    return true;
  }
  // "UNIT: ..." lines.
  const size_t colon = s.find(": ");
  if (colon == npos || !is_unit_name(s.substr(0, colon))) return false;
  const string_view unit = s.substr(0, colon);
  string_view rest = s.substr(colon + 2);
  if (consume(rest, "Main process exited, ")) {
    if (!main_exited(rest, f)) return false;
  } else if (consume(rest, "Failed with result '")) {
    const size_t quote = rest.find('\'');
    if (quote == npos) return false;
    f.set("event.reason", rest.substr(0, quote));
    set_event("unit_failed", "failure", f);
  } else if (rest == "Unit entered failed state.") {
    set_event("unit_failed", "failure", f);
  } else {
    return false;
  }
  f.set("systemd.unit", unit);
  return true;
}

// Its entry in the decoder registry (decoder_registry.h).
namespace {

constexpr std::string_view kSystemdPrograms[] = {"systemd"};
constexpr std::string_view kSystemdFormats[] = {"systemd unit state messages"};

bool decode_systemd_program(std::string_view msg, const ReadTime& /*read*/, Fields& fields,
                            std::optional<SysTime>& /*time*/) {
  return decode_systemd(msg, fields);
}

}  // namespace

extern constinit const DecoderSpec kSystemdDecoder{
    .name = "systemd",
    .description = "systemd units started, stopped and failed, main processes that exited",
    .programs = kSystemdPrograms,
    .formats = kSystemdFormats,
    .decode = decode_systemd_program,
};

}  // namespace soc
