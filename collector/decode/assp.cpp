#include "collector/decode/assp.h"

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

bool contains(string_view s, string_view what) {
  return s.find(what) != npos;
}

}  // namespace

bool looks_like_assp_line(string_view s) {
  return s.size() > 19 && text::month_number(s.substr(0, 3)) != 0 && s[3] == '-' && s[6] == '-' &&
         s[9] == ' ' && s[12] == ':' && s[15] == ':' && s[18] == ' ' &&
         text::all_digits(s.substr(4, 2)) && text::all_digits(s.substr(7, 2)) &&
         text::all_digits(s.substr(10, 2));
}

bool decode_assp(string_view line, const ReadTime& read, Fields& f, std::optional<SysTime>& time) {
  if (!looks_like_assp_line(line)) return false;
  time = text::civil_time(2000 + number(line.substr(7, 2)), text::month_number(line.substr(0, 3)),
                          number(line.substr(4, 2)), number(line.substr(10, 2)),
                          number(line.substr(13, 2)), number(line.substr(16, 2)), 0,
                          read.utc_offset_seconds);
  string_view s = line.substr(19);
  bool relay_tag = false;
  string_view ip;
  if (consume(s, "Blocking ")) {
    ip = mail::clean_ip(text::next_token(s));
  } else {
    // Message id and tags, then the client address.
    while (!s.empty()) {
      string_view rest = s;
      const string_view token = text::next_token(rest);
      if (token == "[RelayAttempt]") relay_tag = true;
      ip = mail::clean_ip(token);
      s = rest;
      if (!ip.empty()) break;
      const bool tag = !token.empty() && token.front() == '[' && token.back() == ']';
      const bool id = token.size() > 3 && token.substr(0, 1) == "m" && token.find('-') != npos;
      if (!tag && !id) return false;
    }
  }
  if (ip.empty()) return false;
  string_view action;
  string_view category = "authentication";
  if (contains(s, "too much AUTH errors") || contains(s, "authentication errors") ||
      contains(s, "authentication failed")) {
    action = "smtp_auth";
  } else if (relay_tag || contains(s, "relay attempt blocked")) {
    action = "smtp_relay_denied";
    category = "email";
  } else if (contains(s, "SSL negotiation with client failed")) {
    action = "smtp_protocol_error";
    category = "network";
  } else {
    return false;
  }
  f.set("source.ip", ip);
  f.set("event.reason", text::trim(s));
  // A lost SASL back end is not the client's failure.
  const bool backend = contains(s, "Connection lost to authentication server");
  mail::set_event(f, "assp", category, backend ? "smtp_auth_unavailable" : action,
                  backend ? "unknown" : "failure");
  return true;
}

// Its entry in the decoder registry (decoder_registry.h): a file format, found by its first
// bytes ("Mon-DD-YY HH:MM:SS ").
namespace {

constexpr std::string_view kAsspFormats[] = {"ASSP maillog"};

}  // namespace

extern constinit const DecoderSpec kAsspDecoder{
    .name = "assp",
    .description = "ASSP anti-spam proxy AUTH errors, relay attempts and TLS failures",
    .programs = {},
    .formats = kAsspFormats,
};

}  // namespace soc
