#include "collector/decode/cron.h"

#include <array>
#include <utility>

#include "collector/decode/decoder_registry.h"
#include "collector/decode/pam.h"
#include "collector/decode/text.h"

namespace soc {
namespace {

using std::string_view;

// "(NAME) REST": NAME (no space, no parenthesis) and REST.
bool parenthesised(string_view s, string_view& name, string_view& rest) {
  if (s.size() < 4 || s.front() != '(') return false;
  const size_t close = s.find(") ");
  if (close == string_view::npos || close == 1) return false;
  name = s.substr(1, close - 1);
  if (name.find_first_of(" ()") != string_view::npos) return false;
  rest = s.substr(close + 2);
  return true;
}

constexpr std::array<std::pair<string_view, string_view>, 6> kCrontabActions = {{
    {"REPLACE", "crontab_replace"},
    {"BEGIN EDIT", "crontab_begin_edit"},
    {"END EDIT", "crontab_end_edit"},
    {"LIST", "crontab_list"},
    {"DELETE", "crontab_delete"},
    {"RELOAD", "crontab_reload"},
}};

}  // namespace

bool decode_cron(string_view message, Fields& f) {
  string_view user;
  string_view rest;
  if (!parenthesised(message, user, rest)) return false;
  // `CMD (command)`: the command may itself hold parentheses; it runs to the last ')'.
  if (string_view cmd = rest; text::consume(cmd, "CMD (") && text::ends_with(cmd, ")")) {
    f.set("user.name", user);
    f.set("process.command_line", cmd.substr(0, cmd.size() - 1));
    f.set("event.action", "cron_command");
    return true;
  }
  for (const auto& [word, action] : kCrontabActions) {
    if (rest.substr(0, word.size()) != word || rest.size() < word.size() + 3) continue;
    string_view target = rest.substr(word.size());
    if (target.substr(0, 2) != " (" || target.back() != ')') continue;
    target = target.substr(2, target.size() - 3);
    if (target.empty() || target.find_first_of(" ()") != string_view::npos) continue;
    f.set("user.name", user);
    f.set("user.target.name", target);
    f.set("event.action", action);
    return true;
  }
  return false;
}

// Its entry in the decoder registry (decoder_registry.h).
namespace {

constexpr std::string_view kCronPrograms[] = {"cron", "CRON", "crond", "CROND", "crontab"};
constexpr std::string_view kCronFormats[] = {"cron / cronie messages", "crontab(1) messages",
                                             "PAM messages"};

bool decode_cron_program(std::string_view msg, const ReadTime& /*read*/, Fields& fields,
                         std::optional<SysTime>& /*time*/) {
  return decode_cron(msg, fields) || decode_pam(msg, fields);
}

}  // namespace

extern constinit const DecoderSpec kCronDecoder{
    .name = "cron",
    .description = "Cron jobs started and crontab edits",
    .programs = kCronPrograms,
    .formats = kCronFormats,
    .decode = decode_cron_program,
};

}  // namespace soc
