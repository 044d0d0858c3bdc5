// Fields from sendmail (sm-mta) messages: AUTH failures, ruleset rejects, EXPN/VRFY probes.
#pragma once

#include <string_view>

#include "collector/decode/event.h"

namespace soc {

// Decodes one sendmail MSG (a queue id "QID: " first is skipped). Sets service.name =
// "sendmail", event.category, event.action, event.outcome, source.ip (the last "relay=" or the
// bracketed client address, "IPv6:" dropped), source.domain, and user.name / email.to.address /
// event.reason where the line has them. Actions:
//   smtp_auth              AUTH failure (MECH): REASON ..., user=U, relay=... (failure);
//                          "possible SMTP attack: command=AUTH, count=N" (failure);
//                          AUTH=server, relay=..., authid=U (success)
//   smtp_relay_denied      ruleset=check_rcpt ... reject=550 5.7.1 ... Relaying denied
//   smtp_unknown_recipient ruleset=check_rcpt ... reject=550 5.1.1 ... User unknown;
//                          <to>... No such user here (no address on that line)
//   smtp_dnsbl             reject=... listed at / RBL / blacklist / blocklist
//   smtp_rate_limit        ruleset=check_relay ... Connection rate limit exceeded
//   smtp_reject            any other ruleset=... reject=...; from=..., nrcpts=0, ... relay=...
//                          (every recipient refused)
//   smtp_vrfy_rejected     [IP]: EXPN|VRFY USER [rejected] (user.name = USER)
//   smtp_protocol_error    rejecting commands from ... due to pre-greeting traffic;
//                          possible SMTP attack with another command
//   smtp_no_mail           ... did not issue MAIL/EXPN/VRFY/ETRN during connection (unknown)
//   smtp_lost_connection   lost input channel from ... (unknown)
// Anything else returns false and sets nothing.
bool decode_sendmail(std::string_view message, Fields& fields);

}  // namespace soc
