#include "agent/envelope_writer.h"

#include "common/clock.h"
#include "common/envelope.h"

namespace soc {

EnvelopeWriter::EnvelopeWriter(std::string_view agent, std::string_view host,
                               std::string_view org) {
  append_envelope_head(prefix_, agent, host, org);
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
  append_envelope_body(out_, src, seq, ts_, msg, trunc, peer, fields);
  return out_;
}

}  // namespace soc
