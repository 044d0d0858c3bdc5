#include "collector/decode/firewall.h"

#include <arpa/inet.h>

#include <array>
#include <cstring>
#include <string>

#include "collector/decode/decoder_registry.h"
#include "collector/decode/text.h"

namespace soc {
namespace {

using std::string_view;
using text::npos;

bool contains_word(const std::string& lower, string_view word) {
  return lower.find(word) != npos;
}

string_view action_of(string_view prefix) {
  const std::string p = text::to_lower(prefix);
  for (string_view w : {"block", "drop", "reject", "deny"}) {
    if (contains_word(p, w)) return "firewall_block";
  }
  for (string_view w : {"allow", "accept", "pass"}) {
    if (contains_word(p, w)) return "firewall_allow";
  }
  if (contains_word(p, "audit")) return "firewall_audit";
  return "firewall_log";
}

// Whether an address belongs to a site's own networks rather than the internet: RFC 1918,
// loopback, link-local, carrier-grade NAT (RFC 6598), IPv6 unique-local and link-local. This is
// what decides a forwarded packet's perimeter direction; "0.0.0.0/8" and multicast count as
// internal too, since neither is a remote peer on the internet.
bool is_internal_ip(string_view ip) {
  std::array<char, 64> buf{};
  if (ip.empty() || ip.size() >= buf.size()) return false;
  std::memcpy(buf.data(), ip.data(), ip.size());
  std::array<unsigned char, 16> a{};
  if (ip.find(':') == npos) {
    if (inet_pton(AF_INET, buf.data(), a.data()) != 1) return false;
    return a[0] == 10 || a[0] == 127 || a[0] == 0 || (a[0] == 172 && (a[1] & 0xf0) == 16) ||
           (a[0] == 192 && a[1] == 168) || (a[0] == 169 && a[1] == 254) ||
           (a[0] == 100 && (a[1] & 0xc0) == 64) || a[0] >= 224;
  }
  if (inet_pton(AF_INET6, buf.data(), a.data()) != 1) return false;
  static constexpr std::array<unsigned char, 16> kLoopback{0, 0, 0, 0, 0, 0, 0, 0,
                                                           0, 0, 0, 0, 0, 0, 0, 1};
  return a == kLoopback || (a[0] & 0xfe) == 0xfc || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) ||
         a[0] == 0xff;
}

// ECS: a host-based log takes the host's view (ingress / egress); a packet the host only routes
// is seen from the network perimeter, which the two addresses' classes tell.
string_view forwarded_direction(string_view src, string_view dst) {
  const bool src_in = is_internal_ip(src), dst_in = is_internal_ip(dst);
  if (src_in && dst_in) return "internal";
  if (src_in) return "outbound";
  if (dst_in) return "inbound";
  return "external";
}

// The kernel's own network-stack warnings, which carry no IN=/OUT= but matter as much as the
// packet logs: a capture starting, a SYN backlog overflowing, the conntrack table filling up.
bool decode_kernel_net(string_view m, Fields& f) {
  // Older kernels write "device eth0 entered promiscuous mode", recent ones (netdev_info)
  // "[DRIVER BUS-ID ]eth0: entered promiscuous mode"; "left" when the capture ends.
  for (const auto& [suffix, action] :
       {std::pair<string_view, string_view>{" entered promiscuous mode",
                                            "promiscuous_mode_entered"},
        std::pair<string_view, string_view>{" left promiscuous mode", "promiscuous_mode_left"}}) {
    string_view head = text::trim(m);
    if (!text::ends_with(head, suffix)) continue;
    head.remove_suffix(suffix.size());
    if (!text::consume(head, "device ")) {
      if (head.empty() || head.back() != ':') return false;
      head.remove_suffix(1);
      // netdev_printk's prefix is "NAME" or, with a parent device, "DRIVER BUS-ID NAME".
      const size_t space = head.rfind(' ');
      if (space != npos) {
        const string_view parent = head.substr(0, space);
        const size_t sep = parent.find(' ');
        if (sep == npos || sep == 0 || parent.find(' ', sep + 1) != npos) return false;
        head.remove_prefix(space + 1);
      }
    }
    if (head.empty() || head.size() > 15 || head.find(' ') != npos) return false;  // IFNAMSIZ
    f.set("observer.ingress.interface.name", head);
    f.set("event.action", action);
    return true;
  }

  // "TCP: request_sock_TCP: Possible SYN flooding on port 80. Sending cookies.  Check SNMP
  // counters." and, since Linux 6.2, "... on port 0.0.0.0:80. ..." / "... port [::]:443. ...".
  static constexpr string_view kSyn = "Possible SYN flooding on port ";
  if (const size_t at = m.find(kSyn); at != npos) {
    string_view rest = m.substr(at + kSyn.size());
    const size_t end = rest.find(". ");
    if (end == npos) return false;
    string_view addr, port = rest.substr(0, end);
    if (const size_t colon = port.rfind(':'); colon != npos) {
      addr = port.substr(0, colon);
      port.remove_prefix(colon + 1);
      if (addr.size() >= 2 && addr.front() == '[' && addr.back() == ']') {
        addr = addr.substr(1, addr.size() - 2);
      }
      if (!text::is_ip(addr)) return false;
    }
    if (!text::is_port(port)) return false;
    const bool v6 = addr.empty() ? m.substr(0, at).find("TCPv6") != npos : addr.find(':') != npos;
    // A wildcard listener's address says nothing about which address was flooded.
    if (!addr.empty() && addr != "0.0.0.0" && addr != "::") f.set("destination.ip", addr);
    f.set("destination.port", port);
    f.set("network.transport", "tcp");
    f.set("network.type", v6 ? "ipv6" : "ipv4");
    f.set("event.action", "syn_flood");
    return true;
  }

  // "nf_conntrack: nf_conntrack: table full, dropping packet" (net_ratelimit repeats the module
  // name), "nf_conntrack: table full, dropping packet." and the old "ip_conntrack: ...".
  if ((m.substr(0, 13) == "nf_conntrack:" || m.substr(0, 13) == "ip_conntrack:") &&
      m.find(" table full, dropping packet") != npos) {
    f.set("event.action", "conntrack_table_full");
    return true;
  }
  return false;
}

string_view clean_prefix(string_view p) {
  p = text::trim(p);
  if (!p.empty() && p.back() == ':') p.remove_suffix(1);
  p = text::trim(p);
  if (p.size() >= 2 && p.front() == '[' && p.back() == ']') p = p.substr(1, p.size() - 2);
  return text::trim(p);
}

}  // namespace

string_view strip_kernel_uptime(string_view m) {
  if (m.empty() || m.front() != '[') return m;
  const size_t close = m.find(']');
  if (close == npos || close > 20) return m;
  const string_view stamp = text::trim(m.substr(1, close - 1));
  const size_t dot = stamp.find('.');
  if (dot == npos || !text::all_digits(stamp.substr(0, dot)) ||
      !text::all_digits(stamp.substr(dot + 1))) {
    return m;
  }
  m.remove_prefix(close + 1);
  while (!m.empty() && m.front() == ' ') m.remove_prefix(1);
  return m;
}

bool decode_firewall(string_view message, Fields& f) {
  // The prefix is whatever precedes "IN=" (which starts the kernel's own text).
  size_t in = message.substr(0, 3) == "IN=" ? 0 : message.find(" IN=");
  if (in == npos) return decode_kernel_net(message, f);
  const string_view prefix = message.substr(0, in);
  string_view s = message.substr(in == 0 ? 0 : in + 1);

  string_view in_if, out_if, src, dst, proto, spt, dpt;
  bool has_in = false, has_out = false;
  while (!s.empty()) {
    const string_view item = text::next_token(s);
    if (!item.empty() && item.front() == '[') break;  // an ICMP error's quoted original packet
    const size_t eq = item.find('=');
    if (eq == npos) continue;
    const string_view key = item.substr(0, eq);
    const string_view value = item.substr(eq + 1);
    if (key == "IN") {
      if (has_in) break;
      in_if = value;
      has_in = true;
    } else if (key == "OUT") {
      out_if = value;
      has_out = true;
    } else if (key == "SRC" && src.empty()) {
      src = value;
    } else if (key == "DST" && dst.empty()) {
      dst = value;
    } else if (key == "PROTO" && proto.empty()) {
      proto = value;
    } else if (key == "SPT" && spt.empty()) {
      spt = value;
    } else if (key == "DPT" && dpt.empty()) {
      dpt = value;
    }
  }
  if (!has_in || !has_out || !text::is_ip(src)) return decode_kernel_net(message, f);

  f.set("source.ip", src);
  if (text::is_ip(dst)) f.set("destination.ip", dst);
  f.set("network.type", src.find(':') == npos ? "ipv4" : "ipv6");
  if (text::is_port(spt)) f.set("source.port", spt);
  if (text::is_port(dpt)) f.set("destination.port", dpt);
  if (!proto.empty()) {
    std::string t = text::to_lower(proto);
    if (t == "icmpv6") t = "ipv6-icmp";
    f.set("network.transport", std::move(t));
  }
  if (!in_if.empty()) f.set("observer.ingress.interface.name", in_if);
  if (!out_if.empty()) f.set("observer.egress.interface.name", out_if);
  if (!in_if.empty() && out_if.empty()) f.set("network.direction", "ingress");
  if (in_if.empty() && !out_if.empty()) f.set("network.direction", "egress");
  if (!in_if.empty() && !out_if.empty() && text::is_ip(dst)) {
    f.set("network.direction", forwarded_direction(src, dst));
  }
  const string_view rule = clean_prefix(prefix);
  if (!rule.empty()) f.set("rule.name", rule);
  f.set("event.action", action_of(rule));
  return true;
}

// Its entry in the decoder registry (decoder_registry.h). The "kernel" program is the kernel
// decoder's (kernel.cpp), which calls this one first.
namespace {

constexpr std::string_view kFirewallFormats[] = {
    "netfilter LOG (ufw, iptables, nftables, firewalld)"};

}  // namespace

extern constinit const DecoderSpec kFirewallDecoder{
    .name = "firewall",
    .description =
        "Netfilter packet logs and the kernel's network warnings (via the kernel decoder)",
    .programs = {},
    .formats = kFirewallFormats,
    .decode = nullptr,
};

}  // namespace soc
