// Fields from xinetd, the super-server that starts telnet, rsync, tftp, amanda ... on demand.
#pragma once

#include <string_view>

#include "collector/decode/event.h"

namespace soc {

// Decodes one xinetd MSG:
//   FAIL: SERVICE REASON from=IP            "xinetd_refused", failure; REASON ("address",
//                                           "libwrap", "time", "service_limit"...) in event.reason
//   START: SERVICE pid=N from=IP            "xinetd_start", success
// with "service.name" the service and "source.ip". False and nothing set for anything else.
bool decode_xinetd(std::string_view message, Fields& fields);

}  // namespace soc
