#include "collector/group_members.h"

#include <fmt/format.h>

#include <memory>

namespace soc {
namespace {

// Big-endian reader that fails instead of reading past the end.
class Reader {
 public:
  Reader(const void* data, size_t size) : p_(static_cast<const unsigned char*>(data)), n_(size) {}
  bool i16(int16_t& v) { return read(2, v); }
  bool i32(int32_t& v) { return read(4, v); }
  bool str(std::string_view& s) {
    int16_t len = 0;
    if (!i16(len) || len < 0 || static_cast<size_t>(len) > n_ - at_) return false;
    s = std::string_view(reinterpret_cast<const char*>(p_ + at_), static_cast<size_t>(len));
    at_ += static_cast<size_t>(len);
    return true;
  }

 private:
  template <typename T>
  bool read(size_t bytes, T& v) {
    if (n_ - at_ < bytes) return false;
    uint32_t u = 0;
    for (size_t i = 0; i < bytes; ++i) u = (u << 8) | p_[at_ + i];
    at_ += bytes;
    v = static_cast<T>(u);
    return true;
  }
  const unsigned char* p_;
  size_t n_;
  size_t at_ = 0;
};

struct GroupListDelete {
  void operator()(const rd_kafka_group_list* l) const { rd_kafka_group_list_destroy(l); }
};

}  // namespace

Result<std::vector<int32_t>> parse_member_assignment(const void* data, size_t size,
                                                     std::string_view topic) {
  std::vector<int32_t> out;
  if (size == 0) return out;  // a member not assigned anything yet
  Reader r(data, size);
  int16_t version = 0;
  int32_t topics = 0;
  if (!r.i16(version) || !r.i32(topics) || topics < 0) return Error{"malformed assignment"};
  for (int32_t t = 0; t < topics; ++t) {
    std::string_view name;
    int32_t count = 0;
    if (!r.str(name) || !r.i32(count) || count < 0) return Error{"malformed assignment"};
    for (int32_t i = 0; i < count; ++i) {
      int32_t partition = 0;
      if (!r.i32(partition)) return Error{"malformed assignment"};
      if (name == topic) out.push_back(partition);
    }
  }
  return out;
}

Result<std::vector<GroupMember>> list_group_members(rd_kafka_t* rk, const std::string& group,
                                                    const std::string& topic, int timeout_ms) {
  const rd_kafka_group_list* raw = nullptr;
  if (const auto e = rd_kafka_list_groups(rk, group.c_str(), &raw, timeout_ms)) {
    return Error{fmt::format("cannot describe group {}: {}", group, rd_kafka_err2str(e))};
  }
  const std::unique_ptr<const rd_kafka_group_list, GroupListDelete> list(raw);
  std::vector<GroupMember> members;
  for (int g = 0; g < list->group_cnt; ++g) {
    const rd_kafka_group_info& info = list->groups[g];
    if (info.group == nullptr || group != info.group) continue;
    for (int m = 0; m < info.member_cnt; ++m) {
      const rd_kafka_group_member_info& mi = info.members[m];
      GroupMember member;
      member.member_id = mi.member_id != nullptr ? mi.member_id : "";
      member.client_id = mi.client_id != nullptr ? mi.client_id : "";
      member.client_host = mi.client_host != nullptr ? mi.client_host : "";
      auto parts = parse_member_assignment(mi.member_assignment,
                                           static_cast<size_t>(mi.member_assignment_size), topic);
      if (parts) member.partitions = std::move(*parts);
      members.push_back(std::move(member));
    }
  }
  return members;
}

}  // namespace soc
