#include "collector/decode/domino.h"

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

bool digits_at(string_view s, std::initializer_list<size_t> at) {
  for (const size_t i : at) {
    if (i >= s.size() || !text::is_digit(s[i])) return false;
  }
  return true;
}

// "DD-MM-YYYY HH:MM:SS" or "YYYY-MM-DD HH:MM:SS"; removes it and the spaces after it.
std::optional<SysTime> take_time(string_view& s, const ReadTime& read) {
  if (s.size() < 20 || s[10] != ' ' || s[13] != ':' || s[16] != ':' ||
      !digits_at(s, {11, 12, 14, 15, 17, 18})) {
    return std::nullopt;
  }
  int year = 0, month = 0, day = 0;
  if (s[2] == '-' && s[5] == '-' && digits_at(s, {0, 1, 3, 4, 6, 7, 8, 9})) {
    day = number(s.substr(0, 2));
    month = number(s.substr(3, 2));
    year = number(s.substr(6, 4));
  } else if (s[4] == '-' && s[7] == '-' && digits_at(s, {0, 1, 2, 3, 5, 6, 8, 9})) {
    year = number(s.substr(0, 4));
    month = number(s.substr(5, 2));
    day = number(s.substr(8, 2));
  } else {
    return std::nullopt;
  }
  const auto t =
      text::civil_time(year, month, day, number(s.substr(11, 2)), number(s.substr(14, 2)),
                       number(s.substr(17, 2)), 0, read.utc_offset_seconds);
  s = text::trim(s.substr(19));
  return t;
}

}  // namespace

bool decode_domino(string_view line, const ReadTime& read, Fields& f,
                   std::optional<SysTime>& time) {
  string_view s = line;
  if (!s.empty() && s.front() == '[') {
    const size_t close = s.find("] ");
    if (close == npos || close > 40) return false;
    s.remove_prefix(close + 2);
  }
  const auto own = take_time(s, read);
  if (!own) return false;
  time = own;
  string_view action = "smtp_auth";
  string_view category = "authentication";
  string_view user;
  std::optional<mail::Peer> peer;
  if (consume(s, "smtp: ")) {
    const size_t failure = s.find(" authentication failure using internet password");
    if (failure == npos) return false;
    peer = mail::find_bracketed_peer(s.substr(0, failure));
    if (!peer) return false;
    const size_t open = s.rfind('[', peer->end - 1);
    user = text::trim(s.substr(0, open));
  } else if (consume(s, "SMTP Server")) {
    if (const size_t auth = s.find("Authentication failed for user "); auth != npos) {
      const size_t host = s.find(" ; connecting host ", auth);
      if (host == npos) return false;
      user = s.substr(auth + 31, host - auth - 31);
      string_view ip = text::trim(s.substr(host + 19));
      if (!ip.empty() && ip.front() == '[') ip = ip.substr(1, ip.find(']') - 1);
      ip = mail::clean_ip(ip);
      if (ip.empty()) return false;
      peer = mail::Peer{{}, ip, {}, 0};
    } else if (const size_t from = s.find("Connection from [");
               from != npos && s.find(" rejected ") != npos) {
      peer = mail::find_bracketed_peer(s, from);
      action = "smtp_reject";
      category = "email";
    }
    if (!peer) return false;
  } else {
    return false;
  }
  f.set("source.ip", peer->ip);
  if (!user.empty()) f.set("user.name", user);
  f.set("event.reason", s);
  mail::set_event(f, "domino", category, action, "failure");
  return true;
}

// Its entry in the decoder registry (decoder_registry.h): a file format, found by its first
// bytes (a date, after an optional "[PID:TID-THREAD] ").
namespace {

constexpr std::string_view kDominoFormats[] = {"Domino SMTP server console / log text"};

}  // namespace

extern constinit const DecoderSpec kDominoDecoder{
    .name = "domino",
    .description = "Domino SMTP authentication failures and policy rejects",
    .programs = {},
    .formats = kDominoFormats,
};

}  // namespace soc
