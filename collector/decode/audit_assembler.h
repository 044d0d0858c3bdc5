// Linux audit writes one event as several records sharing a serial: for a command, SYSCALL (exe,
// comm, uid, key), EXECVE (the arguments), CWD, PATH (one per file), PROCTITLE, then EOE. A rule
// about "which program ran with which command line as which user" needs them as one event; this
// joins the decoded records of each serial before detection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "collector/decode/event.h"
#include "collector/decode/process_table.h"

namespace soc {

// Records are joined per stream (agent, log file, audit node) and serial. The joined event has:
//  - every field of its records, the first record to set a field winning, except that EXECVE's
//    "auditd.data.aN" (the arguments) win over SYSCALL's (the raw syscall arguments), and that
//    "file.path" comes from the first PATH item whose nametype is CREATE (what a rename or an
//    O_CREAT open made: `sed -i` renames a temp file over its target), else from the first that
//    is not PARENT, else from the first;
//  - "auditd.type" of its first record, and "auditd.records": the record types in order,
//    space-separated ("SYSCALL EXECVE CWD PATH PATH PROCTITLE EOE");
//  - the first record's envelope, its msg (and "event.original") being all records' lines joined
//    with '\n', so an alert's evidence shows the whole event.
// An event is complete at its EOE record. One without a SYSCALL record (user-space records such
// as USER_CMD, ADD_USER, SERVICE_START: the kernel writes EOE only after syscall events) is
// complete when a record of another serial arrives on its stream.
// A completed event with an EXECVE record is a process event: "event.category" process,
// "event.action" executed, "process.command_line" from EXECVE (PROCTITLE when EXECVE had no
// arguments). Every completed SYSCALL event also passes through a per-host ProcessTable (host:
// agent.id, host.name, auditd.node): its "process.parent.executable" and
// "process.parent.command_line" are what the table knows of "process.parent.pid", and the
// event then teaches the table what its pid runs (a successful execve: the new program and its
// command line; any other syscall: the executable and, when new, the PROCTITLE). The table outlives
// flush(): parents are usually started long before their children. At most `max_pending` events
// wait per stream (the oldest is released first), and flush() releases everything: the pipeline
// calls it at the end of each batch, so no record waits for a batch that may never come.
class AuditAssembler {
 public:
  explicit AuditAssembler(size_t max_pending = 16, ProcessTable::Limits processes = {})
      : max_pending_(max_pending), processes_(processes) {}

  // When `e` is an audit record, takes it (e is left empty) and returns true; completed events
  // are then in ready(). Returns false for any other event, leaving it alone except that an
  // event joined at the source (laurel: "auditd.id" and "auditd.records" without "auditd.type")
  // passes through the process table as a completed event would.
  bool take(Event& e);
  // Releases every pending event to ready().
  void flush();
  // Completed events, oldest first; the caller processes them, then calls recycle() (or clears
  // them).
  std::vector<Event>& ready() { return ready_; }
  // Clears ready() keeping the events' field buffers: take() hands them back in the `e` it
  // empties, so the caller's next decode into `e` does not allocate every field again.
  void recycle();

  size_t pending() const;
  // Events released before their EOE because `max_pending` was reached.
  uint64_t overflowed() const { return overflowed_; }
  // The pid -> program table that fills the parent fields (its size and eviction counters).
  const ProcessTable& processes() const { return processes_; }

 private:
  struct Pending {
    std::string serial;
    Event event;
    bool has_syscall = false;
    int path_rank = -1;  // of the PATH item file.path came from: 0 PARENT, 1 other, 2 CREATE
  };
  struct Stream {
    std::string key;
    std::deque<Pending> events;  // by arrival of their first record
  };

  void release(Stream& s, size_t index);
  // Process fields of a completed event, and the process table's lookup and update.
  void complete(Event& e);

  std::vector<Fields> spare_;  // field buffers of recycled events
  static void merge(Pending& into, Event& record, std::string_view type);

  size_t max_pending_;
  std::vector<Stream> streams_;  // few: one per audit log per agent in a batch
  std::vector<Event> ready_;
  uint64_t overflowed_ = 0;
  ProcessTable processes_;
};

}  // namespace soc
