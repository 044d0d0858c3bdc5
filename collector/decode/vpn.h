// VPN servers: OpenVPN, strongSwan (charon), WireGuard (kernel) and SoftEther.
#pragma once

#include <string_view>

#include "collector/decode/event.h"

namespace soc {

// Decodes the syslog MSG of OpenVPN ("openvpn", "ovpn-NAME", "openvpn-server") or strongSwan
// ("charon", "charon-systemd", "ipsec"). Sets service.name ("openvpn" / "strongswan"),
// event.category "authentication", event.action "vpn_auth" for failures and logins,
// "vpn_connection" for connection resets, source.ip / source.port, user.name, event.reason:
//   OpenVPN (the peer as "IP:PORT " or "CN/IP:PORT " in front, or "[AF_INET]IP:PORT" inside)
//     TLS Error: TLS handshake failed / TLS Error: cannot locate HMAC ... / TLS Error: ...
//                                                          failure, tls_error
//     VERIFY ERROR: depth=N, error=...                      failure, tls_error
//     TLS Auth Error: Auth Username/Password verification failed ...; AUTH_FAILED;
//     PLUGIN_CALL: ... PLUGIN_AUTH_USER_PASS_VERIFY failed  failure, bad_credentials
//     Authenticate/Decrypt packet error: ...                failure, protocol_error
//     WARNING: Bad encapsulated packet length from peer ... failure, protocol_error
//     SIGUSR1[soft,connection-reset] received, client-instance restarting
//                                                          "vpn_connection", outcome unknown,
//                                                          reason connection_reset
//     Peer Connection Initiated with [AF_INET]IP:PORT       success
//   strongSwan
//     ... authentication of 'ID' with METHOD failed / peer authentication failed /
//     received AUTHENTICATION_FAILED notify / EAP method ... failed / RADIUS authentication of
//     'U' failed / tried N shared key(s) for ... but MAC mismatched     failure, bad_credentials
//     no IKE config found for A...B / no matching peer config found    failure, not_allowed
//     authentication of 'ID' with METHOD successful (the peer's, "... 'ID' (myself)" excluded)
//                                                                     success
bool decode_vpn(std::string_view program, std::string_view msg, Fields& f);

// Lines a decoder of its own would not see: the kernel's "wireguard: IF: Invalid handshake
// initiation from IP:PORT" (and "Handshake for peer N (IP:PORT) did not complete"), SoftEther's
// security log ("Connection "CID-N": User authentication failed. The user name that has been
// provided was "U", from IP."), OpenVPN lines of a "ovpn-NAME" instance and of OpenVPN's own
// log file ("2024-12-15 14:12:12 MSG", "Sun Dec 15 14:12:12 2024 MSG").
bool decode_vpn_text(std::string_view program, std::string_view line, Fields& f);

}  // namespace soc
