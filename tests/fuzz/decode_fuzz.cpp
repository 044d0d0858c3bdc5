// libFuzzer target for the collector's decoding stage: any bytes as a soc.events message value,
// and the same bytes as a raw log line. Neither may crash, hang or throw.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "collector/decode/decoder.h"
#include "collector/decode/envelope_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const soc::Decoder decoder;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  auto parsed = soc::parse_envelope(bytes);
  if (parsed.ok()) {
    soc::Event event;
    event.env = std::move(parsed.value());
    decoder.decode(event);
  }

  // As a line: the first byte picks the envelope's read time (zone, year boundary, unusable).
  static constexpr std::string_view kTimes[] = {"2026-11-23T10:05:00.000+07:00",
                                                "2027-01-01T00:00:03Z",
                                                "2028-02-29T23:59:59.999-05:30", "not a time"};
  soc::Event event;
  event.env.agent = "fuzz";
  event.env.host = "fuzz.example";
  event.env.src = "file:/var/log/auth.log";
  event.env.ts = std::string(kTimes[size == 0 ? 0 : data[0] % std::size(kTimes)]);
  event.env.msg = std::string(bytes.substr(size == 0 ? 0 : 1));
  decoder.decode(event);
  return 0;
}
