#include "collector/decode/firewall.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace soc {
namespace {

using Opt = std::optional<std::string_view>;

TEST(DecodeFirewall, UfwBlock) {
  Fields f;
  ASSERT_TRUE(decode_firewall(
      "[UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=203.0.113.77 "
      "DST=10.10.1.5 LEN=60 TOS=0x00 PREC=0x00 TTL=50 ID=54321 DF PROTO=TCP SPT=51515 DPT=22 "
      "WINDOW=29200 RES=0x00 SYN URGP=0",
      f));
  EXPECT_EQ(f.get("source.ip"), "203.0.113.77");
  EXPECT_EQ(f.get("destination.ip"), "10.10.1.5");
  EXPECT_EQ(f.get("source.port"), "51515");
  EXPECT_EQ(f.get("destination.port"), "22");
  EXPECT_EQ(f.get("network.transport"), "tcp");
  EXPECT_EQ(f.get("network.type"), "ipv4");
  EXPECT_EQ(f.get("network.direction"), "ingress");
  EXPECT_EQ(f.get("observer.ingress.interface.name"), "eth0");
  EXPECT_EQ(f.get("observer.egress.interface.name"), Opt());
  EXPECT_EQ(f.get("rule.name"), "UFW BLOCK");
  EXPECT_EQ(f.get("event.action"), "firewall_block");
}

TEST(DecodeFirewall, PrefixesAreNormalised) {
  struct Case {
    std::string_view prefix, action, rule;
  };
  for (const Case& c : {
           Case{"[UFW ALLOW] ", "firewall_allow", "UFW ALLOW"},
           Case{"[UFW AUDIT] ", "firewall_audit", "UFW AUDIT"},
           Case{"[UFW LIMIT BLOCK] ", "firewall_block", "UFW LIMIT BLOCK"},
           Case{"IPTABLES-DROP: ", "firewall_block", "IPTABLES-DROP"},
           Case{"nft-accept-ssh ", "firewall_allow", "nft-accept-ssh"},
           Case{"FINAL_REJECT: ", "firewall_block", "FINAL_REJECT"},
           Case{"egress-log ", "firewall_log", "egress-log"},
       }) {
    Fields f;
    const std::string line = std::string(c.prefix) +
                             "IN= OUT=ens3 SRC=10.10.1.5 DST=198.51.100.66 LEN=52 PROTO=UDP "
                             "SPT=40000 DPT=4444 LEN=32";
    ASSERT_TRUE(decode_firewall(line, f)) << line;
    EXPECT_EQ(f.get("event.action"), c.action) << line;
    EXPECT_EQ(f.get("rule.name"), c.rule) << line;
    EXPECT_EQ(f.get("network.direction"), "egress") << line;
    EXPECT_EQ(f.get("network.transport"), "udp") << line;
    EXPECT_EQ(f.get("observer.egress.interface.name"), "ens3") << line;
  }
}

TEST(DecodeFirewall, NoPrefixIcmpIpv6AndForwarded) {
  Fields f;
  ASSERT_TRUE(decode_firewall(
      "IN=eth0 OUT=eth1 SRC=192.0.2.1 DST=10.0.0.2 LEN=84 TTL=63 PROTO=ICMP TYPE=8 CODE=0 ID=1 "
      "SEQ=1",
      f));
  EXPECT_EQ(f.get("rule.name"), Opt());
  EXPECT_EQ(f.get("event.action"), "firewall_log");
  EXPECT_EQ(f.get("network.transport"), "icmp");
  EXPECT_EQ(f.get("network.direction"), "inbound");  // forwarded: internet -> internal
  EXPECT_EQ(f.get("source.port"), Opt());

  Fields g;
  ASSERT_TRUE(decode_firewall(
      "[UFW BLOCK] IN=eth0 OUT= SRC=2001:db8::66 DST=2001:db8::1 LEN=72 TC=0 HOPLIMIT=64 "
      "FLOWLBL=0 PROTO=ICMPv6 TYPE=128 CODE=0",
      g));
  EXPECT_EQ(g.get("network.type"), "ipv6");
  EXPECT_EQ(g.get("network.transport"), "ipv6-icmp");

  Fields h;  // an ICMP error quoting the original packet: the outer header counts
  ASSERT_TRUE(decode_firewall(
      "DROP IN=eth0 OUT= SRC=192.0.2.9 DST=10.0.0.2 LEN=56 PROTO=ICMP TYPE=3 CODE=3 "
      "[SRC=10.0.0.2 DST=192.0.2.9 LEN=28 PROTO=UDP SPT=53 DPT=33434 LEN=8 ]",
      h));
  EXPECT_EQ(h.get("source.ip"), "192.0.2.9");
  EXPECT_EQ(h.get("network.transport"), "icmp");
  EXPECT_EQ(h.get("source.port"), Opt());
}

TEST(DecodeFirewall, ForwardedPacketsTakeThePerimeterView) {
  struct Case {
    std::string_view src, dst, direction;
  };
  for (const Case& c : {
           Case{"10.10.1.5", "198.51.100.66", "outbound"},
           Case{"172.31.255.1", "8.8.8.8", "outbound"},
           Case{"100.64.3.2", "203.0.113.9", "outbound"},
           Case{"203.0.113.9", "192.168.1.20", "inbound"},
           Case{"172.32.0.1", "172.16.0.1", "inbound"},  // 172.32/16 is public
           Case{"10.0.0.1", "192.168.5.5", "internal"}, Case{"fd12:3456::1", "fe80::1", "internal"},
           Case{"2001:db8::66", "fd00::5", "inbound"},
           Case{"198.51.100.1", "203.0.113.1", "external"},
           Case{"10.0.0.9", "239.255.255.250", "internal"},  // multicast stays on site
       }) {
    Fields f;
    const std::string line = "[FW-FWD] IN=eth1 OUT=eth0 SRC=" + std::string(c.src) +
                             " DST=" + std::string(c.dst) + " LEN=60 PROTO=TCP SPT=40000 DPT=22";
    ASSERT_TRUE(decode_firewall(line, f)) << line;
    EXPECT_EQ(f.get("network.direction"), c.direction) << line;
  }
}

TEST(DecodeFirewall, PromiscuousMode) {
  struct Case {
    std::string_view message, action, interface;
  };
  for (const Case& c : {
           Case{"device eth0 entered promiscuous mode", "promiscuous_mode_entered", "eth0"},
           Case{"device veth3a1f2c9 left promiscuous mode", "promiscuous_mode_left", "veth3a1f2c9"},
           Case{"ens18: entered promiscuous mode", "promiscuous_mode_entered", "ens18"},
           Case{"virtio_net virtio0 eth0: entered promiscuous mode", "promiscuous_mode_entered",
                "eth0"},
           Case{"e1000e 0000:00:1f.6 eno1: left promiscuous mode", "promiscuous_mode_left", "eno1"},
       }) {
    Fields f;
    ASSERT_TRUE(decode_firewall(c.message, f)) << c.message;
    EXPECT_EQ(f.get("event.action"), c.action) << c.message;
    EXPECT_EQ(f.get("observer.ingress.interface.name"), c.interface) << c.message;
    EXPECT_EQ(f.get("source.ip"), Opt()) << c.message;
  }
}

TEST(DecodeFirewall, SynFlooding) {
  Fields old;  // before Linux 6.2: the port only
  ASSERT_TRUE(decode_firewall(
      "TCP: request_sock_TCP: Possible SYN flooding on port 80. Sending cookies.  Check SNMP "
      "counters.",
      old));
  EXPECT_EQ(old.get("event.action"), "syn_flood");
  EXPECT_EQ(old.get("destination.port"), "80");
  EXPECT_EQ(old.get("destination.ip"), Opt());
  EXPECT_EQ(old.get("network.transport"), "tcp");
  EXPECT_EQ(old.get("network.type"), "ipv4");

  Fields old6;
  ASSERT_TRUE(decode_firewall(
      "TCP: request_sock_TCPv6: Possible SYN flooding on port 443. Dropping request.  Check SNMP "
      "counters.",
      old6));
  EXPECT_EQ(old6.get("destination.port"), "443");
  EXPECT_EQ(old6.get("network.type"), "ipv6");

  Fields wildcard;  // since 6.2: the listener's address, a wildcard says nothing
  ASSERT_TRUE(decode_firewall(
      "TCP: request_sock_TCP: Possible SYN flooding on port 0.0.0.0:8080. Sending cookies.",
      wildcard));
  EXPECT_EQ(wildcard.get("destination.port"), "8080");
  EXPECT_EQ(wildcard.get("destination.ip"), Opt());

  Fields bound;
  ASSERT_TRUE(decode_firewall(
      "TCP: request_sock_TCPv6: Possible SYN flooding on port [2001:db8::10]:443. Sending "
      "cookies.",
      bound));
  EXPECT_EQ(bound.get("destination.ip"), "2001:db8::10");
  EXPECT_EQ(bound.get("destination.port"), "443");
  EXPECT_EQ(bound.get("network.type"), "ipv6");

  Fields bad;
  EXPECT_FALSE(decode_firewall("TCP: Possible SYN flooding on port http. Sending cookies.", bad));
  EXPECT_TRUE(bad.all().empty());
}

TEST(DecodeFirewall, ConntrackTableFull) {
  for (std::string_view m : {
           "nf_conntrack: nf_conntrack: table full, dropping packet",
           "nf_conntrack: table full, dropping packet.",
           "ip_conntrack: table full, dropping packet.",
       }) {
    Fields f;
    ASSERT_TRUE(decode_firewall(m, f)) << m;
    EXPECT_EQ(f.get("event.action"), "conntrack_table_full") << m;
  }
  Fields expect;
  EXPECT_FALSE(decode_firewall("nf_conntrack: expectation table full", expect));
}

TEST(DecodeFirewall, KernelUptimeIsStripped) {
  EXPECT_EQ(strip_kernel_uptime("[ 1234.567890] [UFW BLOCK] IN=x"), "[UFW BLOCK] IN=x");
  EXPECT_EQ(strip_kernel_uptime("[12.5]IN=x"), "IN=x");
  EXPECT_EQ(strip_kernel_uptime("[UFW BLOCK] IN=x"), "[UFW BLOCK] IN=x");
  EXPECT_EQ(strip_kernel_uptime("[1234]"), "[1234]");
  EXPECT_EQ(strip_kernel_uptime("["), "[");
  EXPECT_EQ(strip_kernel_uptime(""), "");
}

TEST(DecodeFirewall, OtherLinesAreNotDecoded) {
  for (std::string_view m : {
           "IN=eth0 SRC=1.2.3.4",
           "[UFW BLOCK] IN=eth0 OUT= DST=1.2.3.4",
           "[UFW BLOCK] IN=eth0 OUT= SRC=not-an-ip",
           "usb 1-1: new high-speed USB device number 2 using xhci_hcd",
           "EXT4-fs (sda1): mounted filesystem with ordered data mode. LOGIN=x",
           "br-3f2a: port 1(veth9c1d) entered blocking state",
           "device  entered promiscuous mode",
           "team: entered promiscuous mode also",
           "bond0 slave eth1 now: entered promiscuous mode",
           "nf_conntrack: default automatic helper assignment has been turned off",
           "",
       }) {
    Fields f;
    EXPECT_FALSE(decode_firewall(m, f)) << m;
    EXPECT_TRUE(f.all().empty()) << m;
  }
}

}  // namespace
}  // namespace soc
