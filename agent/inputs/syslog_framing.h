// Splits a syslog byte stream (TCP or TLS) into messages: newline framing ("octet stuffing"), RFC
// 6587 octet counting ("LEN SP MSG"), or both on one connection, decided frame by frame. Pure
// byte handling with no I/O, so the unit tests and the fuzzer drive it directly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace soc {

enum class SyslogFraming {
  kAuto,           // per frame: "digits SP" starts an octet-counted frame, anything else a line
  kNewline,        // every message ends with LF
  kOctetCounting,  // every message is "LEN SP MSG"; anything else desynchronises the stream
};

// One complete message: the text with a single trailing LF or CRLF removed, cut to the maximum
// length when `truncated`.
using SyslogMessageSink = std::function<void(std::string_view text, bool truncated)>;

class SyslogFramer {
 public:
  enum class Result {
    kOk,
    // An octet count beyond any sane length (or more digits than one could hold): the sender is
    // broken or not speaking syslog. The connection must be closed: nothing after it can be
    // trusted to be a frame boundary.
    kAbsurdLength,
    // Forced octet counting and a frame that does not start with a length.
    kBadFrame,
  };

  // `max_message_bytes` bounds every message handed out, and the memory held per connection.
  SyslogFramer(SyslogFraming mode, size_t max_message_bytes);

  // Consumes `data`, handing every message completed by it to `sink`, oldest first. After a result
  // other than kOk the framer is broken and ignores further input.
  Result feed(std::string_view data, const SyslogMessageSink& sink);

  // The peer closed the stream: a final message without its LF is still a message. An octet-counted
  // frame cut short is handed out as truncated (its bytes were sent; better cut than lost).
  void finish(const SyslogMessageSink& sink);

  // Octet counts above this close the connection (see kAbsurdLength). Below it and above the
  // message maximum, the frame is cut to the maximum and the rest is skipped.
  size_t absurd_length() const { return absurd_length_; }
  // Bytes held for an incomplete message.
  size_t buffered() const { return pending_.size() + digits_.size(); }

 private:
  enum class State { kFrameStart, kLength, kLine, kCounted, kBroken };

  void emit(const SyslogMessageSink& sink);
  void digits_to_line();

  SyslogFraming mode_;
  size_t max_;
  size_t absurd_length_;
  State state_ = State::kFrameStart;
  std::string digits_;   // the octet count read so far (auto mode: may turn out to be text)
  std::string pending_;  // the message being assembled, at most max_ bytes
  bool truncated_ = false;
  uint64_t remaining_ = 0;  // bytes of the current octet-counted frame still to read
};

}  // namespace soc
