// Other network services with logins: xrdp, Monit, Guacamole, Murmur (Mumble), ejabberd, ZNC,
// stunnel, xinetd and macOS screen sharing.
#pragma once

#include <string_view>

#include "collector/decode/event.h"

namespace soc {

// Finds one of these services' login or access failures in `text` (a syslog MSG or a line of
// the service's own log: the shapes are searched for after any header). Sets service.name,
// event.category "authentication", event.action, event.outcome "failure", source.ip /
// source.port, user.name and event.reason:
//   xrdp-sesman     AUTHFAIL: user=U ip=IP time=N  (the last one: the user name is free text)
//                                                               rdp_login, bad_credentials
//   monit           Client 'IP' supplied unknown user 'U' / wrong password for user 'U';
//                   access denied -- client [IP]: unknown user 'U' / wrong password for user
//                   'U' / empty password                        http_auth
//   guacamole       Authentication attempt from IP for user "U" failed.   web_login
//   murmur          <ID:U(-1)> Rejected connection from IP:PORT: REASON   voice_login
//   ejabberd        Failed [c2s MECH ]authentication for U from [IP ]IP[: REASON]  xmpp_auth
//   znc             [U] failed to login from IP[:PORT]           irc_login
//   stunnel         SSL_accept from IP:PORT : ... error          tls_handshake, tls_error
//   xinetd          FAIL: SERVICE REASON from=IP                 service_access, not_allowed
//   screensharingd  Authentication: FAILED :: User Name: U :: Viewer Address: IP :: ...
//                                                                vnc_login
// `program` is the syslog tag when there is one (empty for a file line); it only names the
// service. False, and nothing set, when no shape is found.
bool decode_remote_access(std::string_view program, std::string_view text, Fields& f);

}  // namespace soc
