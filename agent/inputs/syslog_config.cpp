#include "agent/inputs/syslog_config.h"

#include <arpa/inet.h>

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

size_t bounded(const std::string& file, const YAML::Node& node, const std::string& what,
               long long lo, long long hi) {
  const long long v = yaml_int(file, node, what);
  if (v < lo || v > hi) {
    yaml_fail(file, node, what + " must be " + std::to_string(lo) + " .. " + std::to_string(hi));
  }
  return static_cast<size_t>(v);
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

SyslogServerConfig parse_syslog_server_config(const std::string& file, const YAML::Node& node) {
  if (!node.IsMap()) {
    yaml_fail(file, node, "a syslog listener is a mapping with 'protocol' and 'listen'");
  }
  yaml_check_keys(
      file, node,
      {"protocol", "listen", "framing", "tls", "max_connections", "max_connections_per_source",
       "idle_timeout", "max_message_bytes", "queue_bytes"});
  SyslogServerConfig c;
  if (!node["protocol"])
    yaml_fail(file, node, "a syslog listener needs 'protocol' (udp, tcp, tls)");
  const std::string proto = yaml_string(file, node["protocol"], "'protocol'");
  if (proto == "udp") {
    c.protocol = SyslogProtocol::kUdp;
  } else if (proto == "tcp") {
    c.protocol = SyslogProtocol::kTcp;
  } else if (proto == "tls") {
    c.protocol = SyslogProtocol::kTls;
  } else {
    yaml_fail(file, node["protocol"], "'protocol' must be udp, tcp or tls, got '" + proto + "'");
  }
  if (!node["listen"]) yaml_fail(file, node, "a syslog listener needs 'listen' (e.g. 0.0.0.0:514)");
  parse_listen(file, node["listen"], c);

  const bool stream = c.protocol != SyslogProtocol::kUdp;
  if (const auto f = node["framing"]) {
    if (!stream)
      yaml_fail(file, f, "'framing' applies to tcp and tls only (a datagram is a message)");
    const std::string v = yaml_string(file, f, "'framing'");
    if (v == "auto") {
      c.framing = SyslogFraming::kAuto;
    } else if (v == "newline") {
      c.framing = SyslogFraming::kNewline;
    } else if (v == "octet-counting") {
      c.framing = SyslogFraming::kOctetCounting;
    } else {
      yaml_fail(file, f, "'framing' must be auto, newline or octet-counting, got '" + v + "'");
    }
  }
  if (const auto m = node["max_connections"]) {
    if (!stream) yaml_fail(file, m, "'max_connections' applies to tcp and tls only");
    c.max_connections = bounded(file, m, "'max_connections'", 1, 100000);
  }
  if (const auto m = node["max_connections_per_source"]) {
    if (!stream) yaml_fail(file, m, "'max_connections_per_source' applies to tcp and tls only");
    c.max_connections_per_source = bounded(file, m, "'max_connections_per_source'", 1, 100000);
  }
  if (const auto t = node["idle_timeout"]) {
    if (!stream) yaml_fail(file, t, "'idle_timeout' applies to tcp and tls only");
    const long long s = yaml_duration_seconds(file, t, "'idle_timeout'");
    if (s < 1 || s > 86400) yaml_fail(file, t, "'idle_timeout' must be 1s .. 1d");
    c.idle_timeout = std::chrono::seconds(s);
  }
  if (const auto m = node["max_message_bytes"]) {
    c.max_message_bytes = bounded(file, m, "'max_message_bytes'", 256, 1000000);
  }
  if (const auto q = node["queue_bytes"]) {
    c.queue_bytes = bounded(file, q, "'queue_bytes'", 64 * 1024, 1024LL * 1024 * 1024);
  }
  const YAML::Node tls = node["tls"];
  if (c.protocol == SyslogProtocol::kTls) {
    if (!tls || !tls.IsMap()) {
      yaml_fail(file, tls ? tls : node, "a tls listener needs 'tls: {cert: FILE, key: FILE}'");
    }
    yaml_check_keys(file, tls, {"cert", "key", "ca"});
    if (!tls["cert"]) yaml_fail(file, tls, "'tls' needs 'cert' (the server certificate, PEM)");
    if (!tls["key"]) yaml_fail(file, tls, "'tls' needs 'key' (the server private key, PEM)");
    c.tls.cert = yaml_string(file, tls["cert"], "'cert'");
    c.tls.key = yaml_string(file, tls["key"], "'key'");
    if (tls["ca"]) c.tls.ca = yaml_string(file, tls["ca"], "'ca'");
  } else if (tls) {
    yaml_fail(file, tls, "'tls' applies to protocol tls only");
  }
  return c;
}

}  // namespace soc
