// Fields from netfilter packet logs the kernel writes: ufw, iptables/ip6tables `-j LOG
// --log-prefix`, nftables `log prefix`, firewalld.
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
// set), "network.direction" ("ingress" with only IN, "egress" with only OUT; forwarded packets
// get none), "rule.name" (the log prefix without surrounding spaces, brackets and a trailing ':',
// e.g. "UFW BLOCK") and "event.action": "firewall_block" when the prefix says BLOCK, DROP,
// REJECT or DENY, else "firewall_allow" for ALLOW, ACCEPT or PASS, else "firewall_audit" for AUDIT,
// else "firewall_log" (case-insensitive). Returns false and sets nothing unless the message has
// IN=, OUT= and SRC=.
bool decode_firewall(std::string_view message, Fields& fields);

}  // namespace soc
