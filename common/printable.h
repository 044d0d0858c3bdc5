// Text that came from a log, made safe to show on a terminal or to write into our own log.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace soc {

// Everything an attacker can put in a log line reaches an analyst's terminal and our own journal.
// printable() turns what could move the cursor, recolour or retitle the screen, forge a new log
// line, or reorder or hide what is shown into visible escapes: C0 controls (newline included), DEL
// and C1 controls (\xNN or \u00NN), line and paragraph separators (U+2028, U+2029), zero-width
// and direction marks (U+200B..U+200F), bidirectional embeddings, overrides and isolates
// (U+202A..U+202E, U+2066..U+2069), the byte-order mark (U+FEFF), and bytes that are not valid
// UTF-8 (\xNN). A tab becomes a space. Valid text (Vietnamese included) passes unchanged.
std::string printable(std::string_view text);

// printable(), cut to at most `max_bytes` of input with "…(N bytes)" appended when longer: for our
// own log lines, where one event must not write megabytes.
std::string printable_bounded(std::string_view text, size_t max_bytes = 256);

// Length of the valid UTF-8 sequence starting at text[i] (1 to 4), or 0 when the bytes there are
// not valid UTF-8 (overlong forms and surrogates included).
size_t utf8_sequence_length(std::string_view text, size_t i);

// True when printable(text) would change nothing.
bool is_printable(std::string_view text);

// JSON for a terminal. JSON allows DEL, C1 controls, line separators, zero-width, direction and
// bidi marks and the BOM raw inside strings, and a terminal would act on them: json_safe() takes
// text nlohmann::json dumped (which escapes C0 controls in strings and puts only spaces and
// newlines between tokens) and writes each of those code points as \uXXXX, and a byte that is not
// valid UTF-8 as \ufffd. They can only occur inside strings, so parsing the result gives back the
// same values; other text (Vietnamese included) stays readable.
std::string json_safe(std::string_view dumped);

}  // namespace soc
