#include "collector/decode/kerio.h"

#include "collector/decode/decoder_registry.h"
#include "collector/decode/mail_common.h"
#include "collector/decode/text.h"

namespace soc {
namespace {

using std::string_view;
using text::consume;
using text::npos;

int number(string_view s) {
  int n = 0;
  for (const char c : s) n = n * 10 + (c - '0');
  return n;
}

// The first address after `marker` (a trailing '.' or ',' dropped).
string_view ip_after(string_view s, string_view marker) {
  const size_t at = s.find(marker);
  if (at == npos) return {};
  string_view rest = s.substr(at + marker.size());
  string_view ip = text::next_token(rest);
  while (!ip.empty() && (ip.back() == '.' || ip.back() == ',')) ip.remove_suffix(1);
  return mail::clean_ip(ip);
}

string_view angle_after(string_view s, string_view marker) {
  const size_t at = s.find(marker);
  if (at == npos) return {};
  const size_t close = s.find('>', at + marker.size());
  return close == npos ? string_view{} : s.substr(at + marker.size(), close - at - marker.size());
}

}  // namespace

bool looks_like_kerio_line(string_view s) {
  return s.size() > 23 && s[0] == '[' && s[3] == '/' && s[7] == '/' && s[12] == ' ' &&
         s[15] == ':' && s[18] == ':' && s[21] == ']' && text::all_digits(s.substr(1, 2)) &&
         text::all_digits(s.substr(8, 4));
}

bool decode_kerio(string_view line, const ReadTime& read, Fields& f, std::optional<SysTime>& time) {
  if (!looks_like_kerio_line(line)) return false;
  time = text::civil_time(number(line.substr(8, 4)), text::month_number(line.substr(4, 3)),
                          number(line.substr(1, 2)), number(line.substr(13, 2)),
                          number(line.substr(16, 2)), number(line.substr(19, 2)), 0,
                          read.utc_offset_seconds);
  const string_view s = text::trim(line.substr(22));
  string_view ip;
  string_view category = "email";
  string_view action;
  string_view outcome = "failure";
  if (s.substr(0, 22) == "Failed SMTP login from") {
    ip = ip_after(s, " from ");
    category = "authentication";
    action = "smtp_auth";
  } else if (s.substr(0, 20) == "Administration login") {
    if (s.find(" failed") == npos) return false;
    ip = ip_after(s, " from ");
    category = "authentication";
    action = "admin_login";
  } else if (s.substr(0, 39) == "Attempt to deliver to unknown recipient") {
    ip = ip_after(s, "IP address ");
    action = "smtp_unknown_recipient";
    if (const string_view to = angle_after(s, "recipient <"); !to.empty()) {
      f.set("email.to.address", to);
    }
  } else if (s.substr(0, 11) == "SMTP: User ") {
    ip = ip_after(s, "IP address ");
    action = "smtp_unknown_recipient";
    string_view rest = s.substr(11);
    f.set("email.to.address", text::next_token(rest));
  } else if (s.substr(0, 18) == "Relay attempt from") {
    ip = ip_after(s, "IP address ");
    action = "smtp_relay_denied";
  } else if (s.substr(0, 11) == "IP address " && s.find(" found in DNS blacklist") != npos) {
    ip = ip_after(s, "IP address ");
    action = "smtp_dnsbl";
  } else if (s.substr(0, 27) == "SMTP Spam attack detected f") {
    ip = ip_after(s, " from ");
    category = "network";
    action = "smtp_protocol_error";
  } else if ((s.substr(0, 23) == "Client with IP address " && s.find(" rejected") != npos) ||
             (s.substr(0, 24) == "Message from IP address " && s.find(" rejected") != npos)) {
    ip = ip_after(s, "IP address ");
    action = "smtp_reject";
  } else {
    return false;
  }
  if (ip.empty()) return false;
  f.set("source.ip", ip);
  f.set("event.reason", s);
  mail::set_event(f, "kerio", category, action, outcome);
  return true;
}

// Its entry in the decoder registry (decoder_registry.h): a file format, found by its first
// bytes ("[DD/Mon/YYYY HH:MM:SS] ").
namespace {

constexpr std::string_view kKerioFormats[] = {"Kerio Connect security log"};

}  // namespace

extern constinit const DecoderSpec kKerioDecoder{
    .name = "kerio",
    .description = "Kerio Connect SMTP login failures, unknown recipients, relay and blocklists",
    .programs = {},
    .formats = kKerioFormats,
};

}  // namespace soc
