#include "common/rate_limited_log.h"

namespace soc {

RateLimitedLog::RateLimitedLog(size_t burst, std::chrono::seconds interval)
    : burst_(burst), interval_(interval) {}

void RateLimitedLog::roll(Clock::time_point now) {
  if (started_ && now - window_start_ < interval_) return;
  suppressed_ended_ += suppressed_in_window_;
  suppressed_in_window_ = 0;
  logged_in_window_ = 0;
  window_start_ = now;
  started_ = true;
}

RateLimitedLog::Admission RateLimitedLog::admit(Clock::time_point now) {
  roll(now);
  Admission a;
  a.suppressed = suppressed_ended_;
  suppressed_ended_ = 0;
  if (logged_in_window_ < burst_) {
    ++logged_in_window_;
    a.log = true;
  } else {
    ++suppressed_in_window_;
    ++suppressed_total_;
  }
  return a;
}

uint64_t RateLimitedLog::take_suppressed(Clock::time_point now) {
  if (started_ && now - window_start_ >= interval_) {
    suppressed_ended_ += suppressed_in_window_;
    suppressed_in_window_ = 0;
    logged_in_window_ = 0;
    started_ = false;  // the next occurrence opens a fresh window
  }
  const uint64_t n = suppressed_ended_;
  suppressed_ended_ = 0;
  return n;
}

}  // namespace soc
