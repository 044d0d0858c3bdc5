#include "collector/decode/firewall.h"

#include <string>

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
  if (in == npos) return false;
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
  if (!has_in || !has_out || !text::is_ip(src)) return false;

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
  const string_view rule = clean_prefix(prefix);
  if (!rule.empty()) f.set("rule.name", rule);
  f.set("event.action", action_of(rule));
  return true;
}

}  // namespace soc
