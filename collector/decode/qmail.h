// Fields from qmail's rblsmtpd and qmail-smtpd blocklist refusals.
#pragma once

#include <string_view>

#include "collector/decode/event.h"

namespace soc {

// Decodes "[TAI-SECONDS ]rblsmtpd: IP pid N LIST: REPLY", "rblsmtpd: LIST blocked IP NAME -" and
// "[TAI-SECONDS ]qmail-smtpd: CODE badiprbl: ip IP rbl: LIST" (the tag "qmail" carries the
// program in the text). Sets service.name = "qmail", event.category = "email", event.action =
// "smtp_dnsbl", event.outcome = "failure", source.ip and event.reason. Else false, nothing set.
bool decode_qmail(std::string_view program, std::string_view message, Fields& fields);

}  // namespace soc
