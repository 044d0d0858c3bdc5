// An event as detection sees it: the envelope it came in and the fields decoders extracted.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/envelope.h"

namespace soc {

// Decoded fields, ECS-style names ("host.name", "source.ip", "message" ...), in a flat vector
// found through a small open-addressing index of slot numbers: an audit event carries some forty
// fields, and a linear scan per set() made decoding quadratic. clear() keeps the slots and their
// string buffers, so an Event reused line after line (as the pipeline does) decodes without
// allocating once the buffers have grown.
class Fields {
 public:
  using Item = std::pair<std::string, std::string>;

  // Sets or replaces `name`. `value` may point into this Fields (it is copied safely).
  void set(std::string_view name, std::string_view value);
  std::optional<std::string_view> get(std::string_view name) const;
  // The fields set since the last clear(), in the order first set.
  std::span<const Item> all() const { return {items_.data(), size_}; }
  size_t size() const { return size_; }
  void clear() {
    size_ = 0;
    index_.fill(0);
  }

 private:
  static constexpr size_t kIndexSlots = 128;  // a power of two
  static constexpr size_t kIndexed = 96;      // fields past this many are found by a scan
  // The index slot `name` probes first.
  static size_t home(std::string_view name);
  // Where `name` is in items_, or size_.
  size_t find(std::string_view name) const;

  std::vector<Item> items_;  // [0, size_) live; the rest are spare slots with their capacity
  size_t size_ = 0;
  std::array<uint8_t, kIndexSlots> index_{};  // item number + 1, or 0 for an empty slot
};

struct Event {
  Envelope env;
  // The time the logged thing happened: the log line's own timestamp when it has one, else the
  // agent's read time. Windows and thresholds are measured in this time.
  SysTime time{};
  // The line claimed a time further ahead of the agent's read time than the decoder tolerates
  // (Decoder's future_tolerance): `time` is then the read time, so a forged future date cannot
  // move the detector's clock and close a host's open threshold groups.
  bool time_untrusted = false;
  Fields fields;
};

}  // namespace soc
