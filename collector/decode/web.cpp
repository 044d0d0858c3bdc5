#include "collector/decode/web.h"

#include "collector/decode/access_log.h"
#include "collector/decode/apache_error.h"
#include "collector/decode/decoder_registry.h"
#include "collector/decode/nginx_error.h"

namespace soc {

bool decode_web(std::string_view msg, const ReadTime& read, Fields& fields,
                std::optional<SysTime>& time) {
  if (msg.empty()) return false;
  if (msg.front() == '[') {
    return decode_apache_error(msg, read, fields, time) ||
           decode_nginx_error(msg, read, fields, time);
  }
  return decode_access_log(msg, fields, time) || decode_nginx_error(msg, read, fields, time);
}

// Its entry in the decoder registry (decoder_registry.h).
namespace {

constexpr std::string_view kWebPrograms[] = {"nginx", "apache",        "apache2",
                                             "httpd", "apache-access", "apache-error"};
bool is_hex_letter(char c) {
  return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// An access line starts with a client address (IPv4 digits, IPv6 hex or ':'), an error line with
// '['. An access line led by a virtual host ("portal.example.gov.vn:443 203.0.113.7 - - [...]
// "GET") or a client host name (HostnameLookups On) starts with any letter: such a line is taken
// when it holds '] "', unless it starts with '{' or '@', which are JSON's whatever follows.
bool led_by_address(std::string_view text) {
  const char c = text.front();
  return c == '[' || (c >= '0' && c <= '9') || c == ':' || is_hex_letter(c);
}

bool web_shape(std::string_view text) {
  if (led_by_address(text)) return true;
  const char c = text.front();
  return c != '{' && c != '@' && text.find("] \"") != std::string_view::npos;
}

bool decode_web_shape(std::string_view text, const ReadTime& read, Fields& fields,
                      std::optional<SysTime>& time) {
  if (led_by_address(text)) return decode_web(text, read, fields, time);
  return decode_access_log(text, fields, time);
}

constexpr std::string_view kWebFormats[] = {"NCSA common / combined / vhost_combined access log",
                                            "Apache 2.2 / 2.4 error log", "nginx error log"};

}  // namespace

extern constinit const DecoderSpec kWebDecoder{
    .name = "web",
    .description = "Web server access and error logs, from a file or through syslog",
    .programs = kWebPrograms,
    .formats = kWebFormats,
    .decode = decode_web,
    .shape = {.test = web_shape,
              .text =
                  "'[', a digit, ':' or a-f; or a line holding '] \"' (a virtual host or client "
                  "name first)",
              .decode = decode_web_shape},
};

}  // namespace soc
