// What a web server's error-log message says happened, in the ECS words rules use: failed HTTP
// authentication, refused access, rate limiting, malformed requests, missing files and scripts,
// ModSecurity verdicts, PHP errors and Suhosin alerts. Shared by the Apache, nginx and lighttpd
// decoders so that one rule serves every server.
#pragma once

#include <string_view>

#include "collector/decode/event.h"

namespace soc {

// From an error message (without the server's prefix) sets "event.category" (authentication |
// web), "event.action" (http_auth | web_login | access_denied | rate_limited | malformed_request |
// file_not_found | script_not_found | shellshock_attempt), "event.outcome" (failure),
// "event.reason" and, where the message names them, "user.name", "url.path" / "file.path" and
// "service.name" (zoneminder). Leaves fields already set alone; sets nothing for other messages.
void set_web_error_fields(std::string_view message, Fields& fields);

// ModSecurity 2 / 3 messages ("ModSecurity: Access denied with code 403 (phase 2). ... [id
// "942100"] [msg "..."] [severity "CRITICAL"] [tag "attack-sqli"] ..."), in an Apache or nginx
// error line or an audit log's "Apache-Error:" / "Message:" line: "event.action"
// (modsecurity_denied | modsecurity_warning | modsecurity), "rule.id", "rule.name", "rule.ruleset",
// "modsecurity.severity", "tags" (every [tag], joined by ", "), "http.request.id", "url.path" and
// "url.domain" (unless set), "source.ip" from a "[client IP]" inside the message (unless set).
void set_modsecurity_fields(std::string_view message, Fields& fields);

// A ModSecurity 3 JSON audit log entry ({"transaction": {...}}) as the JSON decoder flattened
// it (transaction.client_ip, transaction.request.uri, transaction.messages.N.details.ruleId ...):
// adds "event.category" (web), "event.dataset" (modsecurity.audit), "event.action"
// (modsecurity_denied when the answer was 4xx/5xx with the engine on, else modsecurity_warning),
// "source.ip" / "source.port", the request fields of set_http_request (access_log.h),
// "http.response.status_code", "user_agent.original", "url.domain", and "rule.id", "rule.name",
// "modsecurity.severity", "tags" of the first message. Sets nothing for other JSON.
void set_modsecurity_audit_fields(Fields& fields);

// PHP's own messages ("PHP Warning:  include(): ...", PHP-FPM's "PHP message: PHP Fatal error:",
// "Primary script unknown") and Suhosin's ("ALERT - ... (attacker 'IP', file '...')"): "error.type"
// (PHP Warning, PHP Fatal error ...), "event.action" (php_error | suhosin_alert |
// script_not_found), "source.ip" of Suhosin's attacker, "event.reason".
void set_php_fields(std::string_view message, Fields& fields);

}  // namespace soc
