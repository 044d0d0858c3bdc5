// Who is in the collector's consumer group: any local user can join the group of the embedded
// broker and take partitions away, so the collector looks and reports members that are not its own.
#pragma once

#include <librdkafka/rdkafka.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace soc {

inline constexpr const char* kCollectorClientId = "soc-collector";

struct GroupMember {
  std::string member_id;
  std::string client_id;            // what the member says it is (any client can claim any id)
  std::string client_host;          // as the broker saw it, e.g. "/127.0.0.1"
  std::vector<int32_t> partitions;  // of the collector's topic
};

// The partitions of `topic` in a consumer-protocol MemberAssignment (version, [topic,
// [partition]], user data; big-endian). Errors on truncated or malformed bytes.
Result<std::vector<int32_t>> parse_member_assignment(const void* data, size_t size,
                                                     std::string_view topic);

// The members of `group` and their partitions of `topic` (a ListGroups/DescribeGroups round trip).
Result<std::vector<GroupMember>> list_group_members(rd_kafka_t* rk, const std::string& group,
                                                    const std::string& topic, int timeout_ms);

}  // namespace soc
