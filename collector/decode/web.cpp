#include "collector/decode/web.h"

#include <string>

#include "collector/decode/access_log.h"
#include "collector/decode/apache_error.h"
#include "collector/decode/decoder_registry.h"
#include "collector/decode/lighttpd.h"
#include "collector/decode/nginx_error.h"
#include "collector/decode/php.h"
#include "collector/decode/webapp_auth.h"

namespace soc {

namespace {

// A web server's message already decoded: a web application that writes through the server's
// error log (Horde's "[error] [horde] FAILED LOGIN ...") still names its login.
bool add_webapp_fields(Fields& fields) {
  if (fields.get("event.action")) return true;
  if (const auto message = fields.get("message")) {
    const std::string copy(*message);  // setting fields may move the stored message
    decode_webapp_auth(copy, fields);
  }
  return true;
}

bool decode_web_line(std::string_view msg, const ReadTime& read, Fields& fields,
                     std::optional<SysTime>& time) {
  if (msg.front() == '[') {
    if (decode_apache_error(msg, read, fields, time) ||
        decode_nginx_error(msg, read, fields, time)) {
      return add_webapp_fields(fields);
    }
  } else if (decode_access_log(msg, fields, time) || decode_lighttpd(msg, read, fields, time)) {
    return true;
  } else if (decode_nginx_error(msg, read, fields, time)) {
    return add_webapp_fields(fields);
  }
  // The web applications' own files (PHP, admin panels) have shapes of their own.
  return decode_php(msg, fields) || decode_webapp_auth(msg, fields);
}

}  // namespace

bool decode_web(std::string_view msg, const ReadTime& read, Fields& fields,
                std::optional<SysTime>& time) {
  if (msg.empty()) return false;
  if (decode_web_line(msg, read, fields, time)) return true;
  // "HOST PROGRAM[PID]: MESSAGE" without a date (a syslog template that leaves it out).
  const size_t tag_end = msg.find("]: ");
  if (tag_end == std::string_view::npos || tag_end > 80) return false;
  const size_t space = msg.find(' ');
  if (space == std::string_view::npos || space > tag_end || msg.find(' ', space + 1) < tag_end) {
    return false;
  }
  const std::string_view rest = msg.substr(tag_end + 3);
  return !rest.empty() && decode_web_line(rest, read, fields, time);
}

// Its entry in the decoder registry (decoder_registry.h).
namespace {

constexpr std::string_view kWebPrograms[] = {"nginx", "apache",        "apache2",
                                             "httpd", "apache-access", "apache-error"};
constexpr std::string_view kWebFormats[] = {"NCSA common / combined / vhost_combined access log",
                                            "Apache 2.2 / 2.4 error log", "nginx error log",
                                            "then lighttpd, PHP and web application lines"};

}  // namespace

extern constinit const DecoderSpec kWebDecoder{
    .name = "web",
    .description = "Web server access and error logs, from a file or through syslog",
    .programs = kWebPrograms,
    .formats = kWebFormats,
    .decode = decode_web,
};

}  // namespace soc
