// Builds envelope JSON (the same bytes as common/envelope's to_json) into one reused buffer: the
// agent's hot path makes no per-line allocation and formats the timestamp once per millisecond.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace soc {

class EnvelopeWriter {
 public:
  EnvelopeWriter(std::string_view agent, std::string_view host, std::string_view org);

  // The envelope of one line; valid until the next call.
  std::string_view build(uint64_t seq, std::string_view src, std::string_view msg, bool trunc,
                         std::string_view peer,
                         const std::vector<std::pair<std::string, std::string>>* fields,
                         std::chrono::system_clock::time_point now);

 private:
  std::string prefix_;  // the envelope head, the same for every line
  std::string out_;
  std::string ts_;
  int64_t ts_ms_ = -1;
};

}  // namespace soc
