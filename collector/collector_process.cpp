#include "collector/collector_process.h"

#include <malloc.h>
#include <sys/stat.h>

#include <csignal>

namespace soc {
namespace {

std::atomic<bool> g_stop{false};
std::atomic<bool> g_reload{false};

void on_stop_signal(int) {
  g_stop.store(true);
}
void on_sighup(int) {
  g_reload.store(true);
}

}  // namespace

void set_collector_process_defaults() {
  // RocksDB creates the alert store's files through the umask (it has no mode option), and alerts
  // carry personal data: owner-only. The bootstrap file is made 0644 on purpose
  // (embedded_broker.cpp).
  ::umask(077);
  // A fixed threshold (instead of glibc's, which rises to the largest block freed so far) keeps
  // large blocks - a big message and its copies - in their own mappings, returned when freed.
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);
}

void ProcessSignals::install() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  struct sigaction hup {};
  hup.sa_handler = on_sighup;
  hup.sa_flags = SA_RESTART;
  sigaction(SIGHUP, &hup, nullptr);
}

std::atomic<bool>& ProcessSignals::stop() {
  return g_stop;
}

std::atomic<bool>& ProcessSignals::reload() {
  return g_reload;
}

}  // namespace soc
