#include "agent/envelope_writer.h"

#include <fmt/format.h>

#include "common/clock.h"
#include "common/envelope.h"

namespace soc {
namespace {

// Log lines are mostly printable ASCII that JSON keeps as it is: copy that prefix in one go and
// leave the rest (escapes, UTF-8 checks) to append_json_string, which yields the same bytes.
void append_escaped(std::string& out, std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') break;
    ++i;
  }
  out.append(s.data(), i);
  if (i < s.size()) append_json_string(out, s.substr(i));
}

}  // namespace

EnvelopeWriter::EnvelopeWriter(std::string_view agent, std::string_view host,
                               std::string_view org) {
  prefix_ = fmt::format("{{\"v\":{},\"agent\":\"", kEnvelopeVersion);
  append_json_string(prefix_, agent);
  prefix_ += "\",\"host\":\"";
  append_json_string(prefix_, host);
  prefix_ += "\",\"org\":\"";
  append_json_string(prefix_, org);
  prefix_ += "\",\"src\":\"";
}

std::string_view EnvelopeWriter::build(
    uint64_t seq, std::string_view src, std::string_view msg, bool trunc, std::string_view peer,
    const std::vector<std::pair<std::string, std::string>>* fields,
    std::chrono::system_clock::time_point now) {
  const int64_t ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  if (ms != ts_ms_) {
    ts_ = format_rfc3339_local(now);
    ts_ms_ = ms;
  }
  out_.assign(prefix_);
  append_escaped(out_, src);
  out_ += "\",\"seq\":";
  fmt::format_to(std::back_inserter(out_), "{}", seq);
  out_ += ",\"ts\":\"";
  out_ += ts_;
  out_ += "\",\"msg\":\"";
  append_escaped(out_, msg);
  out_ += '"';
  if (trunc) out_ += ",\"trunc\":true";
  if (!peer.empty()) {
    out_ += ",\"peer\":\"";
    append_json_string(out_, peer);
    out_ += '"';
  }
  if (fields != nullptr && !fields->empty()) {
    out_ += ",\"fields\":{";
    for (size_t i = 0; i < fields->size(); ++i) {
      if (i > 0) out_ += ',';
      out_ += '"';
      append_json_string(out_, (*fields)[i].first);
      out_ += "\":\"";
      append_json_string(out_, (*fields)[i].second);
      out_ += '"';
    }
    out_ += '}';
  }
  out_ += '}';
  return out_;
}

}  // namespace soc
