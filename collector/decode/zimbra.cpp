#include "collector/decode/zimbra.h"

#include "collector/decode/decoder_registry.h"
#include "collector/decode/mail_common.h"
#include "collector/decode/text.h"

namespace soc {
namespace {

using std::string_view;
using text::npos;

int number(string_view s) {
  int n = 0;
  for (const char c : s) n = n * 10 + (c - '0');
  return n;
}

// The value of `KEY=` in a `;`-separated list, up to the next ';'.
string_view value_of(string_view s, string_view key) {
  for (size_t at = s.find(key); at != npos; at = s.find(key, at + 1)) {
    if (at != 0 && s[at - 1] != ';' && s[at - 1] != ' ' && s[at - 1] != '[') continue;
    const size_t start = at + key.size();
    return s.substr(start, s.find(';', start) - start);
  }
  return {};
}

}  // namespace

bool decode_zimbra(string_view line, const ReadTime& read, Fields& f,
                   std::optional<SysTime>& time) {
  if (line.size() < 40 || line[4] != '-' || line[7] != '-' || line[10] != ' ' || line[13] != ':' ||
      line[16] != ':' || line[19] != ',' || !text::all_digits(line.substr(0, 4)) ||
      !text::all_digits(line.substr(11, 2))) {
    return false;
  }
  const size_t security = line.find("] security - cmd=");
  if (security == npos) return false;
  const string_view command = value_of(line.substr(security + 13), "cmd=");
  const bool admin = command == "AdminAuth";
  if (command != "Auth" && !admin) return false;
  int64_t millis = 0;
  for (size_t i = 20; i < line.size() && text::is_digit(line[i]) && i < 23; ++i) {
    millis = millis * 10 + (line[i] - '0');
  }
  time = text::civil_time(number(line.substr(0, 4)), number(line.substr(5, 2)),
                          number(line.substr(8, 2)), number(line.substr(11, 2)),
                          number(line.substr(14, 2)), number(line.substr(17, 2)), millis * 1000000,
                          read.utc_offset_seconds);
  // The request context "[name=...;ip=...;oip=...;]" before " security".
  const size_t context = line.rfind("[", security);
  const string_view ctx =
      context == npos ? string_view{} : line.substr(context, security - context);
  string_view ip = mail::clean_ip(value_of(ctx, "oip="));
  if (ip.empty()) ip = mail::clean_ip(value_of(ctx, "ip="));
  const string_view rest = line.substr(security + 11);
  const string_view account = value_of(rest, "account=");
  const string_view protocol = value_of(rest, "protocol=");
  const string_view error = value_of(rest, "error=");
  if (ip.empty()) return false;
  f.set("source.ip", ip);
  if (!account.empty()) f.set("user.name", account);
  if (!error.empty()) f.set("event.reason", error);
  string_view action = "mail_auth";
  if (admin) {
    action = "admin_login";
  } else if (protocol == "imap") {
    action = "imap_login";
  } else if (protocol == "pop3") {
    action = "pop3_login";
  } else if (protocol == "soap" || protocol == "http_basic" || protocol == "zsync" ||
             protocol == "http") {
    action = "webmail_login";
  }
  mail::set_event(f, "zimbra", "authentication", action, error.empty() ? "success" : "failure");
  return true;
}

// Its entry in the decoder registry (decoder_registry.h): a file format, found by its first
// bytes ("YYYY-MM-DD HH:MM:SS,mmm ").
namespace {

constexpr std::string_view kZimbraFormats[] = {"Zimbra audit.log / mailbox.log security lines"};

}  // namespace

extern constinit const DecoderSpec kZimbraDecoder{
    .name = "zimbra",
    .description = "Zimbra IMAP/POP3/web/admin authentication results",
    .programs = {},
    .formats = kZimbraFormats,
};

}  // namespace soc
