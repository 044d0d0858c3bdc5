// OpenLDAP slapd: binds and their results.
#pragma once

#include <string_view>

#include "collector/decode/event.h"

namespace soc {

// Decodes a slapd syslog MSG. slapd names the peer on the connection's ACCEPT line and the
// result of a bind several lines later, so the decoder remembers, per host, pid and connection
// (a bounded per-thread table: the lines of one host are decoded in order on one thread), the
// peer and the bind DN:
//   conn=N fd=N ACCEPT from IP=ADDR:PORT (IP=...)   event.action "ldap_connect", success
//   conn=N op=N BIND dn="DN" method=M                event.action "ldap_bind_request"
//   conn=N op=N RESULT tag=97 err=E text=T           event.action "ldap_bind": success for
//       err=0, failure otherwise; err=49 (invalid credentials) reason bad_credentials, err=53
//       (unwilling, e.g. anonymous binds disabled) reason not_allowed; user.name = the DN's
//       uid / cn (ldap.bind.dn the whole DN), source.ip / source.port from the ACCEPT line.
//   conn=N fd=N closed                               forgets the connection
// Every decoded line has service.name "slapd", event.category "authentication" for binds and
// "network" for connections, and ldap.connection = N.
bool decode_slapd(std::string_view msg, Fields& f);

}  // namespace soc
