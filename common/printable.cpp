#include "common/printable.h"

#include <fmt/format.h>

namespace soc {
namespace {

// Decodes the UTF-8 sequence at s[i]; returns its length (0 if invalid) and sets `cp`.
size_t decode_utf8(std::string_view s, size_t i, char32_t& cp) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) {
    cp = c;
    return 1;
  }
  size_t n = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (s.size() - i < n) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  const bool overlong = (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000);
  const bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
  if (overlong || surrogate || cp > 0x10FFFF) return 0;
  return n;
}

// Unsafe on a terminal besides the C0 controls.
bool unsafe_above_c0(char32_t cp) {
  return cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) ||  // DEL, C1 (8-bit CSI, NEL)
         (cp >= 0x200B && cp <= 0x200F) ||            // zero-width and direction marks
         cp == 0x2028 || cp == 0x2029 ||              // line and paragraph separators
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||  // bidi controls
         cp == 0xFEFF;                                                        // byte-order mark
}

bool unsafe(char32_t cp) {
  return cp < 0x20 || unsafe_above_c0(cp);
}

void escape(std::string_view s, std::string& out) {
  for (size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    const size_t n = decode_utf8(s, i, cp);
    if (n == 0) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(s[i]));
      ++i;
      continue;
    }
    if (cp == '\t') {
      out += ' ';  // keeps columns and lines readable
    } else if (unsafe(cp)) {
      out += cp < 0x80 ? fmt::format("\\x{:02x}", static_cast<unsigned>(cp))
                       : fmt::format("\\u{:04x}", static_cast<unsigned>(cp));
    } else {
      out.append(s.data() + i, n);
    }
    i += n;
  }
}

}  // namespace

size_t utf8_sequence_length(std::string_view text, size_t i) {
  char32_t cp = 0;
  return decode_utf8(text, i, cp);
}

std::string printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  escape(s, out);
  return out;
}

std::string printable_bounded(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return printable(s);
  // Cut on a code point boundary so the cut itself does not read as an invalid byte.
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  std::string out;
  out.reserve(cut + 24);
  escape(s.substr(0, cut), out);
  out += fmt::format("…({} bytes)", s.size());
  return out;
}

bool is_printable(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    const size_t n = decode_utf8(s, i, cp);
    if (n == 0 || cp == '\t' || unsafe(cp)) return false;
    i += n;
  }
  return true;
}

std::string json_safe(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    const size_t n = decode_utf8(s, i, cp);
    if (n == 0) {
      out += "\\ufffd";  // the replacement character, as nlohmann's error_handler_t::replace
      ++i;
      continue;
    }
    if (unsafe_above_c0(cp)) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(cp));
    } else {
      out.append(s.data() + i, n);
    }
    i += n;
  }
  return out;
}

}  // namespace soc
