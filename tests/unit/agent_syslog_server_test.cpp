// The syslog server on loopback with real sockets: UDP and TCP, limits, counters and start-up
// errors. TLS end to end is covered by tests/integration/syslog_server.sh (it needs certificates).
#include <gtest/gtest.h>
#include <unistd.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "agent/checkpoint.h"
#include "agent/inputs/syslog_server.h"

namespace soc {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using udp = asio::ip::udp;

// How long a test waits for what the server's thread does: generous, since CI is a loaded 2-core
// machine; waits end as soon as the awaited state holds.
constexpr auto kPatience = std::chrono::seconds(60);

struct Got {
  std::string text;
  bool truncated;
  std::string src;
  std::string peer;
};

class SyslogServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("soc-syslog-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto cps = CheckpointStore::open(dir_.string());
    ASSERT_TRUE(cps) << cps.error();
    checkpoints_ = std::make_unique<CheckpointStore>(std::move(*cps));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static SyslogServerConfig config(SyslogProtocol p, const std::string& address = "127.0.0.1") {
    SyslogServerConfig c;
    c.protocol = p;
    c.address = address;
    c.port = 0;
    return c;
  }

  std::unique_ptr<SyslogServer> start(const SyslogServerConfig& c, size_t max = 1024) {
    auto s = std::make_unique<SyslogServer>(c, max);
    const auto st = s->start(*checkpoints_);
    EXPECT_TRUE(st) << st.error();
    return st ? std::move(s) : nullptr;
  }

  // Polls until `n` messages arrived or kPatience passed.
  static std::vector<Got> collect(SyslogServer& s, size_t n, size_t per_poll = 1000) {
    std::vector<Got> out;
    const auto deadline = std::chrono::steady_clock::now() + kPatience;
    while (out.size() < n && std::chrono::steady_clock::now() < deadline) {
      const size_t got = s.poll(per_poll, [&](const InputLine& l) {
        out.push_back(
            Got{std::string(l.text), l.truncated, std::string(l.src), std::string(l.peer)});
      });
      if (got == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return out;
  }

  static uint64_t counter(const SyslogServer& s, const std::string& name) {
    const auto c = s.stats().counters;
    const auto it = c.find(name);
    EXPECT_NE(it, c.end()) << name;
    return it == c.end() ? 0 : it->second;
  }

  // Waits until counter `name` reaches `value`.
  static bool wait_counter(const SyslogServer& s, const std::string& name, uint64_t value) {
    const auto deadline = std::chrono::steady_clock::now() + kPatience;
    while (counter(s, name) < value) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
  }

  tcp::socket connect(const SyslogServer& s, const std::string& address = "127.0.0.1") {
    tcp::socket sock(io_);
    sock.connect(tcp::endpoint(asio::ip::make_address(address), s.bound_port()));
    return sock;
  }

  std::filesystem::path dir_;
  std::unique_ptr<CheckpointStore> checkpoints_;
  asio::io_context io_;
};

TEST_F(SyslogServerTest, UdpDatagramsAreMessagesWithTheirSender) {
  auto s = start(config(SyslogProtocol::kUdp));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->source(), "syslog:udp:127.0.0.1:" + std::to_string(s->bound_port()));
  udp::socket sock(io_, udp::endpoint(udp::v4(), 0));
  const udp::endpoint to(asio::ip::make_address("127.0.0.1"), s->bound_port());
  const std::string bsd = "<38>Nov 23 10:00:00 web01 sshd[42]: Failed password for root";
  const std::string ietf = "<165>1 2026-11-23T10:05:00.000+07:00 host app 1 ID47 - hello";
  sock.send_to(asio::buffer(bsd + "\n"), to);
  sock.send_to(asio::buffer(ietf + "\r\n"), to);
  sock.send_to(asio::buffer(std::string("")), to);  // empty: no message
  const auto got = collect(*s, 2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].text, bsd);
  EXPECT_EQ(got[1].text, ietf);
  EXPECT_FALSE(got[0].truncated);
  EXPECT_EQ(got[0].src, s->source());
  EXPECT_EQ(got[0].peer, "udp:127.0.0.1:" + std::to_string(sock.local_endpoint().port()));
  EXPECT_EQ(counter(*s, "messages"), 2u);
  EXPECT_EQ(counter(*s, "bytes"), bsd.size() + ietf.size());
  // Network input has no position: acknowledging and saving change nothing on disk.
  s->acknowledge_oldest();
  s->acknowledge_oldest();
  s->acknowledge_oldest();  // more than emitted: harmless
  s->save(*checkpoints_);
  EXPECT_FALSE(checkpoints_->get(s->source()));
}

TEST_F(SyslogServerTest, UdpLongDatagramIsCutAndFlagged) {
  auto c = config(SyslogProtocol::kUdp);
  c.max_message_bytes = 300;
  auto s = start(c);
  ASSERT_TRUE(s);
  udp::socket sock(io_, udp::endpoint(udp::v4(), 0));
  sock.send_to(asio::buffer("<13>" + std::string(5000, 'x')),
               udp::endpoint(asio::ip::make_address("127.0.0.1"), s->bound_port()));
  const auto got = collect(*s, 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].text, "<13>" + std::string(296, 'x'));
  EXPECT_TRUE(got[0].truncated);
  EXPECT_EQ(counter(*s, "truncated"), 1u);
}

TEST_F(SyslogServerTest, UdpFullQueueDropsAndCounts) {
  auto c = config(SyslogProtocol::kUdp);
  c.queue_bytes = 4096;
  auto s = start(c);
  ASSERT_TRUE(s);
  udp::socket sock(io_, udp::endpoint(udp::v4(), 0));
  const udp::endpoint to(asio::ip::make_address("127.0.0.1"), s->bound_port());
  constexpr int kSent = 100;
  for (int i = 0; i < kSent; ++i) sock.send_to(asio::buffer("<13>" + std::string(200, 'q')), to);
  // Nobody polls: the queue fills, the rest is dropped and counted, memory stays bounded.
  const auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (counter(*s, "messages") + counter(*s, "dropped_queue_full") < kSent &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const uint64_t kept = counter(*s, "messages");
  EXPECT_GT(counter(*s, "dropped_queue_full"), 0u);
  EXPECT_EQ(kept + counter(*s, "dropped_queue_full"), static_cast<uint64_t>(kSent));
  EXPECT_LE(s->stats().lag_bytes, 4096u);
  EXPECT_EQ(collect(*s, kept).size(), kept);
  // Room again: datagrams are accepted again.
  sock.send_to(asio::buffer(std::string("<13>again")), to);
  const auto got = collect(*s, 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].text, "<13>again");
}

TEST_F(SyslogServerTest, TcpBothFramingsOnOneConnection) {
  auto s = start(config(SyslogProtocol::kTcp));
  ASSERT_TRUE(s);
  auto sock = connect(*s);
  const std::string counted = "<165>1 2026-11-23T10:05:00Z host app - - - counted";
  asio::write(sock, asio::buffer("<13>Nov 23 10:00:00 web01 app: newline\n" +
                                 std::to_string(counted.size()) + " " + counted +
                                 "<13>Nov 23 10:00:00 web01 app: unterminated"));
  const auto got = collect(*s, 2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].text, "<13>Nov 23 10:00:00 web01 app: newline");
  EXPECT_EQ(got[1].text, counted);
  const std::string peer = "tcp:127.0.0.1:" + std::to_string(sock.local_endpoint().port());
  EXPECT_EQ(got[0].peer, peer);
  EXPECT_EQ(got[0].src, "syslog:tcp:127.0.0.1:" + std::to_string(s->bound_port()));
  sock.close();  // the unterminated last message is flushed at the end of the stream
  const auto last = collect(*s, 1);
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0].text, "<13>Nov 23 10:00:00 web01 app: unterminated");
  EXPECT_EQ(counter(*s, "connections_accepted"), 1u);
  EXPECT_TRUE(wait_counter(*s, "messages", 3));
}

TEST_F(SyslogServerTest, TcpBackpressureLosesNothing) {
  auto c = config(SyslogProtocol::kTcp);
  c.queue_bytes = 8192;
  auto s = start(c);
  ASSERT_TRUE(s);
  constexpr int kMessages = 5000;
  std::string data;
  for (int i = 0; i < kMessages; ++i) {
    data += "<13>Nov 23 10:00:00 web01 app: message " + std::to_string(i) + " " +
            std::string(60, 'p') + "\n";
  }
  auto sock = connect(*s);
  std::thread writer([&] { asio::write(sock, asio::buffer(data)); });
  // Nobody polls: first the queue fills (however slowly a loaded machine gets there) ...
  const auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (s->stats().lag_bytes < c.queue_bytes && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_GE(s->stats().lag_bytes, c.queue_bytes);
  // ... then the connection stops reading instead of the queue growing: given time, at most one
  // read's worth of messages lands after the queue filled.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_LE(s->stats().lag_bytes, 8192u + 16384u + 200u * 130u);
  EXPECT_LT(counter(*s, "messages"), static_cast<uint64_t>(kMessages));
  const auto got = collect(*s, kMessages, 50);
  writer.join();
  ASSERT_EQ(got.size(), static_cast<size_t>(kMessages));
  for (int i = 0; i < kMessages; i += 499) {
    EXPECT_NE(got[i].text.find("message " + std::to_string(i) + " "), std::string::npos);
  }
  EXPECT_EQ(counter(*s, "dropped_queue_full"), 0u);
}

TEST_F(SyslogServerTest, AbsurdOctetCountClosesTheConnection) {
  auto c = config(SyslogProtocol::kTcp);
  c.framing = SyslogFraming::kOctetCounting;
  auto s = start(c);
  ASSERT_TRUE(s);
  auto sock = connect(*s);
  asio::write(sock, asio::buffer(std::string("5 <13>a99999999 <13>huge")));
  const auto got = collect(*s, 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].text, "<13>a");
  EXPECT_TRUE(wait_counter(*s, "dropped_oversize_frame", 1));
  // The server closed its end: reading hits the end of the stream (or a reset).
  boost::system::error_code ec;
  char byte;
  asio::read(sock, asio::buffer(&byte, 1), ec);
  EXPECT_TRUE(ec);
  // A frame without a length in forced octet counting: also closed, counted as a parse error.
  auto sock2 = connect(*s);
  asio::write(sock2, asio::buffer(std::string("<13>no length\n")));
  EXPECT_TRUE(wait_counter(*s, "parse_errors", 1));
}

TEST_F(SyslogServerTest, ConnectionsBeyondTheMaximumAreRefused) {
  auto c = config(SyslogProtocol::kTcp);
  c.max_connections = 1;
  auto s = start(c);
  ASSERT_TRUE(s);
  auto first = connect(*s);
  ASSERT_TRUE(wait_counter(*s, "connections_accepted", 1));
  auto second = connect(*s);
  EXPECT_TRUE(wait_counter(*s, "connections_rejected", 1));
  boost::system::error_code ec;
  char byte;
  asio::read(second, asio::buffer(&byte, 1), ec);
  EXPECT_TRUE(ec);  // closed by the server
  // The first still works; once it is gone a new one is accepted.
  asio::write(first, asio::buffer(std::string("<13>still here\n")));
  EXPECT_EQ(collect(*s, 1).size(), 1u);
  first.close();
  const auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (counter(*s, "connections_open") > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  auto third = connect(*s);
  EXPECT_TRUE(wait_counter(*s, "connections_accepted", 2));
}

TEST_F(SyslogServerTest, Ipv6ListenerNamesSendersInBrackets) {
  auto c = config(SyslogProtocol::kTcp, "::1");
  auto s = std::make_unique<SyslogServer>(c, 1024);
  if (!s->start(*checkpoints_)) GTEST_SKIP() << "no IPv6 loopback here";
  EXPECT_EQ(s->source(), "syslog:tcp:[::1]:" + std::to_string(s->bound_port()));
  auto sock = connect(*s, "::1");
  asio::write(sock, asio::buffer(std::string("<13>v6\n")));
  const auto got = collect(*s, 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].peer, "tcp:[::1]:" + std::to_string(sock.local_endpoint().port()));
}

TEST_F(SyslogServerTest, PortInUseFailsAtStartNamingTheListener) {
  for (const auto proto : {SyslogProtocol::kUdp, SyslogProtocol::kTcp}) {
    auto first = start(config(proto));
    ASSERT_TRUE(first);
    auto c = config(proto);
    c.port = first->bound_port();
    SyslogServer second(c, 1024);
    const auto st = second.start(*checkpoints_);
    ASSERT_FALSE(st);
    EXPECT_NE(st.error().find(std::string("syslog ") + protocol_name(proto) +
                              " listener 127.0.0.1:" + std::to_string(c.port)),
              std::string::npos)
        << st.error();
    EXPECT_NE(st.error().find("in use"), std::string::npos) << st.error();
  }
}

TEST_F(SyslogServerTest, MissingCertificateFailsAtStart) {
  auto c = config(SyslogProtocol::kTls);
  c.port = 6514;
  c.tls.cert = (dir_ / "missing.pem").string();
  c.tls.key = (dir_ / "missing.key").string();
  SyslogServer s(c, 1024);
  const auto st = s.start(*checkpoints_);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().find("syslog tls listener 127.0.0.1:6514"), std::string::npos) << st.error();
  EXPECT_NE(st.error().find(c.tls.cert), std::string::npos) << st.error();
  EXPECT_NE(st.error().find("No such file"), std::string::npos) << st.error();
}

}  // namespace
}  // namespace soc
