// libFuzzer target for the syslog server's stream framer (newline, octet counting, auto): any
// bytes, split into reads at fuzzer-chosen places. It may not crash, hang or hand out a message
// that breaks the bounds: non-empty, at most max_message_bytes, buffer at most that much.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "agent/inputs/syslog_framing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  // Byte 0: framing mode and a maximum (small maxima reach the truncation paths quickly).
  const auto mode = static_cast<soc::SyslogFraming>(data[0] % 3);
  const size_t max = 1 + (static_cast<size_t>(data[0] >> 2) * 37);
  // Byte 1: the seed of the read sizes.
  unsigned split = data[1];
  std::string_view bytes(reinterpret_cast<const char*>(data + 2), size - 2);

  soc::SyslogFramer framer(mode, max);
  size_t emitted = 0;
  const auto sink = [&](std::string_view text, bool) {
    if (text.empty() || text.size() > max) std::abort();
    emitted += text.size();
  };
  while (!bytes.empty()) {
    split = split * 1103515245u + 12345u;
    const size_t n = 1 + (split >> 16) % 512;
    const auto piece = bytes.substr(0, n);
    bytes.remove_prefix(piece.size());
    if (framer.feed(piece, sink) != soc::SyslogFramer::Result::kOk) break;
    if (framer.buffered() > max + 8) std::abort();  // the pending message plus <= 8 length digits
  }
  framer.finish(sink);
  if (emitted > size) std::abort();  // nothing is invented
  return 0;
}
