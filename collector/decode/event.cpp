#include "collector/decode/event.h"

#include <cstring>

namespace soc {

namespace {

// Names of equal length mostly differ in their first or last byte ("host.name", "user.name"):
// checking those first avoids a memcmp call on nearly every comparison.
bool same_name(const std::string& a, std::string_view b) {
  return a.size() == b.size() && (b.empty() || (a.front() == b.front() && a.back() == b.back() &&
                                                std::memcmp(a.data(), b.data(), b.size()) == 0));
}

}  // namespace

size_t Fields::home(std::string_view name) {
  // Cheap and good enough for field names: they differ in length or in their first, middle or
  // last bytes ("auditd.data.a0" .. "a3", "uid" / "gid" / "euid").
  if (name.empty()) return 0;
  const auto at = [&](size_t i) {
    return static_cast<size_t>(static_cast<unsigned char>(name[i]));
  };
  const size_t h = name.size() * 0x9E3779B1u ^ at(0) * 0x85EBCA77u ^
                   at(name.size() - 1) * 0xC2B2AE3Du ^ at(name.size() / 2) * 0x27D4EB2Fu;
  return (h ^ (h >> 15)) & (kIndexSlots - 1);
}

size_t Fields::find(std::string_view name) const {
  for (size_t slot = home(name);; slot = (slot + 1) & (kIndexSlots - 1)) {
    const uint8_t item = index_[slot];
    if (item == 0) break;
    if (same_name(items_[item - 1].first, name)) return item - 1;
  }
  for (size_t i = kIndexed; i < size_; ++i) {
    if (same_name(items_[i].first, name)) return i;
  }
  return size_;
}

void Fields::set(std::string_view name, std::string_view value) {
  if (const size_t i = find(name); i < size_) {
    items_[i].second.assign(value.data(), value.size());  // assign copes with overlap
    return;
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
  if (size_ < kIndexed) {
    size_t slot = home(name);
    while (index_[slot] != 0) slot = (slot + 1) & (kIndexSlots - 1);
    index_[slot] = static_cast<uint8_t>(size_ + 1);
  }
  ++size_;
}

std::optional<std::string_view> Fields::get(std::string_view name) const {
  const size_t i = find(name);
  if (i < size_) return std::string_view(items_[i].second);
  return std::nullopt;
}

}  // namespace soc
