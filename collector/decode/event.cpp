#include "collector/decode/event.h"

namespace soc {

void Fields::set(std::string_view name, std::string value) {
  for (auto& [k, v] : items_) {
    if (k == name) {
      v = std::move(value);
      return;
    }
  }
  items_.emplace_back(std::string(name), std::move(value));
}

std::optional<std::string_view> Fields::get(std::string_view name) const {
  for (const auto& [k, v] : items_) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

}  // namespace soc
