#include "collector/decode/portscan.h"

#include <chrono>
#include <string>

#include "collector/decode/decoder_registry.h"
#include "collector/decode/text.h"

namespace soc {
namespace {

using std::string_view;
using text::consume;
using text::npos;

// "IP" or "IP:PORT" (IPv4 only carries a port in scanlogd's output).
string_view address_of(string_view s) {
  if (text::is_ip(s)) return s;
  const size_t colon = s.rfind(':');
  if (colon != npos && text::is_port(s.substr(colon + 1)) && text::is_ip(s.substr(0, colon))) {
    return s.substr(0, colon);
  }
  return {};
}

// "NAME/IP" or "IP/IP": the address after the slash.
string_view host_address(string_view s) {
  const size_t slash = s.rfind('/');
  const string_view ip = slash == npos ? s : s.substr(slash + 1);
  return text::is_ip(ip) ? ip : string_view();
}

void set_scan(string_view service, string_view action, string_view ip, Fields& f) {
  f.set("service.name", service);
  f.set("source.ip", ip);
  f.set("event.action", action);
  f.set("event.category", "intrusion_detection");
}

}  // namespace

bool decode_scanlogd(string_view s, Fields& f) {
  const string_view src = address_of(text::next_token(s));
  if (src.empty() || !consume(s, "to ")) return false;
  const string_view dst = address_of(text::next_token(s));
  if (dst.empty() || !consume(s, "ports ")) return false;
  set_scan("scanlogd", "port_scan", src, f);
  f.set("destination.ip", dst);
  return true;
}

bool decode_portsentry(string_view s, Fields& f) {
  if (!consume(s, "attackalert: ")) return false;
  if (consume(s, "Host ")) {
    const string_view ip = host_address(text::next_token(s));
    if (ip.empty() || s.substr(0, 21) != "has been blocked via ") return false;
    set_scan("portsentry", "ip_blocked", ip, f);
    return true;
  }
  const size_t from = s.find(" from host: ");
  if (from == npos) return false;
  string_view rest = s.substr(from + 12);
  const string_view ip = host_address(text::next_token(rest));
  if (ip.empty() || !consume(rest, "to ")) return false;
  const string_view proto = text::next_token(rest);
  if (!consume(rest, "port: ")) return false;
  const string_view port = text::next_token(rest);
  if (!text::is_port(port) || (proto != "TCP" && proto != "UDP")) return false;
  set_scan("portsentry", "port_scan", ip, f);
  f.set("destination.port", port);
  f.set("network.transport", text::to_lower(proto));
  f.set("event.reason", s.substr(0, from));
  return true;
}

bool decode_portsentry_history(string_view s, Fields& f, std::optional<SysTime>& time) {
  const string_view epoch = text::next_token(s);
  if (!text::all_digits(epoch) || epoch.size() > 11 || !consume(s, "- ")) return false;
  text::next_token(s);  // MM/DD/YYYY
  text::next_token(s);  // HH:MM:SS
  if (!consume(s, "Host: ")) return false;
  const string_view ip = host_address(text::next_token(s));
  if (ip.empty() || !consume(s, "Port: ")) return false;
  const string_view port = text::next_token(s);
  const string_view proto = text::next_token(s);
  if (!text::is_port(port) || (proto != "TCP" && proto != "UDP")) return false;
  set_scan("portsentry", "ip_blocked", ip, f);
  f.set("destination.port", port);
  f.set("network.transport", text::to_lower(proto));
  if (const auto secs = text::parse_uint(epoch)) {
    time = SysTime(std::chrono::duration_cast<SysTime::duration>(
        std::chrono::seconds(static_cast<int64_t>(*secs))));
  }
  return true;
}

// Their entries in the decoder registry (decoder_registry.h).
namespace {

constexpr std::string_view kScanlogdPrograms[] = {"scanlogd"};
constexpr std::string_view kScanlogdFormats[] = {"scanlogd syslog lines"};
constexpr std::string_view kPortsentryPrograms[] = {"portsentry"};
constexpr std::string_view kPortsentryFormats[] = {"PortSentry syslog lines",
                                                   "PortSentry history file"};

bool decode_scanlogd_program(std::string_view msg, const ReadTime& /*read*/, Fields& fields,
                             std::optional<SysTime>& /*time*/) {
  return decode_scanlogd(msg, fields);
}

bool decode_portsentry_program(std::string_view msg, const ReadTime& /*read*/, Fields& fields,
                               std::optional<SysTime>& /*time*/) {
  return decode_portsentry(msg, fields);
}

}  // namespace

extern constinit const DecoderSpec kScanlogdDecoder{
    .name = "scanlogd",
    .description = "scanlogd port scan reports",
    .programs = kScanlogdPrograms,
    .formats = kScanlogdFormats,
    .decode = decode_scanlogd_program,
};

namespace {
bool decode_portsentry_history_shape(std::string_view text, const ReadTime& /*read*/,
                                     Fields& fields, std::optional<SysTime>& time) {
  return decode_portsentry_history(text, fields, time);
}
}  // namespace

extern constinit const DecoderSpec kPortsentryDecoder{
    .name = "portsentry",
    .description = "PortSentry scan alerts and blocked hosts",
    .programs = kPortsentryPrograms,
    .formats = kPortsentryFormats,
    .decode = decode_portsentry_program,
    .shape = {.test = text::starts_with_digit,
              .text = "a digit: PortSentry's history file (else the next shapes)",
              .decode = decode_portsentry_history_shape,
              .final = false},
};

}  // namespace soc
