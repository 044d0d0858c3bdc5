#include "agent/metrics_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace soc {
namespace {

constexpr size_t kMaxConns = 8;
constexpr size_t kMaxRequest = 8192;
constexpr auto kConnTimeout = std::chrono::seconds(2);

}  // namespace

Result<std::pair<std::string, uint16_t>> parse_listen_address(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return Error{fmt::format("'{}' is not ADDRESS:PORT", listen)};
  }
  std::string host = listen.substr(0, colon);
  if (host == "localhost") host = "127.0.0.1";
  in_addr a{};
  if (::inet_pton(AF_INET, host.c_str(), &a) != 1) {
    return Error{fmt::format("'{}' is not an IPv4 address", host)};
  }
  const std::string port = listen.substr(colon + 1);
  char* end = nullptr;
  const long p = std::strtol(port.c_str(), &end, 10);
  if (port.empty() || *end != '\0' || p < 0 || p > 65535) {
    return Error{fmt::format("'{}' is not a port number", port)};
  }
  return std::make_pair(host, static_cast<uint16_t>(p));
}

Result<std::unique_ptr<MetricsServer>> MetricsServer::start(const std::string& listen) {
  auto addr = parse_listen_address(listen);
  if (!addr) return Error{"metrics.listen: " + addr.error()};
  auto s = std::make_unique<MetricsServer>();
  s->listen_.reset(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!s->listen_.valid()) return Error{fmt::format("metrics: socket: {}", std::strerror(errno))};
  const int one = 1;
  ::setsockopt(s->listen_.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(addr->second);
  ::inet_pton(AF_INET, addr->first.c_str(), &sa.sin_addr);
  if (::bind(s->listen_.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 ||
      ::listen(s->listen_.get(), 16) != 0) {
    return Error{fmt::format("metrics: cannot listen on {}: {}", listen, std::strerror(errno))};
  }
  socklen_t len = sizeof sa;
  ::getsockname(s->listen_.get(), reinterpret_cast<sockaddr*>(&sa), &len);
  s->port_ = ntohs(sa.sin_port);
  return s;
}

void MetricsServer::respond(Conn& c, const std::function<std::string()>& body) {
  const size_t eol = c.in.find("\r\n");
  const std::string line = c.in.substr(0, eol);
  std::string status = "200 OK";
  std::string content;
  std::string type = "text/plain; version=0.0.4; charset=utf-8";
  if (line.rfind("GET ", 0) != 0 && line.rfind("HEAD ", 0) != 0) {
    status = "405 Method Not Allowed";
    content = "only GET\n";
    type = "text/plain";
  } else {
    const size_t sp1 = line.find(' ');
    const size_t sp2 = line.find(' ', sp1 + 1);
    const std::string target = line.substr(sp1 + 1, sp2 == std::string::npos ? sp2 : sp2 - sp1 - 1);
    if (target == "/metrics" || target.rfind("/metrics?", 0) == 0) {
      content = body();
      ++requests_;
    } else {
      status = "404 Not Found";
      content = "see /metrics\n";
      type = "text/plain";
    }
  }
  c.out = fmt::format(
      "HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", status,
      type, content.size());
  if (line.rfind("HEAD ", 0) != 0) c.out += content;
}

void MetricsServer::serve(const std::function<std::string()>& body) {
  const auto now = std::chrono::steady_clock::now();
  while (conns_.size() < kMaxConns) {
    const int fd = ::accept4(listen_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) break;
    Conn c;
    c.fd.reset(fd);
    c.deadline = now + kConnTimeout;
    conns_.push_back(std::move(c));
  }
  for (auto& c : conns_) {
    if (c.out.empty()) {
      char buf[2048];
      for (;;) {
        const ssize_t n = ::recv(c.fd.get(), buf, sizeof buf, 0);
        if (n > 0) {
          c.in.append(buf, static_cast<size_t>(n));
          if (c.in.size() > kMaxRequest) break;
          continue;
        }
        if (n == 0) c.deadline = now;  // closed before a full request
        break;
      }
      if (c.in.size() > kMaxRequest) {
        c.out = "HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n";
      } else if (c.in.find("\r\n\r\n") != std::string::npos) {
        respond(c, body);
      }
    }
    while (!c.out.empty() && c.sent < c.out.size()) {
      const ssize_t n =
          ::send(c.fd.get(), c.out.data() + c.sent, c.out.size() - c.sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      c.sent += static_cast<size_t>(n);
    }
  }
  std::erase_if(conns_, [&](const Conn& c) {
    return (!c.out.empty() && c.sent >= c.out.size()) || now >= c.deadline;
  });
}

}  // namespace soc
