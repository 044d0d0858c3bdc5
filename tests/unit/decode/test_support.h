// What the decoder tests share: times written as RFC 3339 text, and what a decoder of the shape
// bool(line, Fields&, optional<SysTime>&) yields for a line it must recognise.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string_view>

#include "collector/decode/event.h"
#include "common/clock.h"

namespace soc::test {

using Opt = std::optional<std::string_view>;

inline SysTime at(std::string_view rfc3339) {
  return parse_rfc3339(rfc3339).value_or(SysTime{});
}

struct Decoded {
  Fields f;
  std::optional<SysTime> time;
};

template <class DecodeFn>
Decoded decoded_by(const DecodeFn& decode, std::string_view line) {
  Decoded d;
  EXPECT_TRUE(decode(line, d.f, d.time)) << line;
  return d;
}

}  // namespace soc::test
