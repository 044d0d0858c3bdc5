// Lines of network services that no program routes to their decoder: a service's own log file
// (vsftpd.log, squid's access.log, MySQL's error log, Asterisk's messages ...), a syslog tag that
// is not the program (BIND's category, "ovpn-NAME" instances), a kernel WireGuard line.
#pragma once

#include <optional>
#include <string_view>

#include "collector/decode/event.h"
#include "collector/decode/syslog.h"
#include "common/clock.h"

namespace soc {

// Tries the service decoders' file-line shapes (ftp, dns, proxy, database, vpn, voip,
// remote_access) on `text`, the MSG of a syslog line of `program` (empty for a line without a
// syslog header). Runs after the line-shape decoders found nothing. For a syslog line only a few
// programs are tried (BIND categories taken for the tag, "ovpn-NAME", the kernel's WireGuard
// lines, SoftEther's "vpnserver", Guacamole under Tomcat). A header-less line shaped
// "[ISO-TIME ]HOST PROGRAM[PID]: MSG" (journalctl's short output without its date, or an ISO
// timestamp the syslog parser does not read) is first given to PROGRAM's decoder, with
// host.name, process.name and process.pid set. True when something matched.
bool decode_service_line(std::string_view program, std::string_view text, const ReadTime& read,
                         Fields& f, std::optional<SysTime>& time);

// Completes the fields the JSON decoder set from a service's JSON log line (MongoDB 4.4+).
void refine_service_json(Fields& f);

}  // namespace soc
