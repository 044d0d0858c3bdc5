// Fields from host port-scan detectors: scanlogd and PortSentry (syslog lines and PortSentry's
// history file).
#pragma once

#include <optional>
#include <string_view>

#include "collector/decode/event.h"
#include "collector/decode/syslog.h"

namespace soc {

// scanlogd: `SRC[:PORT] to DST[:PORT] ports P1, P2, ..., FLAGS, TOS xx[, TTL n] @HH:MM:SS`:
// "source.ip", "destination.ip", "event.action" port_scan, "service.name" scanlogd.
bool decode_scanlogd(std::string_view message, Fields& fields);

// PortSentry's syslog lines:
//   attackalert: SYN/Normal scan from host: NAME/IP to TCP port: N     port_scan
//   attackalert: Connect from host: NAME/IP to TCP port: N             port_scan
//   attackalert: Host IP has been blocked via ...                      ip_blocked
// with "source.ip", "destination.port", "network.transport", "service.name" portsentry.
bool decode_portsentry(std::string_view message, Fields& fields);

// PortSentry's history file (portsentry.history, portsentry.blocked.tcp):
// `EPOCH - MM/DD/YYYY HH:MM:SS Host: NAME/IP Port: N TCP|UDP Blocked`, "ip_blocked"; the epoch
// is the time.
bool decode_portsentry_history(std::string_view line, Fields& fields, std::optional<SysTime>& time);

}  // namespace soc
