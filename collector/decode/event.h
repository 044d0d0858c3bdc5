// An event as detection sees it: the envelope it came in and the fields decoders extracted.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/envelope.h"

namespace soc {

// Decoded fields, ECS-style names ("host.name", "source.ip", "message" ...). A flat vector: events
// carry a dozen fields, and a linear scan over them beats a hash map at that size. clear() keeps
// the slots and their string buffers, so an Event reused line after line (as the pipeline does)
// decodes without allocating once the buffers have grown.
class Fields {
 public:
  using Item = std::pair<std::string, std::string>;

  // Sets or replaces `name`. `value` may point into this Fields (it is copied safely).
  void set(std::string_view name, std::string_view value);
  std::optional<std::string_view> get(std::string_view name) const;
  // The fields set since the last clear(), in the order first set.
  std::span<const Item> all() const { return {items_.data(), size_}; }
  size_t size() const { return size_; }
  void clear() { size_ = 0; }

 private:
  std::vector<Item> items_;  // [0, size_) live; the rest are spare slots with their capacity
  size_t size_ = 0;
};

struct Event {
  Envelope env;
  // The time the logged thing happened: the log line's own timestamp when it has one, else the
  // agent's read time. Windows and thresholds are measured in this time.
  SysTime time{};
  Fields fields;
};

}  // namespace soc
