// Configuration of one syslog listener (top-level `syslog:` list of the agent's YAML file):
//
//   syslog:
//     - protocol: udp                 # udp | tcp | tls
//       listen: "0.0.0.0:514"         # IPv4 address:port, or "[::]:514" for IPv6 (dual stack)
//     - protocol: tcp
//       listen: "0.0.0.0:514"
//       framing: auto                 # auto | newline | octet-counting (tcp and tls only)
//       max_connections: 64           # more are accepted and closed at once, and counted
//       max_connections_per_source: 8 # per sender address, within max_connections
//       idle_timeout: 60s             # a connection that sends nothing for this long is closed
//     - protocol: tls
//       listen: "[::]:6514"
//       tls: {cert: /etc/soc/tls/syslog.pem, key: /etc/soc/tls/syslog.key,
//             ca: /etc/soc/tls/clients-ca.pem}   # ca: optional; when set, clients need a cert
//       max_message_bytes: 65536      # default: limits.max_line_bytes; longer ones are cut
//       queue_bytes: 4194304          # received, not yet shipped; default max(1 MiB, 16 messages)
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "agent/inputs/syslog_framing.h"
#include "common/config_schema.h"

namespace soc {

enum class SyslogProtocol { kUdp, kTcp, kTls };

struct SyslogTlsConfig {
  std::string cert;  // PEM certificate chain of the server
  std::string key;   // PEM private key
  std::string ca;    // PEM CA bundle; when set, clients must present a certificate it signed
};

struct SyslogServerConfig {
  SyslogProtocol protocol = SyslogProtocol::kUdp;
  std::string address;  // IP literal without brackets: "0.0.0.0", "::"
  uint16_t port = 0;    // 0 only in tests: the system picks one
  SyslogFraming framing = SyslogFraming::kAuto;
  SyslogTlsConfig tls;
  size_t max_connections = 64;
  // One address may hold only this many of max_connections: a few idle or slow senders (or an
  // attacker) cannot lock everybody else out.
  size_t max_connections_per_source = 8;
  // Closed when no byte arrives for this long (reset by every read); TLS clients must also finish
  // the handshake within handshake_timeout. Milliseconds so tests can use short ones.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};
  std::chrono::milliseconds handshake_timeout{std::chrono::seconds(10)};
  size_t max_message_bytes = 0;  // 0: the agent's max_line_bytes
  size_t queue_bytes = 0;        // 0: max(1 MiB, 16 × max_message_bytes)
};

// "udp", "tcp" or "tls".
const char* protocol_name(SyslogProtocol p);

// "0.0.0.0:514" or "[::]:6514".
std::string listen_text(const std::string& address, uint16_t port);

// The keys of one item of the `syslog:` list.
const ConfigSchema<SyslogServerConfig>& syslog_server_schema();

}  // namespace soc
