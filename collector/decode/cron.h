// Fields from cron daemons (Debian's cron, cronie's crond) and crontab(1) messages.
#pragma once

#include <string_view>

#include "collector/decode/event.h"

namespace soc {

// Decodes one MSG of cron / CRON / crond / CROND (the syslog header already removed):
//   (root) CMD (run-parts /etc/cron.hourly)         -> "user.name" root,
//        "process.command_line" the command, "event.action" "cron_command"
// and of crontab: `(USER) ACTION (TARGET)`, ACTION one of REPLACE, BEGIN EDIT, END EDIT, LIST,
// DELETE, RELOAD:
//   (www-data) REPLACE (www-data)                   -> "user.name" www-data (who ran it),
//        "user.target.name" www-data (whose crontab), "event.action" "crontab_replace"
//        (crontab_begin_edit, crontab_end_edit, crontab_list, crontab_delete, crontab_reload).
// PAM lines of cron (pam_unix(cron:session) ...) go to decode_pam. Returns false and sets nothing
// for anything else.
bool decode_cron(std::string_view message, Fields& fields);

}  // namespace soc
