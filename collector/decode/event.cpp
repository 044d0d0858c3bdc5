#include "collector/decode/event.h"

namespace soc {

void Fields::set(std::string_view name, std::string_view value) {
  for (size_t i = 0; i < size_; ++i) {
    if (items_[i].first == name) {
      items_[i].second.assign(value.data(), value.size());  // assign copes with overlap
      return;
    }
  }
  if (size_ < items_.size()) {
    Item& slot = items_[size_];
    // A spare slot's old bytes may be what `value` views (a field cleared and re-read):
    // assign() handles that overlap.
    slot.first.assign(name.data(), name.size());
    slot.second.assign(value.data(), value.size());
  } else {
    // Growing may move every string `value` could point into: copy it first.
    Item item{std::string(name), std::string(value)};
    items_.push_back(std::move(item));
  }
  ++size_;
}

std::optional<std::string_view> Fields::get(std::string_view name) const {
  for (size_t i = 0; i < size_; ++i) {
    if (items_[i].first == name) return std::string_view(items_[i].second);
  }
  return std::nullopt;
}

}  // namespace soc
