#include "agent/inputs/syslog_framing.h"

#include <algorithm>
#include <cstring>

namespace soc {
namespace {

// In auto mode a longer digit run is text, not a length: a 10-digit epoch timestamp at the start of
// a newline-framed line must not be taken for a gigabyte frame. 8 digits cover every sane count.
constexpr size_t kMaxLengthDigits = 8;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

SyslogFramer::SyslogFramer(SyslogFraming mode, size_t max_message_bytes)
    : mode_(mode),
      max_(std::max<size_t>(max_message_bytes, 1)),
      absurd_length_(std::max<size_t>(16 * max_, 1024 * 1024)) {}

void SyslogFramer::emit(const SyslogMessageSink& sink) {
  std::string_view text = pending_;
  // A single trailing LF (octet-counted frames may carry one) and the CR of a CRLF.
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  if (!text.empty()) sink(text, truncated_);
  pending_.clear();
  truncated_ = false;
  state_ = State::kFrameStart;
}

void SyslogFramer::digits_to_line() {
  pending_.assign(digits_, 0, max_);  // a maximum below 8 bytes could be shorter than the digits
  truncated_ = digits_.size() > max_;
  digits_.clear();
}

SyslogFramer::Result SyslogFramer::feed(std::string_view data, const SyslogMessageSink& sink) {
  size_t i = 0;
  while (i < data.size()) {
    switch (state_) {
      case State::kBroken:
        return Result::kOk;  // already reported; the caller is closing the connection

      case State::kFrameStart: {
        const char c = data[i];
        if (c == '\n' || c == '\r') {  // blank lines, or a LF some senders add after a frame
          ++i;
          break;
        }
        if (mode_ != SyslogFraming::kNewline && c >= '1' && c <= '9') {
          digits_.assign(1, c);
          state_ = State::kLength;
          ++i;
        } else if (mode_ == SyslogFraming::kOctetCounting) {
          state_ = State::kBroken;
          return Result::kBadFrame;
        } else {
          state_ = State::kLine;
        }
        break;
      }

      case State::kLength: {
        const char c = data[i];
        if (is_digit(c) && digits_.size() < kMaxLengthDigits) {
          digits_.push_back(c);
          ++i;
          break;
        }
        if (c == ' ') {
          const uint64_t length = std::stoull(digits_);  // 1..8 digits, never throws
          if (length > absurd_length_) {
            state_ = State::kBroken;
            return Result::kAbsurdLength;
          }
          ++i;
          digits_.clear();
          remaining_ = length;
          state_ = State::kCounted;
          break;
        }
        if (mode_ == SyslogFraming::kOctetCounting) {
          state_ = State::kBroken;
          return is_digit(c) ? Result::kAbsurdLength : Result::kBadFrame;
        }
        // Auto mode: the digits were the start of a line such as "2024-05-01T..." or "42 ...".
        digits_to_line();
        state_ = State::kLine;
        break;
      }

      case State::kLine: {
        const char* start = data.data() + i;
        const size_t avail = data.size() - i;
        const void* lf = std::memchr(start, '\n', avail);
        const size_t len = lf ? static_cast<size_t>(static_cast<const char*>(lf) - start) : avail;
        const size_t room = max_ - std::min(max_, pending_.size());
        pending_.append(start, std::min(len, room));
        if (len > room) truncated_ = true;
        i += len;
        if (lf) {
          ++i;
          emit(sink);
        }
        break;
      }

      case State::kCounted: {
        const size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, data.size() - i));
        const size_t room = max_ - std::min(max_, pending_.size());
        pending_.append(data.data() + i, std::min(n, room));
        if (n > room) truncated_ = true;
        i += n;
        remaining_ -= n;
        if (remaining_ == 0) emit(sink);
        break;
      }
    }
  }
  return Result::kOk;
}

void SyslogFramer::finish(const SyslogMessageSink& sink) {
  switch (state_) {
    case State::kLength:
      // Auto mode: a final line made of digits only. In octet counting, a length with no frame.
      if (mode_ != SyslogFraming::kOctetCounting) digits_to_line();
      digits_.clear();
      break;
    case State::kCounted:
      if (!pending_.empty()) truncated_ = true;
      break;
    default:
      break;
  }
  if (state_ != State::kBroken && (!pending_.empty() || truncated_)) emit(sink);
  pending_.clear();
  truncated_ = false;
  state_ = State::kBroken;  // nothing may follow the end of the stream
}

}  // namespace soc
