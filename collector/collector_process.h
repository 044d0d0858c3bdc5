// What the collector process sets up with the operating system before anything else: the umask
// and malloc settings, and the signals that stop it (SIGTERM, SIGINT) or reload it (SIGHUP).
#pragma once

#include <atomic>

namespace soc {

// Owner-only files (RocksDB creates the alert store's through the umask, and alerts carry
// personal data) and a fixed mmap threshold for large blocks.
void set_collector_process_defaults();

// The flags the signal handlers set; install() once, before the rules compile: a reload asked for
// during start-up must not kill the process (SIGHUP's default action), it is served after the
// first batch.
class ProcessSignals {
 public:
  static void install();
  static std::atomic<bool>& stop();
  static std::atomic<bool>& reload();
};

}  // namespace soc
