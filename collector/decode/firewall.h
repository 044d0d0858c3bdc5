// Fields from netfilter packet logs the kernel writes: ufw, iptables/ip6tables `-j LOG
// --log-prefix`, nftables `log prefix`, firewalld; and from the kernel's network-stack warnings.
#pragma once

#include <string_view>

#include "collector/decode/event.h"

namespace soc {

// Strips the kernel's `[ 1234.567890] ` uptime stamp that some syslog daemons keep.
std::string_view strip_kernel_uptime(std::string_view message);

// Decodes `[PREFIX ]IN=eth0 OUT= [MAC=...] SRC=a DST=b LEN=60 ... PROTO=TCP SPT=1 DPT=22 ...`
// (the kernel MSG, uptime stamp removed). Sets "source.ip", "destination.ip", "source.port",
// "destination.port", "network.transport" (PROTO lower-cased: tcp, udp, icmp; ICMPv6 ->
// "ipv6-icmp"; a number stays a number), "network.type" (ipv4 / ipv6),
// "observer.ingress.interface.name" (IN, when set), "observer.egress.interface.name" (OUT, when
// set), "network.direction" (ECS: from the host's view "ingress" with only IN, "egress" with only
// OUT; a forwarded packet, with both, from the perimeter's view by the addresses' classes:
// "inbound" internet -> internal, "outbound" internal -> internet, "internal", "external", where
// internal is RFC 1918, loopback, link-local, 100.64/10, IPv6 fc00::/7 and fe80::/10, and
// multicast), "rule.name" (the log prefix without surrounding spaces, brackets and a trailing
// ':', e.g. "UFW BLOCK") and "event.action": "firewall_block" when the prefix says BLOCK, DROP,
// REJECT or DENY, else "firewall_allow" for ALLOW, ACCEPT or PASS, else "firewall_audit" for
// AUDIT, else "firewall_log" (case-insensitive).
// A kernel MSG without IN=/OUT=/SRC= is one of the network stack's warnings or nothing:
//  - "device eth0 entered promiscuous mode" / "[driver bus ]eth0: entered promiscuous mode"
//    (and "left"): "event.action" promiscuous_mode_entered / promiscuous_mode_left,
//    "observer.ingress.interface.name";
//  - "TCP: request_sock_TCP: Possible SYN flooding on port [ADDR:]PORT. Sending cookies. ...":
//    "event.action" syn_flood, "destination.port", "destination.ip" (a listener's specific
//    address, not 0.0.0.0 / ::), "network.transport" tcp, "network.type";
//  - "nf_conntrack: [nf_conntrack: ]table full, dropping packet": "event.action"
//    conntrack_table_full.
// Returns false and sets nothing for any other message.
bool decode_firewall(std::string_view message, Fields& fields);

}  // namespace soc
