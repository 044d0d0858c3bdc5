// Login failures and successes of web applications and admin panels as they log them: phpMyAdmin,
// webmin, Grafana, GitLab, Drupal, Froxlor, Proxmox VE, Vaultwarden / Bitwarden, Guacamole,
// Centreon, DirectAdmin, Monitorix, Group-Office, Horde, OpenWebMail, Tine 2.0, monit, SOGo.
#pragma once

#include <optional>
#include <string_view>

#include "collector/decode/event.h"
#include "collector/decode/syslog.h"

namespace soc {

// Recognises one application's login line in `msg` (a syslog MSG or a whole line of the
// application's own file) and sets "event.category" (authentication), "event.action"
// (web_login, or the application's own action such as admin_token), "event.outcome"
// (failure | success), "service.name" (phpmyadmin, webmin, grafana ...), "source.ip" and
// "user.name" when the line names them, and "event.reason" for the failure kind. False, setting
// nothing, for any other line.
bool decode_webapp_auth(std::string_view msg, Fields& fields);

}  // namespace soc
