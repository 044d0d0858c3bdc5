#include "agent/metrics_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <thread>

namespace soc {
namespace {

// Sends `request`, serving the server from this thread until the answer is complete.
std::string ask(MetricsServer& m, const std::string& request) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(m.port());
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
  ::send(fd.get(), request.data(), request.size(), 0);
  std::string out;
  // Until the server closes: a generous deadline, CI being a loaded 2-core machine.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    m.serve([] { return std::string("soc_agent_up 1\n"); });
    char buf[4096];
    const ssize_t n = ::recv(fd.get(), buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) out.append(buf, static_cast<size_t>(n));
    if (n == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return out;
}

TEST(MetricsServerTest, AnswersMetricsAndRefusesTheRest) {
  auto m = MetricsServer::start("127.0.0.1:0");
  ASSERT_TRUE(m) << m.error();
  const std::string ok = ask(**m, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(ok.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << ok;
  EXPECT_NE(ok.find("Content-Type: text/plain; version=0.0.4"), std::string::npos);
  EXPECT_NE(ok.find("Content-Length: 15\r\n"), std::string::npos);
  EXPECT_EQ(ok.substr(ok.size() - 15), "soc_agent_up 1\n");
  EXPECT_EQ(ask(**m, "GET / HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 404", 0), 0u);
  EXPECT_EQ(ask(**m, "POST /metrics HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 405", 0), 0u);
  EXPECT_EQ(
      ask(**m, "GET /metrics HTTP/1.1\r\n" + std::string(10000, 'x')).rfind("HTTP/1.1 431", 0), 0u);
  EXPECT_EQ((*m)->requests(), 1u);
}

TEST(MetricsServerTest, ListenAddressesAreChecked) {
  EXPECT_TRUE(parse_listen_address("127.0.0.1:9108"));
  EXPECT_TRUE(parse_listen_address("localhost:9108"));
  EXPECT_FALSE(parse_listen_address("9108"));
  EXPECT_FALSE(parse_listen_address("127.0.0.1:99999"));
  EXPECT_FALSE(parse_listen_address("example.org:9108"));
}

}  // namespace
}  // namespace soc
