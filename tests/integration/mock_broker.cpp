// soc-test-broker: librdkafka's mock cluster as a stand-alone process, for agent tests and the
// agent benchmark. Unlike the collector's embedded broker it consumes nothing (so a benchmark
// measures only the shipper) and it can take every broker down and up again on a signal:
// SIGUSR1 = all brokers down, SIGUSR2 = all up, SIGTERM/SIGINT = exit.
#include <librdkafka/rdkafka.h>
// rdkafka_mock.h needs rdkafka.h first.
#include <librdkafka/rdkafka_mock.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "common/atomic_file.h"

namespace {

std::atomic<int> g_request{0};  // 1 down, 2 up
std::atomic<bool> g_stop{false};

void usage() {
  std::fprintf(
      stderr,
      "usage: soc-test-broker --bootstrap-file FILE [--brokers N] [--topic NAME:PARTS]...\n");
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  std::string bootstrap_file;
  int brokers = 1;
  std::vector<std::pair<std::string, int>> topics;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) usage();
    if (a == "--bootstrap-file") {
      bootstrap_file = argv[++i];
    } else if (a == "--brokers") {
      brokers = std::atoi(argv[++i]);
    } else if (a == "--topic") {
      const std::string t = argv[++i];
      const size_t colon = t.rfind(':');
      if (colon == std::string::npos) usage();
      topics.emplace_back(t.substr(0, colon), std::atoi(t.c_str() + colon + 1));
    } else {
      usage();
    }
  }
  if (bootstrap_file.empty() || brokers < 1) usage();
  if (topics.empty()) topics = {{"soc.events", 12}, {"soc.agents", 1}};

  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "client.id", "soc-test-broker", err, sizeof err);
  rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (rk == nullptr) {
    std::fprintf(stderr, "soc-test-broker: %s\n", err);
    return 1;
  }
  rd_kafka_mock_cluster_t* mc = rd_kafka_mock_cluster_new(rk, brokers);
  if (mc == nullptr) {
    std::fprintf(stderr, "soc-test-broker: cannot start the mock cluster\n");
    return 1;
  }
  for (const auto& [name, parts] : topics) {
    if (const auto e =
            rd_kafka_mock_topic_create(mc, name.c_str(), parts, brokers < 3 ? brokers : 3)) {
      std::fprintf(stderr, "soc-test-broker: topic %s: %s\n", name.c_str(), rd_kafka_err2str(e));
      return 1;
    }
  }
  // Handlers before the bootstrap file: tests signal as soon as it exists, and SIGUSR1's default
  // action would kill us.
  std::signal(SIGUSR1, [](int) { g_request.store(1); });
  std::signal(SIGUSR2, [](int) { g_request.store(2); });
  std::signal(SIGTERM, [](int) { g_stop.store(true); });
  std::signal(SIGINT, [](int) { g_stop.store(true); });
  const std::string addr = rd_kafka_mock_cluster_bootstraps(mc);
  if (auto st = soc::write_file_atomic(bootstrap_file, addr + "\n"); !st) {
    std::fprintf(stderr, "soc-test-broker: %s\n", st.error().c_str());
    return 1;
  }
  std::fprintf(stderr, "soc-test-broker: %d broker(s) on %s\n", brokers, addr.c_str());
  while (!g_stop.load()) {
    const int r = g_request.exchange(0);
    for (int b = 1; r != 0 && b <= brokers; ++b) {
      if (r == 1) {
        rd_kafka_mock_broker_set_down(mc, b);
      } else {
        rd_kafka_mock_broker_set_up(mc, b);
      }
    }
    if (r != 0) std::fprintf(stderr, "soc-test-broker: all brokers %s\n", r == 1 ? "down" : "up");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  rd_kafka_mock_cluster_destroy(mc);
  rd_kafka_destroy(rk);
  ::unlink(bootstrap_file.c_str());
  return 0;
}
