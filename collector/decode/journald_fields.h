// Events from the agent's journald input: the journal's trusted fields, carried in the envelope's
// `fields`, take the place of the syslog header that such a message does not have.
//
//   journald field          event field
//   _HOSTNAME               host.name (else the envelope's host)
//   SYSLOG_IDENTIFIER       process.name (else _COMM); picks the program decoder (sshd, sudo ...)
//   _PID                    process.pid
//   _UID                    process.user.id   (not user.id: see below)
//   _EXE                    process.executable
//   _SYSTEMD_UNIT           systemd.unit      (as Filebeat's journald input; ECS has no field)
//   PRIORITY                log.syslog.severity.code (0..7), log.syslog.severity.name and
//                           log.level (emerg, alert, crit, err, warning, notice, info, debug)
//   __REALTIME_TIMESTAMP    Event::time (@timestamp), microseconds since the epoch
//   MESSAGE (envelope msg)  message, as it is: there is no header to strip
//
// _UID is the uid of the process that logged: sshd's is 0 for every login attempt. ECS's user.id
// is the user the event is about, which the program decoders set (pam: the user who logged in),
// so _UID goes to process.user.id, ECS's field for exactly that, and never collides with them.
#pragma once

#include <string_view>

#include "collector/decode/event.h"
#include "collector/decode/syslog.h"
#include "common/envelope.h"

namespace soc {

// True when the envelope carries journald fields, i.e. came from the agent's journald input.
bool is_journald(const Envelope& env);

// For a journald envelope: sets the fields of the table above that a syslog header has no
// equivalent for (process.user.id, process.executable, systemd.unit, log.level, log.syslog.severity
// .*), and returns the rest as the SyslogLine a header would have given (host, program, pid, time,
// message = `message`), for set_syslog_fields() and the program decoders. A malformed value
// (a _PID that is not a number, a PRIORITY outside 0..7, an impossible time) is left out. The
// views point into `env` and `message`.
SyslogLine journald_line(const Envelope& env, std::string_view message, Fields& fields);

}  // namespace soc
