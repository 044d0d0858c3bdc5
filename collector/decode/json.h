// Fields from JSON lines: a log line (or a syslog MSG, optionally after rsyslog's "@cee:") that is
// one JSON object.
#pragma once

#include <optional>
#include <string_view>

#include "collector/decode/event.h"
#include "common/clock.h"

namespace soc {

inline constexpr int kJsonMaxDepth = 8;        // object nesting kept; deeper values are dropped
inline constexpr size_t kJsonMaxFields = 128;  // fields set per line; the rest are dropped

// Flattens a JSON object into fields named by dot paths: {"a":{"b":1}} sets "a.b" = "1". Strings
// are unescaped; numbers are written back in shortest form (integers exactly); true / false as
// "true" / "false"; null as "". An array of scalars becomes one field with the elements joined
// by ',' ({"tags":["a","b"]} -> "tags" = "a,b", [] -> ""); an array holding objects or arrays is
// indexed instead ({"x":[{"y":1}]} -> "x.0.y"). A key that names a field the collector owns
// ("event.original", "agent.id", "organization.id", "log.file.path", "host.name",
// "event.json_truncated", or an object path that spells one) is stored under "json." + key
// instead, so a log line cannot pass itself off as another agent, tenant or host. Values deeper
// than kJsonMaxDepth, fields past kJsonMaxFields and values under an empty key are dropped and
// counted in "event.json_truncated". The first of "@timestamp", "timestamp", "time" that is an RFC
// 3339 string sets `time`. Returns false and sets nothing when `text` is not a JSON object.
bool decode_json(std::string_view text, Fields& fields, std::optional<SysTime>& time);

// True when `text` may be a JSON object (starts with '{' or "@cee:"), cheap enough for dispatch.
bool looks_like_json(std::string_view text);

}  // namespace soc
