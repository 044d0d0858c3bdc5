// Fields from LAUREL's JSON audit lines (https://github.com/threathunters-io/laurel, format in its
// json-format.md): laurel, an auditd plug-in, writes each audit event as one JSON object whose
// keys are the record types (SYSCALL, EXECVE, CWD, PATH, PROCTITLE, ...), already joined.
#pragma once

#include <optional>
#include <string_view>

#include "collector/decode/event.h"
#include "common/clock.h"

namespace soc {

// Decodes `{"ID":"EPOCH.MS:SERIAL", ...}` into the fields the auditd decoder and the
// AuditAssembler give a joined event, so one rule serves both: "auditd.id", "auditd.records"
// (the record keys in order, e.g. "SYSCALL EXECVE CWD PATH PROCTITLE"), `time`, and from
//   SYSCALL   exe comm pid ppid uid euid auid gid tty ses key success (as auditd.h), the enriched
//             UID / EUID / AUID names, SYSCALL (the syscall's name) as "auditd.data.SYSCALL";
//             PPID {exe, comm} (laurel >= 0.5) "process.parent.executable" / ".name"
//   EXECVE    ARGV  "process.command_line" (joined with spaces), "process.args" (JSON array),
//             "auditd.data.aN" (first 16), argc "process.args_count"
//   PROCTITLE ARGV  "process.title", and the command line when EXECVE has none
//   CWD       cwd   "process.working_directory"
//   PATH      [name] "file.path" (the CREATE item, else the first that is not PARENT)
//   PARENT_INFO {exe, comm, ARGV} (laurel < 0.5) the parent's executable, name and command line.
// An event with EXECVE is a process event (event.category process, event.action executed).
// Strings are percent-decoded (laurel's encoding of bytes it cannot print). Returns false and
// sets nothing unless the text is a JSON object starting with an "ID" laurel writes.
bool decode_laurel(std::string_view text, Fields& fields, std::optional<SysTime>& time);

}  // namespace soc
