#include "collector/decode/qmail.h"

#include "collector/decode/decoder_registry.h"
#include "collector/decode/mail_common.h"
#include "collector/decode/text.h"

namespace soc {

using std::string_view;
using text::consume;
using text::npos;

bool decode_qmail(string_view program, string_view message, Fields& f) {
  string_view s = message;
  // multilog/splogger: "1157520813.485077 rblsmtpd: ..." under the tag "qmail".
  if (!s.empty() && text::is_digit(s.front())) {
    const size_t space = s.find(' ');
    if (space == npos) return false;
    s.remove_prefix(space + 1);
  }
  if (consume(s, "rblsmtpd: ")) {
    program = "rblsmtpd";
  } else if (consume(s, "qmail-smtpd: ")) {
    program = "qmail-smtpd";
  }
  string_view ip;
  if (program == "rblsmtpd") {
    if (const size_t blocked = s.find(" blocked "); blocked != npos) {
      string_view rest = s.substr(blocked + 9);
      ip = text::next_token(rest);
    } else {
      string_view rest = s;
      ip = text::next_token(rest);
    }
  } else if (program == "qmail-smtpd") {
    const size_t at = s.find("badiprbl: ip ");
    if (at == npos) return false;
    string_view rest = s.substr(at + 13);
    ip = text::next_token(rest);
  }
  ip = mail::clean_ip(ip);
  if (ip.empty()) return false;
  f.set("source.ip", ip);
  f.set("event.reason", s);
  mail::set_event(f, "qmail", "email", "smtp_dnsbl", "failure");
  return true;
}

// Its entry in the decoder registry (decoder_registry.h).
namespace {

constexpr std::string_view kQmailPrograms[] = {"qmail", "rblsmtpd", "qmail-smtpd"};
constexpr std::string_view kQmailFormats[] = {"qmail rblsmtpd / qmail-smtpd messages"};

bool decode_qmail_program(std::string_view msg, const ReadTime& /*read*/, Fields& fields,
                          std::optional<SysTime>& /*time*/) {
  return decode_qmail(mail::program_of(fields), msg, fields);
}

}  // namespace

extern constinit const DecoderSpec kQmailDecoder{
    .name = "qmail",
    .description = "qmail rblsmtpd and qmail-smtpd blocklist refusals",
    .programs = kQmailPrograms,
    .formats = kQmailFormats,
    .decode = decode_qmail_program,
};

}  // namespace soc
