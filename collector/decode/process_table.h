// The programs a host's processes run, as audit events reveal them: a child's execve names only
// its parent's pid, and Sigma's ParentImage / ParentCommandLine need what that pid runs. This
// remembers, per host, pid -> executable and command line from the audit events seen so far.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

namespace soc {

struct ProcessTableLimits {
  size_t per_host = 4096;  // processes remembered per host
  size_t hosts = 64;       // hosts remembered
};

// Bounded and deterministic: at most `hosts` hosts of at most `per_host` processes each, the
// least recently used process (and host) evicted first. Stored texts are cut to kMaxText bytes,
// so memory stays under hosts * per_host * (2 * kMaxText + overhead) however long the commands.
class ProcessTable {
 public:
  using Limits = ProcessTableLimits;
  struct Process {
    std::string executable;
    std::string command_line;
  };
  static constexpr size_t kMaxText = 1024;

  explicit ProcessTable(Limits limits = {});

  // `pid` of `host` now runs `executable` with `command_line` (either may be empty: unknown).
  // An empty command line keeps the one known for the same executable (a syscall event after the
  // execve names the program, not its arguments). Ignores a pid that is not a number.
  void remember(std::string_view host, std::string_view pid, std::string_view executable,
                std::string_view command_line);
  // What `pid` of `host` runs, or null; a hit makes the process (and host) most recently used.
  // The pointer is valid until the next remember().
  const Process* find(std::string_view host, std::string_view pid);

  size_t size() const;  // processes remembered, all hosts
  size_t hosts() const { return hosts_.size(); }
  uint64_t evicted() const { return evicted_; }              // processes pushed out by per_host
  uint64_t hosts_evicted() const { return hosts_evicted_; }  // hosts pushed out by `hosts`
  const Limits& limits() const { return limits_; }

 private:
  struct Host {
    std::string name;
    std::list<std::pair<uint64_t, Process>> lru;  // most recently used first
    std::unordered_map<uint64_t, std::list<std::pair<uint64_t, Process>>::iterator> by_pid;
  };
  Host* host(std::string_view name, bool create);

  Limits limits_;
  std::list<Host> hosts_;  // most recently used first
  std::unordered_map<std::string, std::list<Host>::iterator> by_name_;
  uint64_t evicted_ = 0;
  uint64_t hosts_evicted_ = 0;
};

}  // namespace soc
