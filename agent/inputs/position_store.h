// Where inputs keep their acknowledged positions. The inputs own this interface so that they
// depend on nothing of the agent around them; the agent's CheckpointStore implements it.
#pragma once

#include <optional>
#include <string>

namespace soc {

// Positions are opaque strings owned by the inputs ("dev ino offset" for a file, a cursor for
// the journal), keyed by what they belong to ("file:/var/log/auth.log").
class PositionStore {
 public:
  virtual ~PositionStore() = default;
  virtual std::optional<std::string> get(const std::string& key) const = 0;
  // Keys and values may hold any bytes but newline and tab in values.
  virtual void set(const std::string& key, std::string value) = 0;
};

}  // namespace soc
