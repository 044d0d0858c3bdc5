// An event as detection sees it: the envelope it came in and the fields decoders extracted.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/envelope.h"

namespace soc {

// Decoded fields, ECS-style names ("host.name", "source.ip", "message" ...). A flat vector: events
// carry a dozen fields, and a linear scan over them beats a hash map at that size.
class Fields {
 public:
  void set(std::string_view name, std::string value);
  std::optional<std::string_view> get(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& all() const { return items_; }
  void clear() { items_.clear(); }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

struct Event {
  Envelope env;
  // The time the logged thing happened: the log line's own timestamp when it has one, else the
  // agent's read time. Windows and thresholds are measured in this time.
  SysTime time{};
  Fields fields;
};

}  // namespace soc
