// VoIP servers: Asterisk and FreeSWITCH.
#pragma once

#include <string_view>

#include "collector/decode/event.h"

namespace soc {

// Decodes an Asterisk or FreeSWITCH message, from syslog ("asterisk", "freeswitch") or their
// own log files (the shapes are found anywhere in the text, after the log's own header). Sets
// service.name ("asterisk" / "freeswitch"), event.category "authentication", event.action
// ("sip_register", "sip_call", "iax_auth", "ami_login", "sip_auth"), event.outcome,
// source.ip / source.port, user.name and event.reason:
//   Asterisk  Registration from 'URI' failed for 'IP[:PORT]' - REASON
//             Request ['METHOD' ]from 'URI' failed for 'IP:PORT' (callid: X) - REASON
//             Host IP failed to authenticate as 'U' / failed MD5 authentication for 'U'
//             No registration for peer 'U' (from IP)
//             Call from 'U' (IP:PORT) to extension 'X' rejected because extension not found
//             [U: ]Call (PROTO:IP:PORT) to extension 'X' rejected because ...
//             "Rejecting unknown SIP connection from IP"; hacking attempt detected 'IP'
//             SecurityEvent="InvalidAccountID|InvalidPassword|ChallengeResponseFailed|
//               FailedACL|...",...,AccountID="U",...,RemoteAddress="IPV4/UDP/IP/PORT"
//             (manager) IP failed to authenticate as 'U' / IP tried to authenticate with
//             nonexistent user 'U'
//   FreeSWITCH SIP auth failure (METHOD) on sofia profile 'P' for [U@D] from ip IP
//             SIP auth challenge (METHOD) ... from ip IP   (outcome unknown: every call
//             is challenged first)
//             Can't find user [U@D] from IP
bool decode_voip(std::string_view msg, Fields& f);

}  // namespace soc
