#include "common/envelope.h"

#include <array>

namespace soc {
namespace {

constexpr std::array<char, 16> kHex = {'0', '1', '2', '3', '4', '5', '6', '7',
                                       '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};

// Length of the valid UTF-8 sequence starting at s[i], or 0 when the byte starts none.
// Follows RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF.
size_t utf8_sequence_length(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  const size_t left = s.size() - i;
  const auto cont = [&](size_t k) { return (b(k) & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return left >= 2 && cont(i + 1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (left < 3 || !cont(i + 1) || !cont(i + 2)) return 0;
    if (c == 0xE0 && b(i + 1) < 0xA0) return 0;   // overlong
    if (c == 0xED && b(i + 1) >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (left < 4 || !cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return 0;
    if (c == 0xF0 && b(i + 1) < 0x90) return 0;   // overlong
    if (c == 0xF4 && b(i + 1) >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

// Length of the run of bytes at s[i] that JSON keeps verbatim (printable ASCII but " and \).
inline size_t plain_ascii_run(std::string_view s, size_t i) {
  size_t j = i;
  while (j < s.size()) {
    const auto b = static_cast<unsigned char>(s[j]);
    if (b < 0x20 || b >= 0x7F || b == '"' || b == '\\') break;
    ++j;
  }
  return j - i;
}

}  // namespace

size_t append_json_string(std::string& out, std::string_view s) {
  size_t invalid = 0;
  for (size_t i = 0; i < s.size();) {
    // Log lines are mostly printable ASCII that JSON keeps as it is: copy such runs in one go.
    const size_t run = plain_ascii_run(s, i);
    if (run > 0) {
      out.append(s.data() + i, run);
      i += run;
      if (i == s.size()) break;
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const size_t n = utf8_sequence_length(s, i);
      if (n == 0) {
        out += "\\\\x";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
        ++invalid;
        ++i;
      } else {
        out.append(s.data() + i, n);
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  return invalid;
}

void append_envelope_head(std::string& out, std::string_view agent, std::string_view host,
                          std::string_view org) {
  out += "{\"v\":";
  out += std::to_string(kEnvelopeVersion);
  out += ",\"agent\":\"";
  append_json_string(out, agent);
  out += "\",\"host\":\"";
  append_json_string(out, host);
  out += "\",\"org\":\"";
  append_json_string(out, org);
  out += '"';
}

void append_envelope_body(std::string& out, std::string_view src, uint64_t seq, std::string_view ts,
                          std::string_view msg, bool trunc, std::string_view peer,
                          const std::vector<std::pair<std::string, std::string>>* fields) {
  const auto field = [&](std::string_view name, std::string_view value) {
    out += ",\"";
    out += name;
    out += "\":\"";
    append_json_string(out, value);
    out += '"';
  };
  field("src", src);
  out += ",\"seq\":";
  out += std::to_string(seq);
  field("ts", ts);
  field("msg", msg);
  if (trunc) out += ",\"trunc\":true";
  if (!peer.empty()) field("peer", peer);
  if (fields != nullptr && !fields->empty()) {
    out += ",\"fields\":{";
    for (size_t i = 0; i < fields->size(); ++i) {
      if (i > 0) out += ',';
      out += '"';
      append_json_string(out, (*fields)[i].first);
      out += "\":\"";
      append_json_string(out, (*fields)[i].second);
      out += '"';
    }
    out += '}';
  }
  out += '}';
}

std::string to_json(const Envelope& e) {
  std::string out;
  out.reserve(e.msg.size() + e.src.size() + 160);
  append_envelope_head(out, e.agent, e.host, e.org);
  append_envelope_body(out, e.src, e.seq, e.ts, e.msg, e.trunc, e.peer, &e.fields);
  return out;
}

}  // namespace soc
