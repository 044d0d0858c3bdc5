#include "collector/decode/web.h"

#include <string>

#include "collector/decode/access_log.h"
#include "collector/decode/apache_error.h"
#include "collector/decode/decoder_registry.h"
#include "collector/decode/lighttpd.h"
#include "collector/decode/nginx_error.h"
#include "collector/decode/php.h"
#include "collector/decode/text.h"
#include "collector/decode/webapp_auth.h"
#include "common/event_dataset.h"

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

// An access log written by a forward proxy (its program, or a file its path names) is a proxy's:
// its clients are the inside hosts, not internet visitors.
std::string_view access_dataset(const Fields& fields) {
  static constexpr std::string_view kProxies[] = {"squid", "haproxy", "tinyproxy", "privoxy",
                                                  "3proxy"};
  const std::string_view program = fields.get("process.name").value_or("");
  const std::string_view path = fields.get("log.file.path").value_or("");
  for (const std::string_view p : kProxies) {
    if (program == p || path.find(p) != std::string_view::npos) return kDatasetProxyAccess;
  }
  return kDatasetWebAccess;
}

bool error_line(Fields& fields) {
  fields.set("event.dataset", kDatasetWebError);
  return add_webapp_fields(fields);
}

bool decode_web_line(std::string_view msg, const ReadTime& read, Fields& fields,
                     std::optional<SysTime>& time) {
  if (msg.front() == '[') {
    if (decode_apache_error(msg, read, fields, time) ||
        decode_nginx_error(msg, read, fields, time)) {
      return error_line(fields);
    }
  } else if (decode_access_log(msg, fields, time)) {
    fields.set("event.dataset", access_dataset(fields));
    return true;
  } else if (decode_lighttpd(msg, read, fields, time)) {
    return true;
  } else if (decode_nginx_error(msg, read, fields, time)) {
    return error_line(fields);
  }
  // The web applications' own files (PHP, admin panels) have shapes of their own.
  return decode_php(msg, fields) || decode_webapp_auth(msg, fields);
}

}  // namespace

bool decode_web(std::string_view msg, const ReadTime& read, Fields& fields,
                std::optional<SysTime>& time) {
  if (msg.empty()) return false;
  if (decode_web_line(msg, read, fields, time)) return true;
  // "HOST PROGRAM[PID]: MESSAGE" without a date (a syslog template that leaves it out), at most
  // twice ("host nginx[1]: host nginx: ..." when a relay adds its own).
  for (int depth = 0; depth < 2; ++depth) {
    const size_t tag_end = msg.find(": ");
    const size_t space = msg.find(' ');
    if (tag_end == std::string_view::npos || tag_end > 80 || space == std::string_view::npos ||
        space > tag_end || msg.find(' ', space + 1) < tag_end) {
      return false;
    }
    msg.remove_prefix(tag_end + 2);
    if (!msg.empty() && decode_web_line(msg, read, fields, time)) return true;
  }
  return false;
}

// Its entry in the decoder registry (decoder_registry.h).
namespace {

constexpr std::string_view kWebPrograms[] = {"nginx", "apache",        "apache2",
                                             "httpd", "apache-access", "apache-error"};
// An access line starts with a client address (IPv4 digits, IPv6 hex or ':'), an error line with
// '['. An access line led by a virtual host ("portal.example.gov.vn:443 203.0.113.7 - - [...]
// "GET") or a client host name (HostnameLookups On) starts with any letter: such a line is taken
// when it holds '] "', unless it starts with '{' or '@', which are JSON's whatever follows.
bool led_by_address(std::string_view text) {
  const char c = text.front();
  return c == '[' || c == ':' || text::is_hex_digit(c);
}

// A letter-led text that may be a web line: a vhost access line, Grafana's logfmt ("t=",
// "logger="), Guacamole's "WARNING:", Drupal's "https://...|", Monitorix's and OpenWebMail's
// weekday dates, web applications' login texts, or "HOST PROGRAM[PID]: " without a date. Other
// programs' messages skip the web chain (it costs about as much as the rest of decoding).
bool may_be_web_line(std::string_view msg) {
  static constexpr std::string_view kStarts[] = {
      "t=",   "logger=",      "lvl=",         "level=",       "http", "WARN",
      "Mon ", "Tue ",         "Wed ",         "Thu ",         "Fri ", "Sat ",
      "Sun ", "FAILED LOGIN", "Failed Login", "LOGIN FAILED", "SOGo"};
  for (const std::string_view start : kStarts) {
    if (msg.starts_with(start)) return true;
  }
  if (msg.find("] \"") != std::string_view::npos) return true;
  const size_t tag_end = msg.find("]: ");  // "HOST PROGRAM[PID]: ": one space before the tag
  const size_t space = msg.find(' ');
  return tag_end != std::string_view::npos && tag_end < 80 && space < tag_end &&
         msg.find(' ', space + 1) > tag_end;
}

bool web_shape(std::string_view text) {
  if (led_by_address(text)) return true;
  const char c = text.front();
  return c != '{' && c != '@' && may_be_web_line(text);
}

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
    .shape =
        {.test = web_shape,
         .text = "'[', a digit, ':' or a-f; or a letter-led line that may be a web line ('] \"', a "
                 "web application's log prefix, 'HOST PROG[PID]: ')",
         .decode = decode_web},
};

}  // namespace soc
