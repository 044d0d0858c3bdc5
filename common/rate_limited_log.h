// Rate limit for warnings that input can repeat at will (one bad event after another): the first
// few of a kind per interval are logged, the rest only counted and reported as "N more".
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace soc {

class RateLimitedLog {
 public:
  using Clock = std::chrono::steady_clock;

  RateLimitedLog(size_t burst, std::chrono::seconds interval);

  struct Admission {
    bool log = false;         // log this occurrence
    uint64_t suppressed = 0;  // occurrences not logged in the interval that just ended: report
  };
  // One occurrence at `now`. When a new interval starts, the count suppressed in the previous
  // one is handed back once, to be logged before this occurrence.
  Admission admit(Clock::time_point now = Clock::now());

  // The count suppressed in an interval that has ended by `now` (0 if none, or not ended), reset:
  // for a periodic call, so a burst that then stops is still reported.
  uint64_t take_suppressed(Clock::time_point now = Clock::now());

  uint64_t suppressed_total() const { return suppressed_total_; }

 private:
  void roll(Clock::time_point now);

  size_t burst_;
  std::chrono::seconds interval_;
  Clock::time_point window_start_{};
  bool started_ = false;
  size_t logged_in_window_ = 0;
  uint64_t suppressed_in_window_ = 0;
  uint64_t suppressed_ended_ = 0;  // from ended windows, not reported yet
  uint64_t suppressed_total_ = 0;
};

}  // namespace soc
