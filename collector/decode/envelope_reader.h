// Reading the event envelope (DESIGN.md "Event envelope") back from a soc.events message value.
#pragma once

#include <string_view>

#include "common/envelope.h"
#include "common/result.h"

namespace soc {

// Parses the JSON written by to_json() in common/envelope.h. Never throws; any bytes give either an
// Envelope or an Error that names what is wrong ("not JSON: ...", "missing field 'msg'", ...).
// Strings are unescaped, except that the agent's "\\xNN" escapes for invalid UTF-8 stay as the four
// characters \xNN. Required: v (== 1), agent, host, src, seq, ts, msg. Optional: org (default ""),
// trunc (default false). Unknown fields are ignored so newer agents can add fields; a known field
// given twice is an error, so no two readers can disagree about which copy counts.
Result<Envelope> parse_envelope(std::string_view json);

}  // namespace soc
