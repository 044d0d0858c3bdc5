// Fields from Postfix's smtpd, postscreen and submission services (mail.log).
#pragma once

#include <string_view>

#include "collector/decode/event.h"

namespace soc {

// Decodes one Postfix MSG (the syslog header removed). Sets service.name = "postfix",
// event.category, event.action, event.outcome, source.ip / source.port / source.domain and,
// where the line has them, user.name, event.reason (the server's reply text), email.from.address
// and email.to.address. Actions:
//   smtp_auth              SASL MECH authentication failed (failure), client=..., sasl_username=U
//                          (success); category authentication
//   smtp_auth_unavailable  the SASL back end was down ("Connection lost to authentication
//                          server"): not the client's doing, outcome unknown
//   smtp_session_auth_failed  disconnect from HOST[IP] ... auth=0/N: a session whose AUTH failed
//   smtp_relay_denied      reject: RCPT ... Relay access denied (category email)
//   smtp_unknown_recipient reject: RCPT/VRFY ... User unknown / undeliverable address
//   smtp_dnsbl             reject ... blocked using LIST; postscreen DNSBL rank N
//   smtp_reject            any other reject: / milter-reject: (HELO, sender, client rules)
//   smtp_protocol_error    improper command pipelining, non-SMTP command, postscreen PREGREET,
//                          BARE NEWLINE,
//                          NON-SMTP COMMAND, HANGUP, COMMAND TIME/COUNT/LENGTH LIMIT
//                          (category network)
//   smtp_too_many_errors   too many errors after CMD
//   smtp_rate_limit        Connection rate / Message delivery request rate / concurrency limit
//                          exceeded
//   smtp_lost_connection   lost connection after CMD (outcome unknown; event.reason "after CMD")
//   smtp_dns_mismatch      hostname H does not resolve to address IP (outcome unknown)
// Anything else returns false and sets nothing.
bool decode_postfix(std::string_view message, Fields& fields);

}  // namespace soc
