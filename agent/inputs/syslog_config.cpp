#include "agent/inputs/syslog_config.h"

#include <arpa/inet.h>

#include <fmt/format.h>

#include "common/yaml_file.h"

namespace soc {
namespace {

bool valid_ip(const std::string& text, bool v6) {
  unsigned char buf[16];
  return ::inet_pton(v6 ? AF_INET6 : AF_INET, text.c_str(), buf) == 1;
}

// "1.2.3.4:514" or "[::1]:514" → address and port.
void parse_listen(const std::string& file, const YAML::Node& node, SyslogServerConfig& c) {
  const std::string text = yaml_string(file, node, "'listen'");
  const auto bad = [&](const std::string& why) {
    yaml_fail(file, node,
              "'listen' must be IPV4:PORT or [IPV6]:PORT (e.g. 0.0.0.0:514, [::]:6514), got '" +
                  text + "': " + why);
  };
  std::string host;
  std::string port;
  if (!text.empty() && text[0] == '[') {
    const size_t close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      bad("no ']:' after the IPv6 address");
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    if (!valid_ip(host, true)) bad("'" + host + "' is not an IPv6 address");
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string::npos) bad("no port");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (!valid_ip(host, false)) bad("'" + host + "' is not an IPv4 address (put IPv6 in [])");
  }
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos) {
    bad("the port is not a number");
  }
  const int p = std::stoi(port);
  if (p < 1 || p > 65535) bad("the port must be 1 .. 65535");
  c.address = host;
  c.port = static_cast<uint16_t>(p);
}

}  // namespace

const char* protocol_name(SyslogProtocol p) {
  switch (p) {
    case SyslogProtocol::kUdp:
      return "udp";
    case SyslogProtocol::kTcp:
      return "tcp";
    case SyslogProtocol::kTls:
      return "tls";
  }
  return "?";
}

std::string listen_text(const std::string& address, uint16_t port) {
  const bool v6 = address.find(':') != std::string::npos;
  return (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

const ConfigSchema<SyslogServerConfig>& syslog_server_schema() {
  using T = ConfigType;
  using C = SyslogServerConfig;
  static const ConfigSchema<C> schema = [] {
    static const ConfigSchema<SyslogTlsConfig> tls = [] {
      ConfigSchema<SyslogTlsConfig> s;
      s.add({.path = "cert",
             .type = T::kPath,
             .help = "PEM certificate chain of the server",
             .required = true},
            [](SyslogTlsConfig& t, const ConfigValue& v) { t.cert = v.text; });
      s.add({.path = "key", .type = T::kPath, .help = "PEM private key", .required = true},
            [](SyslogTlsConfig& t, const ConfigValue& v) { t.key = v.text; });
      s.add({.path = "ca",
             .type = T::kPath,
             .help = "PEM CA bundle; when set, clients must present a certificate it signed"},
            [](SyslogTlsConfig& t, const ConfigValue& v) { t.ca = v.text; });
      return s;
    }();
    ConfigSchema<C> s;
    s.add({.path = "protocol",
           .type = T::kEnum,
           .choices = {"udp", "tcp", "tls"},
           .help = "transport of the listener",
           .required = true},
          [](C& c, const ConfigValue& v) { c.protocol = static_cast<SyslogProtocol>(v.number); });
    s.add({.path = "listen",
           .type = T::kString,
           .help = "IPV4:PORT or [IPV6]:PORT, e.g. 0.0.0.0:514 or [::]:6514 (dual stack)",
           .required = true},
          [](C& c, const ConfigValue& v) { parse_listen(v.ctx->file, v.node, c); });
    s.add({.path = "framing",
           .type = T::kEnum,
           .default_text = "auto",
           .choices = {"auto", "newline", "octet-counting"},
           .help = "tcp and tls only: how messages are delimited (RFC 6587)"},
          [](C& c, const ConfigValue& v) { c.framing = static_cast<SyslogFraming>(v.number); });
    s.add({.path = "tls",
           .type = T::kSection,
           .help = "protocol tls only, and required there: the server's certificate and key",
           .items = &tls.keys()},
          [](C& c, const ConfigValue& v) { parse_section(*v.ctx, "tls", tls, v.node, c.tls); });
    s.add({.path = "max_connections",
           .type = T::kInt,
           .default_text = "64",
           .min = 1,
           .max = 100000,
           .help = "tcp and tls only: connections in all; more are closed at once and counted"},
          [](C& c, const ConfigValue& v) { c.max_connections = static_cast<size_t>(v.number); });
    s.add({.path = "max_connections_per_source",
           .type = T::kInt,
           .default_text = "8",
           .min = 1,
           .max = 100000,
           .help = "tcp and tls only: connections per sender address, within max_connections"},
          [](C& c, const ConfigValue& v) {
            c.max_connections_per_source = static_cast<size_t>(v.number);
          });
    s.add({.path = "idle_timeout",
           .type = T::kDuration,
           .default_text = "60s",
           .min = 1000,
           .max = 86'400'000,
           .help = "tcp and tls only: a connection that sends nothing for this long is closed"},
          [](C& c, const ConfigValue& v) { c.idle_timeout = std::chrono::milliseconds(v.number); });
    s.add({.path = "max_message_bytes",
           .type = T::kInt,
           .default_text = "limits.max_line_bytes",
           .min = 256,
           .max = 1000000,
           .help = "longer messages are cut and flagged"},
          [](C& c, const ConfigValue& v) { c.max_message_bytes = static_cast<size_t>(v.number); });
    s.add({.path = "queue_bytes",
           .type = T::kInt,
           .default_text = "max(1 MiB, 16 messages)",
           .min = 64 * 1024,
           .max = 1024LL * 1024 * 1024,
           .help = "received, not yet shipped; beyond it the listener stops reading"},
          [](C& c, const ConfigValue& v) { c.queue_bytes = static_cast<size_t>(v.number); });
    // What depends on the protocol.
    s.check([](ConfigContext& ctx, const YAML::Node& node, C& c) {
      if (c.protocol == SyslogProtocol::kUdp) {
        for (const char* key :
             {"framing", "max_connections", "max_connections_per_source", "idle_timeout"}) {
          if (node[key]) {
            ctx.fail(node[key],
                     fmt::format(
                         "'{}' applies to tcp and tls only{}", key,
                         std::string_view(key) == "framing" ? " (a datagram is a message)" : ""));
          }
        }
      }
      if (c.protocol == SyslogProtocol::kTls && !node["tls"]) {
        ctx.fail(node, "a tls listener needs 'tls: {cert: FILE, key: FILE}'");
      } else if (c.protocol != SyslogProtocol::kTls && node["tls"]) {
        ctx.fail(node["tls"], "'tls' applies to protocol tls only");
      }
    });
    return s;
  }();
  return schema;
}

}  // namespace soc
