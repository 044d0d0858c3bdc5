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
constexpr std::string_view kWebFormats[] = {"NCSA common / combined / vhost_combined access log",
                                            "Apache 2.2 / 2.4 error log", "nginx error log"};

}  // namespace

extern constinit const DecoderSpec kWebDecoder{
    .name = "web",
    .description = "Web server access and error logs, from a file or through syslog",
    .programs = kWebPrograms,
    .formats = kWebFormats,
    .decode = decode_web,
};

}  // namespace soc
