#include "collector/decode/audit_assembler.h"

#include <algorithm>
#include <utility>

#include "collector/decode/text.h"

namespace soc {
namespace {

std::string stream_key(const Event& e) {
  std::string key;
  for (std::string_view f : {"agent.id", "log.file.path", "auditd.node"}) {
    key += e.fields.get(f).value_or("");
    key += '\x1f';
  }
  return key;
}

// How well a PATH item names the file an event is about: the created one (a rename's target), then
// any other, then a directory the name was looked up in.
int path_rank(const Event& record) {
  const auto type = record.fields.get("auditd.data.nametype");
  if (type == "CREATE") return 2;
  if (type == "PARENT") return 0;
  return 1;
}

// "auditd.data.aN": an EXECVE argument (or a SYSCALL's raw argument).
bool is_argument(std::string_view name) {
  return text::consume(name, "auditd.data.a") && text::all_digits(name);
}

// True when `records` ("SYSCALL EXECVE CWD ...") holds the record type `type`.
bool has_record(std::string_view records, std::string_view type) {
  for (size_t at = records.find(type); at != std::string_view::npos;
       at = records.find(type, at + 1)) {
    const size_t end = at + type.size();
    if ((at == 0 || records[at - 1] == ' ') && (end == records.size() || records[end] == ' ')) {
      return true;
    }
  }
  return false;
}

std::string host_key(const Fields& f) {
  std::string key;
  for (std::string_view name : {"agent.id", "host.name", "auditd.node"}) {
    key += f.get(name).value_or("");
    key += '\x1f';
  }
  return key;
}

}  // namespace

bool AuditAssembler::take(Event& e) {
  const auto type = e.fields.get("auditd.type");
  const auto serial = e.fields.get("auditd.id");
  if (!type || !serial) {
    // Already joined at the source (laurel's JSON events): only the process table's part.
    if (serial && e.fields.get("auditd.records")) complete(e);
    return false;
  }
  const std::string record_type(*type);

  std::string key = stream_key(e);
  auto s =
      std::find_if(streams_.begin(), streams_.end(), [&](const Stream& x) { return x.key == key; });
  if (s == streams_.end()) {
    streams_.push_back(Stream{std::move(key), {}});
    s = std::prev(streams_.end());
  }
  auto p = std::find_if(s->events.begin(), s->events.end(),
                        [&](const Pending& x) { return x.serial == *serial; });
  if (p == s->events.end()) {
    // A new serial: user-space events before it are complete (they have no EOE).
    for (size_t i = 0; i < s->events.size();) {
      if (!s->events[i].has_syscall) {
        release(*s, i);
      } else {
        ++i;
      }
    }
    if (s->events.size() >= max_pending_) {
      release(*s, 0);
      ++overflowed_;
    }
    Pending fresh;
    fresh.serial = std::string(*serial);
    fresh.has_syscall = record_type == "SYSCALL";
    if (record_type == "PATH" && e.fields.get("file.path")) fresh.path_rank = path_rank(e);
    fresh.event = std::move(e);
    if (!spare_.empty()) {
      e.fields = std::move(spare_.back());
      spare_.pop_back();
    }
    fresh.event.fields.set("auditd.records", record_type);
    s->events.push_back(std::move(fresh));
    p = std::prev(s->events.end());
  } else {
    merge(*p, e, record_type);
  }
  e.fields.clear();
  e.env = Envelope{};
  if (record_type == "EOE") release(*s, static_cast<size_t>(p - s->events.begin()));
  return true;
}

void AuditAssembler::merge(Pending& into, Event& record, std::string_view type) {
  Fields& f = into.event.fields;
  const bool execve = type == "EXECVE";
  const bool path = type == "PATH";
  const int rank = path ? path_rank(record) : -1;
  if (execve) {
    // SYSCALL's a0..a3 are raw syscall arguments; once EXECVE speaks, aN means argument N.
    for (std::string_view a :
         {"auditd.data.a0", "auditd.data.a1", "auditd.data.a2", "auditd.data.a3"}) {
      if (f.get(a) && !record.fields.get(a)) f.set(a, "");
    }
  }
  for (const auto& [name, value] : record.fields.all()) {
    if (name == "event.original" || name == "message" || name == "auditd.type") continue;
    if (name == "file.path" && path) {
      if (rank > into.path_rank) {
        f.set(name, value);
        into.path_rank = rank;
      }
      continue;
    }
    if ((execve && is_argument(name)) || !f.get(name)) f.set(name, value);
  }
  into.has_syscall = into.has_syscall || type == "SYSCALL";
  std::string records(f.get("auditd.records").value_or(""));
  records += ' ';
  records += type;
  f.set("auditd.records", records);
  Envelope& env = into.event.env;
  env.msg += '\n';
  env.msg += record.env.msg;
  f.set("event.original", env.msg);
  // The event happened when its first record says; a record without a time adds none.
  if (into.event.time == SysTime{}) into.event.time = record.time;
  into.event.time_untrusted = into.event.time_untrusted || record.time_untrusted;
}

void AuditAssembler::complete(Event& e) {
  Fields& f = e.fields;
  const std::string records(f.get("auditd.records").value_or(""));
  const bool executed = has_record(records, "EXECVE");
  if (executed) {
    if (!f.get("process.command_line")) {
      if (const auto title = f.get("process.title")) f.set("process.command_line", *title);
    }
    if (!f.get("event.category")) f.set("event.category", "process");
    if (!f.get("event.action")) f.set("event.action", "executed");
  }
  if (!has_record(records, "SYSCALL")) return;
  const std::string host = host_key(f);
  if (const auto ppid = f.get("process.parent.pid")) {
    if (const ProcessTable::Process* parent = processes_.find(host, *ppid)) {
      if (!parent->executable.empty() && !f.get("process.parent.executable")) {
        f.set("process.parent.executable", parent->executable);
      }
      if (!parent->command_line.empty() && !f.get("process.parent.command_line")) {
        f.set("process.parent.command_line", parent->command_line);
      }
    }
  }
  const auto pid = f.get("process.pid");
  const auto exe = f.get("process.executable");
  if (!pid || !exe) return;
  if (executed) {
    // A failed execve leaves the process running its old program.
    if (f.get("event.outcome") == "failure") return;
    processes_.remember(host, *pid, *exe, f.get("process.command_line").value_or(""));
    return;
  }
  // Another syscall: the program is known, the arguments only as far as PROCTITLE shows them,
  // which the command line of an execve already seen for this program beats.
  const ProcessTable::Process* known = processes_.find(host, *pid);
  if (known != nullptr && known->executable == *exe) return;
  processes_.remember(host, *pid, *exe, f.get("process.title").value_or(""));
}

void AuditAssembler::release(Stream& s, size_t index) {
  complete(s.events[index].event);
  ready_.push_back(std::move(s.events[index].event));
  s.events.erase(s.events.begin() + static_cast<std::ptrdiff_t>(index));
}

void AuditAssembler::recycle() {
  for (auto& e : ready_) {
    if (spare_.size() < max_pending_) spare_.push_back(std::move(e.fields));
  }
  ready_.clear();
}

void AuditAssembler::flush() {
  for (auto& s : streams_) {
    while (!s.events.empty()) release(s, 0);
  }
  streams_.clear();
}

size_t AuditAssembler::pending() const {
  size_t n = 0;
  for (const auto& s : streams_) n += s.events.size();
  return n;
}

}  // namespace soc
