// Fields from Linux audit records, raw from /var/log/audit/audit.log or forwarded through syslog
// (audisp-syslog / audispd, or the kernel's `audit: type=1400 audit(...)` lines).
#pragma once

#include <optional>
#include <string_view>

#include "collector/decode/event.h"
#include "common/clock.h"

namespace soc {

// Decodes one record: `[audit: ][node=N ]type=T msg=audit(EPOCH.MS:SERIAL): KEY=VALUE ...`
// (also `audit(...)` without "msg="). Values may be "quoted", 'quoted' (the USER_* records' inner
// msg='...', whose keys are decoded like the outer ones) or bare; bare values of the string keys
// below are hex-decoded when they are hex (auditd's encoding of text with spaces, quotes or
// non-ASCII; NUL bytes become spaces). The enriched format's tail after \x1d adds names.
// Sets "auditd.type" (numeric types of kernel lines are named: 1300 -> SYSCALL, 1400 -> AVC ...),
// "auditd.id" (the serial), "auditd.node", `time` (the record's epoch time, UTC) and:
//   key       "auditd.key" (several keys, \x01-separated, are joined with ','; "(null)" skipped)
//   exe       "process.executable"          comm   "process.name"
//   pid       "process.pid"                 ppid   "process.parent.pid"
//   uid       "user.id"                     auid   "user.audit.id" (unset 4294967295 skipped)
//   euid      "user.effective.id"           gid    "group.id"
//   ses       "auditd.session"              tty / terminal  "process.tty.name"
//   success / res   "event.outcome" (yes|success|1 -> success, no|failed|0 -> failure)
//   op        "event.action"                acct   "user.name"
//   addr      "source.ip" (an address)      hostname  "source.domain" (else "source.ip")
//   cmd       "process.command_line" (USER_CMD)   cwd   "process.working_directory"
//   name      "file.path" (PATH, AVC)       proctitle "process.title"
//   unit      "service.name"                argc   "process.args_count" (EXECVE)
//   EXECVE a0..aN (and the aN[i] pieces of long arguments) joined with spaces into
//   "process.command_line", as a JSON array of strings into "process.args"; the first 16 also
//   as "auditd.data.aN".
//   enriched AUID / UID / EUID / GID   "user.audit.name" / "user.name" (unless acct set it) /
//                                      "user.effective.name" / "group.name"; enriched SYSCALL
//                                      (the syscall's name) "auditd.data.SYSCALL"
//   any other key "auditd.data.KEY" (raw value, quotes removed; at most 32 of them).
// Record types (numbers named after libaudit's table) also get "event.category" and, when no op=
// set it, "event.action": USER_AUTH / USER_LOGIN / USER_ERR / ANOM_LOGIN_* authentication;
// ADD_USER, DEL_USER, ADD_GROUP, USER_MGMT, GRP_MGMT, USER_CHAUTHTOK, ACCT_LOCK, ROLE_ASSIGN,
// USER_ROLE_CHANGE ... iam (user_created, role_changed, ...); ANOM_PROMISCUOUS network
// (promiscuous_mode); ANOM_ABEND process (process_crashed); other ANOM_* intrusion_detection;
// DAEMON_* host (daemon_end, ...); MAC_*, AVC, SELINUX_ERR configuration (access_denied, ...).
// Returns false and sets nothing when the text is not an audit record.
bool decode_auditd(std::string_view message, Fields& fields, std::optional<SysTime>& time);

}  // namespace soc
