#include "collector/decode/php.h"

#include "collector/decode/decoder_registry.h"
#include "collector/decode/text.h"
#include "collector/decode/web_error.h"
#include "common/event_dataset.h"

namespace soc {
namespace {

bool decode_php_program(std::string_view msg, const ReadTime&, Fields& f, std::optional<SysTime>&) {
  return decode_php(msg, f);
}

constexpr std::string_view kPrograms[] = {"suhosin",    "php",        "php-fpm",    "php-fpm7.4",
                                          "php-fpm8.1", "php-fpm8.2", "php-fpm8.3", "php7.4-fpm",
                                          "php8.1-fpm", "php8.2-fpm", "php8.3-fpm"};
constexpr std::string_view kFormats[] = {"PHP error_log lines (PHP Warning / Fatal error ...)",
                                         "PHP-FPM log lines", "Suhosin ALERT lines"};

}  // namespace

bool decode_php(std::string_view line, Fields& f) {
  const auto has = [line](std::string_view w) { return line.find(w) != std::string_view::npos; };
  const bool suhosin = has("ALERT - ");
  if (!suhosin && !has("PHP ") && !has("Primary script unknown")) return false;
  Fields probe;
  set_php_fields(line, probe);
  if (!probe.get("event.action") && !probe.get("error.type")) return false;
  set_php_fields(line, f);
  f.set("message", line);
  if (!f.get("event.dataset")) f.set("event.dataset", kDatasetWebApp);
  if (!f.get("service.name")) f.set("service.name", suhosin ? "suhosin" : "php");
  return true;
}

extern constinit const DecoderSpec kPhpDecoder{
    .name = "php",
    .description = "PHP error_log and PHP-FPM lines, Suhosin alerts",
    .programs = kPrograms,
    .formats = kFormats,
    .decode = decode_php_program,
};

}  // namespace soc
