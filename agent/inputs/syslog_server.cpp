#include "agent/inputs/syslog_server.h"

#include <fmt/format.h>
#include <openssl/ssl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>

#include "agent/inputs/syslog_framing.h"
#include "common/kafka.h"

namespace soc {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using udp = asio::ip::udp;
using ErrorCode = boost::system::error_code;
using TlsStream = ssl::stream<tcp::socket>;

constexpr size_t kStreamReadBytes = 16 * 1024;
constexpr size_t kDatagramBytes = 65536;  // above the largest UDP payload (65507 / 65527)
constexpr auto kAcceptRetry = std::chrono::milliseconds(100);

struct Message {
  std::string text;
  std::string peer;
  bool truncated = false;
};

// Received messages waiting for poll(). Filled by the Asio thread, drained by the agent's.
class MessageQueue {
 public:
  explicit MessageQueue(size_t limit_bytes) : limit_(limit_bytes) {}

  // Datagrams: refused (the caller counts a drop) when they do not fit.
  bool try_push(Message&& m) {
    const std::lock_guard lock(mu_);
    if (bytes_ + cost(m) > limit_) return false;
    bytes_ += cost(m);
    q_.push_back(std::move(m));
    return true;
  }

  // Streams: never dropped. The connection stops reading once full() holds, so the overshoot is at
  // most one read's worth of messages per connection.
  void push_all(std::vector<Message>& ms) {
    const std::lock_guard lock(mu_);
    for (auto& m : ms) {
      bytes_ += cost(m);
      q_.push_back(std::move(m));
    }
    ms.clear();
  }

  bool full() const {
    const std::lock_guard lock(mu_);
    return bytes_ >= limit_;
  }

  size_t bytes() const {
    const std::lock_guard lock(mu_);
    return bytes_;
  }

  void take(size_t max, std::vector<Message>& out) {
    const std::lock_guard lock(mu_);
    while (!q_.empty() && out.size() < max) {
      bytes_ -= cost(q_.front());
      out.push_back(std::move(q_.front()));
      q_.pop_front();
    }
  }

 private:
  // What a message really holds, so that many tiny messages cannot outgrow the bound.
  static size_t cost(const Message& m) { return m.text.size() + m.peer.size() + sizeof(Message); }

  mutable std::mutex mu_;
  std::deque<Message> q_;
  size_t bytes_ = 0;
  const size_t limit_;
};

struct Counters {
  std::atomic<uint64_t> messages{0};
  std::atomic<uint64_t> bytes{0};
  std::atomic<uint64_t> truncated{0};
  std::atomic<uint64_t> dropped_queue_full{0};
  std::atomic<uint64_t> dropped_oversize_frame{0};
  std::atomic<uint64_t> connections_accepted{0};
  std::atomic<uint64_t> connections_rejected{0};             // max_connections reached
  std::atomic<uint64_t> connections_rejected_per_source{0};  // max_connections_per_source
  std::atomic<uint64_t> connections_idle_closed{0};          // nothing received for idle_timeout
  std::atomic<uint64_t> tls_handshake_failures{0};
  std::atomic<uint64_t> parse_errors{0};
};

// At most one warning per kind per minute: a flood of bad senders must not flood the agent's log.
// The counters carry the totals.
class LogLimiter {
 public:
  bool allow() {
    const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::steady_clock::now().time_since_epoch())
                            .count();
    int64_t next = next_.load();
    return now >= next && next_.compare_exchange_strong(next, now + 60);
  }

 private:
  std::atomic<int64_t> next_{0};
};

// "udp:10.0.0.5:50514", "tcp:[2001:db8::5]:50514"; IPv4-mapped IPv6 senders (a dual-stack
// listener) appear as plain IPv4.
std::string peer_text(SyslogProtocol proto, const asio::ip::address& a, uint16_t port) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    return fmt::format("{}:{}:{}", protocol_name(proto),
                       asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()).to_string(), port);
  }
  if (a.is_v6()) return fmt::format("{}:[{}]:{}", protocol_name(proto), a.to_string(), port);
  return fmt::format("{}:{}:{}", protocol_name(proto), a.to_string(), port);
}

// The sender's address as one key per host: IPv4-mapped IPv6 counts as the IPv4 address.
std::string source_key(const asio::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()).to_string();
  }
  return a.to_string();
}

// A datagram or a frame as the line to ship: one trailing LF or CRLF removed, cut to `max`.
Message make_message(std::string_view text, size_t max, const std::string& peer) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  Message m;
  m.truncated = text.size() > max;
  m.text.assign(text.substr(0, max));
  m.peer = peer;
  return m;
}

Status readable_file(const std::string& what, const std::string& path) {
  if (::access(path.c_str(), R_OK) != 0) {
    return Error{fmt::format("{} {}: {}", what, path, std::strerror(errno))};
  }
  return Ok{};
}

class StreamSession {
 public:
  virtual ~StreamSession() = default;
  virtual void resume() = 0;
};

// Everything behind SyslogServer, Asio included (kept out of the header: it is slow to compile).
struct Server {
  Server(SyslogServerConfig c, size_t default_max)
      : config(std::move(c)),
        max_message(config.max_message_bytes ? config.max_message_bytes : default_max),
        src(fmt::format("syslog:{}:{}", protocol_name(config.protocol),
                        listen_text(config.address, config.port))),
        queue(config.queue_bytes ? config.queue_bytes
                                 : std::max<size_t>(1024 * 1024, 16 * max_message)) {}

  ~Server() {
    io.stop();
    if (thread.joinable()) thread.join();
    // Pending handlers (and the sessions they hold) are destroyed with io_context, while the queue
    // and counters they refer to still exist: those are declared first.
  }

  Status start();
  Status start_tls_context();
  void run();

  void receive_datagram();
  void on_datagram(size_t n);
  void accept();
  void on_accept(tcp::socket socket);

  // Called by a session that found the queue full; poll() resumes it once there is room.
  void pause(std::shared_ptr<StreamSession> s) {
    paused.push_back(std::move(s));
    pause_pending.store(true);
  }
  void resume_paused() {
    auto sessions = std::move(paused);
    paused.clear();
    for (auto& s : sessions) s->resume();
  }

  std::string describe() const {
    return fmt::format("syslog {} listener {}", protocol_name(config.protocol),
                       listen_text(config.address, bound_port ? bound_port : config.port));
  }

  // Declared before the io_context: sessions destroyed with it still count and queue.
  const SyslogServerConfig config;
  const size_t max_message;
  std::string src;  // set again by start() when the system picked the port
  MessageQueue queue;
  Counters counters;
  std::atomic<size_t> open_connections{0};
  // Open connections per sender address (source_key). Asio thread only, and the destructor's
  // teardown of sessions after that thread has stopped.
  std::map<std::string, size_t> open_per_source;
  std::atomic<bool> pause_pending{false};
  LogLimiter log_full, log_frame, log_rejected, log_rejected_source, log_handshake, log_idle;
  std::vector<Message> batch;  // agent thread: what poll() is emitting

  asio::io_context io{1};
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  std::optional<ssl::context> tls;
  std::optional<udp::socket> udp_socket;
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::steady_timer> accept_retry;
  std::array<char, kDatagramBytes> datagram{};
  udp::endpoint sender;
  std::vector<std::shared_ptr<StreamSession>> paused;  // Asio thread only
  uint16_t bound_port = 0;
  std::thread thread;
};

// One TCP or TLS connection: reads, frames, queues; stops reading while the queue is full.
template <class Stream>
class Session : public StreamSession, public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  Session(Server& server, Stream stream, std::string peer, std::string source)
      : server_(server),
        stream_(std::move(stream)),
        peer_(std::move(peer)),
        source_(std::move(source)),
        framer_(server.config.framing, server.max_message),
        buffer_(kStreamReadBytes),
        handshake_timer_(server.io),
        idle_timer_(server.io) {
    ++server_.open_connections;
    ++server_.open_per_source[source_];
  }
  ~Session() override {
    --server_.open_connections;
    const auto it = server_.open_per_source.find(source_);
    if (it != server_.open_per_source.end() && --it->second == 0) {
      server_.open_per_source.erase(it);
    }
  }

  void start() {
    if constexpr (kTls) {
      handshake_timer_.expires_after(server_.config.handshake_timeout);
      // A client that connects and never completes the handshake must not hold a slot forever.
      handshake_timer_.async_wait([self = this->shared_from_this()](const ErrorCode& ec) {
        if (!ec) {
          ErrorCode ignored;
          self->stream_.lowest_layer().close(ignored);
        }
      });
      stream_.async_handshake(
          ssl::stream_base::server, [self = this->shared_from_this()](const ErrorCode& ec) {
            self->handshake_timer_.cancel();
            if (ec) {
              ++self->server_.counters.tls_handshake_failures;
              if (self->server_.log_handshake.allow()) {
                spdlog::warn("{}: TLS handshake with {} failed: {}", self->server_.describe(),
                             self->peer_, ec.message());
              }
              self->close();
              return;
            }
            self->read();
          });
    } else {
      read();
    }
  }

  void resume() override { read(); }

 private:
  void read() {
    if (server_.queue.full()) {
      // Waiting for us, not for the sender: no idle deadline while paused.
      idle_timer_.cancel();
      server_.pause(this->shared_from_this());
      return;
    }
    arm_idle_timer();
    stream_.async_read_some(
        asio::buffer(buffer_),
        [self = this->shared_from_this()](const ErrorCode& ec, size_t n) { self->on_read(ec, n); });
  }

  void on_read(const ErrorCode& ec, size_t n) {
    const auto sink = [this](std::string_view text, bool truncated) { add(text, truncated); };
    if (n > 0) {
      const auto result = framer_.feed(std::string_view(buffer_.data(), n), sink);
      flush();
      if (result != SyslogFramer::Result::kOk) {
        const bool absurd = result == SyslogFramer::Result::kAbsurdLength;
        ++(absurd ? server_.counters.dropped_oversize_frame : server_.counters.parse_errors);
        if (server_.log_frame.allow()) {
          spdlog::warn("{}: closing the connection from {}: {}", server_.describe(), peer_,
                       absurd ? fmt::format("octet count above {} bytes", framer_.absurd_length())
                              : std::string("a frame that does not start with an octet count"));
        }
        close();
        return;
      }
    }
    if (ec) {
      // End of stream (or a reset): what the sender wrote before it still counts.
      framer_.finish(sink);
      flush();
      if (ec != asio::error::eof && ec != asio::error::operation_aborted &&
          ec != ssl::error::stream_truncated) {
        spdlog::debug("{}: connection from {}: {}", server_.describe(), peer_, ec.message());
      }
      close();
      return;
    }
    read();
  }

  // Every read starts a new deadline: a sender that sends nothing for idle_timeout loses its slot
  // (an idle connection, or a TLS client that completed the handshake and then sits).
  void arm_idle_timer() {
    idle_timer_.expires_after(server_.config.idle_timeout);
    idle_timer_.async_wait([self = this->shared_from_this()](const ErrorCode& ec) {
      if (ec || !self->stream_.lowest_layer().is_open()) return;  // cancelled or closed
      // Re-armed after this wait had already completed: the new deadline decides.
      if (self->idle_timer_.expiry() > std::chrono::steady_clock::now()) return;
      ++self->server_.counters.connections_idle_closed;
      if (self->server_.log_idle.allow()) {
        spdlog::warn(
            "{}: closing the connection from {}: nothing received for {} ms "
            "(idle_timeout); see connections_idle_closed",
            self->server_.describe(), self->peer_, self->server_.config.idle_timeout.count());
      }
      self->close();
    });
  }

  void add(std::string_view text, bool truncated) {
    Message m;
    m.text.assign(text);
    m.peer = peer_;
    m.truncated = truncated;
    ++server_.counters.messages;
    server_.counters.bytes += text.size();
    if (truncated) ++server_.counters.truncated;
    pending_.push_back(std::move(m));
  }

  void flush() {
    if (!pending_.empty()) server_.queue.push_all(pending_);
  }

  void close() {
    ErrorCode ignored;
    idle_timer_.cancel();  // its handler holds this session: let it go
    stream_.lowest_layer().close(ignored);
  }

  Server& server_;
  Stream stream_;
  std::string peer_;
  std::string source_;  // key of open_per_source
  SyslogFramer framer_;
  std::vector<char> buffer_;
  std::vector<Message> pending_;  // framed by the current read, queued in one lock
  asio::steady_timer handshake_timer_;
  asio::steady_timer idle_timer_;
};

Status Server::start_tls_context() {
  const std::string where = describe();
  if (auto st = readable_file("certificate", config.tls.cert); !st) {
    return Error{where + ": " + st.error()};
  }
  if (auto st = readable_file("private key", config.tls.key); !st) {
    return Error{where + ": " + st.error()};
  }
  if (auto st = check_secret_file_mode(config.tls.key); !st) {
    return Error{where + ": private key " + st.error()};
  }
  if (!config.tls.ca.empty()) {
    if (auto st = readable_file("client CA", config.tls.ca); !st) {
      return Error{where + ": " + st.error()};
    }
  }
  tls.emplace(ssl::context::tls_server);
  ErrorCode ec;
  tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                       ssl::context::single_dh_use,
                   ec);
  if (!ec) tls->use_certificate_chain_file(config.tls.cert, ec);
  if (ec) return Error{fmt::format("{}: certificate {}: {}", where, config.tls.cert, ec.message())};
  tls->use_private_key_file(config.tls.key, ssl::context::pem, ec);
  if (ec) return Error{fmt::format("{}: private key {}: {}", where, config.tls.key, ec.message())};
  if (SSL_CTX_check_private_key(tls->native_handle()) != 1) {
    return Error{fmt::format("{}: private key {} does not match certificate {}", where,
                             config.tls.key, config.tls.cert)};
  }
  if (!config.tls.ca.empty()) {
    tls->load_verify_file(config.tls.ca, ec);
    if (ec) return Error{fmt::format("{}: client CA {}: {}", where, config.tls.ca, ec.message())};
    tls->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  }
  return Ok{};
}

Status Server::start() {
  const std::string where = describe();
  ErrorCode ec;
  const auto address = asio::ip::make_address(config.address, ec);
  if (ec) return Error{fmt::format("{}: bad address: {}", where, ec.message())};
  if (config.protocol == SyslogProtocol::kTls) {
    if (auto st = start_tls_context(); !st) return st;
  }
  // An IPv6 wildcard also takes IPv4 senders, whatever the system's bindv6only default.
  const bool dual_stack = address.is_v6() && address.to_v6().is_unspecified();

  if (config.protocol == SyslogProtocol::kUdp) {
    const udp::endpoint ep(address, config.port);
    udp_socket.emplace(io);
    // No SO_REUSEADDR: on Linux it would let a second UDP socket share the port silently.
    udp_socket->open(ep.protocol(), ec);
    if (!ec && dual_stack) udp_socket->set_option(asio::ip::v6_only(false), ec);
    if (!ec) {
      // Room for bursts between reads; the kernel caps it at net.core.rmem_max. Best effort.
      ErrorCode ignored;
      udp_socket->set_option(udp::socket::receive_buffer_size(4 * 1024 * 1024), ignored);
      udp_socket->bind(ep, ec);
    }
    if (ec) return Error{fmt::format("{}: cannot listen: {}", where, ec.message())};
    bound_port = udp_socket->local_endpoint(ec).port();
    src = fmt::format("syslog:udp:{}", listen_text(config.address, bound_port));
    receive_datagram();
  } else {
    const tcp::endpoint ep(address, config.port);
    acceptor.emplace(io);
    acceptor->open(ep.protocol(), ec);
    if (!ec && dual_stack) acceptor->set_option(asio::ip::v6_only(false), ec);
    // SO_REUSEADDR on a TCP listener only allows restarting over TIME_WAIT connections; a port
    // that another process listens on still fails to bind.
    if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor->bind(ep, ec);
    if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return Error{fmt::format("{}: cannot listen: {}", where, ec.message())};
    bound_port = acceptor->local_endpoint(ec).port();
    src = fmt::format("syslog:{}:{}", protocol_name(config.protocol),
                      listen_text(config.address, bound_port));
    accept_retry.emplace(io);
    accept();
  }
  thread = std::thread([this] { run(); });
  spdlog::info(
      "{}: listening (max message {} bytes, queue {} bytes)", where, max_message,
      config.queue_bytes ? config.queue_bytes : std::max<size_t>(1024 * 1024, 16 * max_message));
  return Ok{};
}

void Server::run() {
  while (!io.stopped()) {
    try {
      io.run();
    } catch (const std::exception& e) {
      // A handler threw (out of memory): keep serving; the connection involved is dropped.
      spdlog::error("{}: {}", describe(), e.what());
    }
  }
}

void Server::receive_datagram() {
  udp_socket->async_receive_from(
      asio::buffer(datagram), sender, [this](const ErrorCode& ec, size_t n) {
        // Closed: stop. Any other error concerns one datagram: carry on.
        if (ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor) {
          return;
        }
        if (!ec) on_datagram(n);
        receive_datagram();
      });
}

void Server::on_datagram(size_t n) {
  Message m = make_message(std::string_view(datagram.data(), n), max_message,
                           peer_text(config.protocol, sender.address(), sender.port()));
  if (m.text.empty()) return;  // an empty datagram carries no message
  const size_t bytes = m.text.size();
  const bool truncated = m.truncated;
  if (!queue.try_push(std::move(m))) {
    ++counters.dropped_queue_full;
    if (log_full.allow()) {
      spdlog::warn(
          "{}: queue full (Kafka slow or unreachable?): dropping datagrams; see "
          "dropped_queue_full",
          describe());
    }
    return;
  }
  ++counters.messages;
  counters.bytes += bytes;
  if (truncated) ++counters.truncated;
}

void Server::accept() {
  acceptor->async_accept([this](const ErrorCode& ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (ec) {
      // Out of file descriptors and the like: retry shortly rather than spin.
      spdlog::warn("{}: accept: {}", describe(), ec.message());
      accept_retry->expires_after(kAcceptRetry);
      accept_retry->async_wait([this](const ErrorCode& e) {
        if (!e) accept();
      });
      return;
    }
    on_accept(std::move(socket));
    accept();
  });
}

void Server::on_accept(tcp::socket socket) {
  ErrorCode ec;
  const auto remote = socket.remote_endpoint(ec);
  if (ec) return;  // already gone
  std::string peer = peer_text(config.protocol, remote.address(), remote.port());
  if (open_connections.load() >= config.max_connections) {
    ++counters.connections_rejected;
    if (log_rejected.allow()) {
      spdlog::warn("{}: refusing {}: {} connections open (max_connections)", describe(), peer,
                   open_connections.load());
    }
    socket.close(ec);
    return;
  }
  std::string source = source_key(remote.address());
  if (const auto it = open_per_source.find(source);
      it != open_per_source.end() && it->second >= config.max_connections_per_source) {
    ++counters.connections_rejected_per_source;
    if (log_rejected_source.allow()) {
      spdlog::warn("{}: refusing {}: {} connections open from {} (max_connections_per_source)",
                   describe(), peer, it->second, source);
    }
    socket.close(ec);
    return;
  }
  ++counters.connections_accepted;
  spdlog::debug("{}: connection from {}", describe(), peer);
  if (config.protocol == SyslogProtocol::kTls) {
    std::make_shared<Session<TlsStream>>(*this, TlsStream(std::move(socket), *tls), std::move(peer),
                                         std::move(source))
        ->start();
  } else {
    std::make_shared<Session<tcp::socket>>(*this, std::move(socket), std::move(peer),
                                           std::move(source))
        ->start();
  }
}

}  // namespace

struct SyslogServer::Impl : Server {
  using Server::Server;
};

SyslogServer::SyslogServer(SyslogServerConfig config, size_t default_max_message_bytes)
    : impl_(std::make_unique<Impl>(std::move(config), default_max_message_bytes)) {}

SyslogServer::~SyslogServer() = default;

Status SyslogServer::start(const PositionStore& /*checkpoints: nothing to restore*/) {
  return impl_->start();
}

size_t SyslogServer::poll(size_t max_lines, const LineSink& emit) {
  Impl& s = *impl_;
  s.batch.clear();
  s.queue.take(max_lines, s.batch);
  // Paused connections read again once there is room. Checked on every poll, not only after a
  // take, so a session that paused just after a drain is not forgotten.
  if (s.pause_pending.load() && !s.queue.full()) {
    s.pause_pending.store(false);
    asio::post(s.io, [&s] { s.resume_paused(); });
  }
  for (const auto& m : s.batch) {
    ++unacknowledged_;
    emit(InputLine{m.text, m.truncated, s.src, m.peer, nullptr});
  }
  const size_t n = s.batch.size();
  s.batch.clear();
  return n;
}

void SyslogServer::acknowledge_oldest() {
  // Nothing to advance: a network input has no position to resume from.
  if (unacknowledged_ > 0) --unacknowledged_;
}

void SyslogServer::save(PositionStore& /*checkpoints*/) const {}

InputStats SyslogServer::stats() const {
  const Counters& c = impl_->counters;
  InputStats s;
  s.name = impl_->src;
  s.counters = {{"messages", c.messages.load()},
                {"bytes", c.bytes.load()},
                {"truncated", c.truncated.load()},
                {"dropped_queue_full", c.dropped_queue_full.load()},
                {"dropped_oversize_frame", c.dropped_oversize_frame.load()},
                {"connections_accepted", c.connections_accepted.load()},
                {"connections_rejected", c.connections_rejected.load()},
                {"connections_rejected_per_source", c.connections_rejected_per_source.load()},
                {"connections_idle_closed", c.connections_idle_closed.load()},
                {"connections_open", impl_->open_connections.load()},
                {"tls_handshake_failures", c.tls_handshake_failures.load()},
                {"parse_errors", c.parse_errors.load()}};
  s.lag_bytes = impl_->queue.bytes();
  return s;
}

const std::string& SyslogServer::source() const {
  return impl_->src;
}

uint16_t SyslogServer::bound_port() const {
  return impl_->bound_port;
}

}  // namespace soc
