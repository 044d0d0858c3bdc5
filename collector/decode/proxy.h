// Proxies and load balancers: Squid, HAProxy, 3proxy and Dante.
#pragma once

#include <string_view>

#include "collector/decode/event.h"

namespace soc {

// Decodes the syslog MSG of a proxy ("squid", "haproxy", "3proxy", "danted", "sockd"):
//   haproxy  IP:PORT [DATE] FRONTEND BACKEND/SERVER TIMERS STATUS BYTES ... "REQUEST"
//            (HTTP log format): event.action "http_request", http.response.status_code,
//            http.request.method, url.original; a 401 answered by HAProxy itself (<NOSRV>,
//            http-request auth) is category "authentication", outcome failure, reason
//            bad_credentials; other 4xx/5xx outcome failure, reason denied for 403.
//   squid    an access.log line sent to syslog (below)
//   3proxy   a log line (below)
//   dante    info: block(N): tcp/accept ]: IP.PORT IP.PORT: error after reading N bytes in N
//            seconds: REASON      action "socks_auth", failure, user.name from "user \"U\"".
bool decode_proxy(std::string_view program, std::string_view msg, Fields& f);

// A line of a proxy's own log file:
//   Squid access.log (native): TIME.MS ELAPSED CLIENT CODE/STATUS BYTES METHOD URL USER
//     HIERARCHY/PEER TYPE   event.action "proxy_request", squid.result_code; TCP_DENIED/407 is
//     an authentication failure (reason bad_credentials with a user, else outcome unknown: the
//     browser's first request), other TCP_DENIED and NONE/4xx are failures (reason denied,
//     protocol_error for NONE/400 and NONE/405).
//   3proxy: DD-MM-YYYY HH:MM:SS +ZZZZ SERVICE ERROR USER IP:PORT ... ; error codes 1-9 (the last
//     two digits of the five) are authentication failures ("proxy_auth").
//   Squid cache.log (also through syslog): SECURITY ALERT: Host header forgery detected on
//     local=IP:PORT remote=IP:PORT ...   "proxy_request", failure, reason protocol_error.
bool decode_proxy_file_line(std::string_view line, Fields& f);

}  // namespace soc
