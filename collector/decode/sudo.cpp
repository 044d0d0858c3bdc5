#include "collector/decode/sudo.h"

#include <string>
#include "collector/decode/decoder_registry.h"
#include "collector/decode/pam.h"

namespace soc {
namespace {

using std::string_view;
constexpr size_t npos = string_view::npos;

// sudo's keys are upper-case words: TTY, PWD, USER, GROUP, TSID, ENV, CHROOT, COMMAND ...
bool split_key(string_view item, string_view& key, string_view& value) {
  const size_t eq = item.find('=');
  if (eq == npos || eq == 0) return false;
  for (char c : item.substr(0, eq)) {
    if (c < 'A' || c > 'Z') return false;
  }
  key = item.substr(0, eq);
  value = item.substr(eq + 1);
  return true;
}

}  // namespace

bool decode_sudo(string_view message, Fields& f) {
  string_view s = message;
  while (!s.empty() && s[0] == ' ') s.remove_prefix(1);  // sudo pads the user with spaces
  const size_t colon = s.find(" : ");
  if (colon == npos || colon == 0) return false;
  const string_view user = s.substr(0, colon);
  if (user.find(' ') != npos) return false;
  s.remove_prefix(colon + 3);

  string_view reason, tty, pwd, runas, env, command;
  bool first = true, keyed = false;
  while (!s.empty()) {
    const size_t sep = s.find(" ; ");
    const string_view item = s.substr(0, sep);
    string_view key, value;
    if (split_key(item, key, value)) {
      keyed = true;
      if (key == "COMMAND") {
        // The command line is the user's own text and may hold " ; ": it is always last.
        command = s.substr(key.size() + 1);
        break;
      }
      if (key == "TTY") tty = value;
      if (key == "PWD") pwd = value;
      if (key == "USER") runas = value;
      if (key == "ENV") env = value;
    } else if (first) {
      reason = item;
    }
    first = false;
    if (sep == npos) break;
    s.remove_prefix(sep + 3);
  }
  // A command log always names the terminal or the command; anything else is another message.
  if (!keyed || (tty.empty() && command.empty())) return false;

  f.set("user.name", user);
  if (!runas.empty()) f.set("user.effective.name", runas);
  if (!pwd.empty()) f.set("process.working_directory", pwd);
  if (!env.empty()) f.set("process.env_vars", env);
  if (!command.empty()) f.set("process.command_line", command);
  f.set("event.action", "sudo");
  f.set("event.outcome", reason.empty() ? "success" : "failure");
  if (!reason.empty()) f.set("event.reason", reason);
  return true;
}

// Its entry in the decoder registry (decoder_registry.h).
namespace {

constexpr std::string_view kSudoPrograms[] = {"sudo"};
constexpr std::string_view kSudoFormats[] = {"sudo USER : TTY=... COMMAND=... lines",
                                             "PAM messages"};

bool decode_sudo_program(std::string_view msg, const ReadTime& /*read*/, Fields& fields,
                         std::optional<SysTime>& /*time*/) {
  return decode_sudo(msg, fields) || decode_pam(msg, fields);
}

}  // namespace

extern constinit const DecoderSpec kSudoDecoder{
    .name = "sudo",
    .description = "Commands run through sudo, refusals, authentication failures",
    .programs = kSudoPrograms,
    .formats = kSudoFormats,
    .decode = decode_sudo_program,
};

}  // namespace soc
