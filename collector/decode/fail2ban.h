// Fields from fail2ban's own log (/var/log/fail2ban.log) and its syslog / journal lines: the
// addresses another intrusion-prevention system found and banned (what its "recidive" jail reads).
#pragma once

#include <optional>
#include <string_view>

#include "collector/decode/event.h"
#include "collector/decode/syslog.h"

namespace soc {

// One fail2ban message after its logger name: `[LEVEL] [JAIL] ACTION IP`, e.g.
// "NOTICE  [sshd] Ban 192.0.2.1" or "[postfix-sasl] Ban 192.0.2.3": "service.name" fail2ban,
// "rule.name" the jail, "source.ip", "event.action" fail2ban_ban / fail2ban_unban /
// fail2ban_found ("Found IP" of fail2ban.filter), "log.level" the level.
bool decode_fail2ban(std::string_view message, Fields& fields);

// A line of fail2ban's own file: `YYYY-MM-DD HH:MM:SS,mmm fail2ban.MODULE[ *][[PID]]: MESSAGE`.
// The time has no zone: the read time's zone applies.
bool decode_fail2ban_log(std::string_view line, const ReadTime& read, Fields& fields,
                         std::optional<SysTime>& time);

}  // namespace soc
