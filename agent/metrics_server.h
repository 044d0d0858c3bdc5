// /metrics for Prometheus: a tiny non-blocking HTTP/1.1 responder served from the agent's loop.
// No thread and no HTTP library: the agent stays light, and a slow or hostile client can only
// hold one of a few connection slots for two seconds.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "agent/unique_fd.h"
#include "common/result.h"

namespace soc {

class MetricsServer {
 public:
  // listen: "ADDRESS:PORT" (IPv4, or "localhost"); port 0 picks a free one.
  static Result<std::unique_ptr<MetricsServer>> start(const std::string& listen);
  MetricsServer() = default;

  // Accepts, reads and answers whatever is ready, never blocking. `body` is called only when a
  // GET /metrics is complete.
  void serve(const std::function<std::string()>& body);
  uint16_t port() const { return port_; }
  uint64_t requests() const { return requests_; }

 private:
  struct Conn {
    UniqueFd fd;
    std::string in;
    std::string out;
    size_t sent = 0;
    std::chrono::steady_clock::time_point deadline;
  };
  void respond(Conn& c, const std::function<std::string()>& body);

  UniqueFd listen_;
  uint16_t port_ = 0;
  std::vector<Conn> conns_;
  uint64_t requests_ = 0;
};

// Splits "host:port"; the error names what is wrong.
Result<std::pair<std::string, uint16_t>> parse_listen_address(const std::string& listen);

}  // namespace soc
