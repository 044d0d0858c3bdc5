// The syslog server on loopback with real sockets: UDP, TCP and TLS (with a throwaway self-signed
// certificate), limits, counters and start-up errors. TLS framing end to end is covered by
// tests/integration/syslog_server.sh.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <poll.h>
#include <unistd.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
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

  // A connection to the 127.0.0.1 listener from another loopback address (all of 127/8 is local
  // on Linux): another source for the per-source limit.
  tcp::socket connect_from(const SyslogServer& s, const std::string& from) {
    tcp::socket sock(io_);
    sock.open(tcp::v4());
    sock.bind(tcp::endpoint(asio::ip::make_address(from), 0));
    sock.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), s.bound_port()));
    return sock;
  }

  // True when the server closed its end within 5 seconds: reading hits the end of the stream or
  // a reset. (Plain TCP: nothing else arrives on these connections.)
  static bool closed_by_server(tcp::socket& sock) {
    pollfd p{sock.native_handle(), POLLIN, 0};
    if (::poll(&p, 1, 5000) <= 0) return false;  // still open
    boost::system::error_code ec;
    char byte;
    asio::read(sock, asio::buffer(&byte, 1), ec);
    return static_cast<bool>(ec);
  }

  // Waits until no connection is open any more.
  static bool wait_all_closed(const SyslogServer& s) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (counter(s, "connections_open") > 0) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
  }

  // A self-signed P-256 certificate and its key for a TLS listener, in dir_.
  SyslogServerConfig tls_config() {
    auto c = config(SyslogProtocol::kTls);
    c.tls.cert = (dir_ / "server.pem").string();
    c.tls.key = (dir_ / "server.key").string();
    const std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"),
                                                                  EVP_PKEY_free);
    const std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
    EXPECT_TRUE(key && cert);
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    EXPECT_GT(X509_sign(cert.get(), key.get(), EVP_sha256()), 0);
    const std::unique_ptr<FILE, decltype(&std::fclose)> cf(std::fopen(c.tls.cert.c_str(), "w"),
                                                           std::fclose);
    // A private key: created 0600, as the listener refuses one that others can read.
    const std::unique_ptr<FILE, decltype(&std::fclose)> kf(
        ::fdopen(::open(c.tls.key.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600), "w"),
        std::fclose);
    EXPECT_TRUE(cf && kf);
    EXPECT_EQ(PEM_write_X509(cf.get(), cert.get()), 1);
    EXPECT_EQ(PEM_write_PrivateKey(kf.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr), 1);
    return c;
  }

  using TlsClient = asio::ssl::stream<tcp::socket>;

  // A TLS client that completed its handshake (or not: `ec` says).
  std::unique_ptr<TlsClient> tls_connect(const SyslogServer& s, const std::string& from,
                                         boost::system::error_code& ec) {
    auto c = std::make_unique<TlsClient>(connect_from(s, from), tls_client_);
    c->handshake(asio::ssl::stream_base::client, ec);
    return c;
  }

  std::filesystem::path dir_;
  std::unique_ptr<CheckpointStore> checkpoints_;
  asio::io_context io_;
  asio::ssl::context tls_client_{asio::ssl::context::tls_client};  // verifies nothing: tests only
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

// Idle connections from one address fill only that address's share: the next one from it is
// refused and counted, while another address still gets through.
TEST_F(SyslogServerTest, PerSourceLimitRefusesOnlyThatSource) {
  auto c = config(SyslogProtocol::kTcp);
  c.max_connections_per_source = 2;
  auto s = start(c);
  ASSERT_TRUE(s);
  auto a1 = connect(*s);
  auto a2 = connect(*s);
  ASSERT_TRUE(wait_counter(*s, "connections_accepted", 2));
  auto a3 = connect(*s);
  EXPECT_TRUE(wait_counter(*s, "connections_rejected_per_source", 1));
  EXPECT_TRUE(closed_by_server(a3));
  auto b = connect_from(*s, "127.0.0.2");
  ASSERT_TRUE(wait_counter(*s, "connections_accepted", 3));
  asio::write(b, asio::buffer(std::string("<13>from another host\n")));
  const auto got = collect(*s, 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].peer, "tcp:127.0.0.2:" + std::to_string(b.local_endpoint().port()));
  EXPECT_EQ(counter(*s, "connections_rejected"), 0u);  // the total cap was never reached
  // A slot of the first address, once freed, can be taken again.
  a1.close();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (counter(*s, "connections_open") > 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  auto a4 = connect(*s);
  EXPECT_TRUE(wait_counter(*s, "connections_accepted", 4));
  EXPECT_EQ(counter(*s, "connections_rejected_per_source"), 1u);
}

TEST_F(SyslogServerTest, IdleConnectionIsClosedAndCounted) {
  auto c = config(SyslogProtocol::kTcp);
  c.idle_timeout = std::chrono::seconds(1);
  auto s = start(c);
  ASSERT_TRUE(s);
  auto idle = connect(*s);
  EXPECT_TRUE(wait_counter(*s, "connections_idle_closed", 1));
  EXPECT_TRUE(closed_by_server(idle));
  EXPECT_TRUE(wait_all_closed(*s));
  // Whatever a connection sent before going quiet is kept.
  auto quiet = connect(*s);
  asio::write(quiet, asio::buffer(std::string("<13>said one thing\n<13>unterminated")));
  const auto got = collect(*s, 2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].text, "<13>unterminated");
  EXPECT_TRUE(wait_counter(*s, "connections_idle_closed", 2));
  EXPECT_TRUE(closed_by_server(quiet));
}

// Each byte received starts the idle deadline again: a sender that keeps talking stays.
TEST_F(SyslogServerTest, SendingKeepsTheConnectionOpen) {
  auto c = config(SyslogProtocol::kTcp);
  c.idle_timeout = std::chrono::seconds(2);
  auto s = start(c);
  ASSERT_TRUE(s);
  auto talker = connect(*s);
  // 3 s in all, never more than 250 ms apart: well inside the 2 s timeout even on a slow machine.
  for (int i = 0; i < 12; ++i) {
    asio::write(talker, asio::buffer("<13>tick " + std::to_string(i) + "\n"));
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  EXPECT_EQ(collect(*s, 12).size(), 12u);
  EXPECT_EQ(counter(*s, "connections_idle_closed"), 0u);
  EXPECT_EQ(counter(*s, "connections_open"), 1u);
}

// TLS clients that finish the handshake and then sit: closed after idle_timeout, and limited
// per source like plain TCP.
TEST_F(SyslogServerTest, TlsIdleClientsAreClosedAndLimitedPerSource) {
  auto c = tls_config();
  c.max_connections_per_source = 1;
  c.idle_timeout = std::chrono::seconds(1);
  auto s = start(c);
  ASSERT_TRUE(s);
  boost::system::error_code ec;
  auto first = tls_connect(*s, "127.0.0.1", ec);
  ASSERT_FALSE(ec) << ec.message();
  auto refused = tls_connect(*s, "127.0.0.1", ec);
  EXPECT_TRUE(ec);  // closed before the handshake
  EXPECT_TRUE(wait_counter(*s, "connections_rejected_per_source", 1));
  auto other = tls_connect(*s, "127.0.0.2", ec);
  ASSERT_FALSE(ec) << ec.message();
  asio::write(*other, asio::buffer(std::string("<13>over tls\n")));
  const auto got = collect(*s, 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].text, "<13>over tls");
  // Both handshaken clients fall silent: both are closed and counted.
  ASSERT_TRUE(wait_counter(*s, "connections_idle_closed", 2));
  EXPECT_TRUE(wait_all_closed(*s));
  char byte;
  asio::read(*first, asio::buffer(&byte, 1), ec);  // the server's close: end of stream
  EXPECT_TRUE(ec);
  EXPECT_EQ(counter(*s, "tls_handshake_failures"), 0u);
}

// A client that connects and never starts the handshake is closed after handshake_timeout.
TEST_F(SyslogServerTest, TlsHandshakeHasItsOwnDeadline) {
  auto c = tls_config();
  c.handshake_timeout = std::chrono::milliseconds(300);
  auto s = start(c);
  ASSERT_TRUE(s);
  auto silent = connect(*s);
  EXPECT_TRUE(wait_counter(*s, "tls_handshake_failures", 1));
  EXPECT_TRUE(closed_by_server(silent));
  EXPECT_TRUE(wait_all_closed(*s));
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

TEST_F(SyslogServerTest, TlsKeyOthersCanReadFailsAtStart) {
  auto c = tls_config();
  ASSERT_EQ(::chmod(c.tls.key.c_str(), 0644), 0);
  SyslogServer s(c, 1024);
  const auto st = s.start(*checkpoints_);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().find("private key " + c.tls.key + ": mode 0644 lets other users read"),
            std::string::npos)
      << st.error();
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
