// Personal data redaction, applied to a line before it leaves the host.
//
// Built-in scanners (hand-written, one pass, no regex engine): Vietnamese citizen identity
// numbers (CCCD: 12 digits whose first three are a province code 001..096), Vietnamese phone
// numbers (0xxxxxxxxx mobile, 02xxxxxxxxx landline, +84 forms, 4-3-3 groups with space, dot or
// dash) and e-mail addresses. User patterns are PCRE2 (JIT) regexes: std::regex is slow and
// recursive (a 64 KiB line can overflow the stack), which an agent on every host cannot afford.
// Each match becomes [KIND:xxxxxxxx], the first 4 bytes of HMAC-SHA256(salt, normalised value),
// so an analyst can tell that two lines name the same person without seeing who.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace soc {

struct RedactionPattern {
  std::string name;  // shown in the replacement: [NAME:hash]
  std::string regex;
};

struct RedactionConfig {
  bool cccd = true;
  bool phone = true;
  bool email = true;
  std::string salt;  // secret: from a file or the environment
  std::vector<RedactionPattern> patterns;
  // PCRE2's backtracking budget per match attempt; 0 keeps PCRE2's default (10 million). A
  // pattern that runs out of it withholds the line (see Redactor::redact). Lowered by tests.
  uint32_t match_limit = 0;
};

class Redactor {
 public:
  static Result<std::unique_ptr<Redactor>> create(const RedactionConfig& config);
  ~Redactor();
  Redactor(const Redactor&) = delete;
  Redactor& operator=(const Redactor&) = delete;

  // True when `in` held something to redact; `out` then holds the redacted line. When a user
  // pattern fails on the line (PCRE2's match, depth or heap limit, or another matching error) the
  // redaction fails closed: `out` is kWithheld instead of the line, and lines_failed() counts it.
  bool redact(std::string_view in, std::string& out);

  static constexpr std::string_view kWithheld = "[redaction failed: line withheld]";

  // Matches per kind ("cccd", "phone", "email", then user pattern names), for the counters.
  std::vector<std::pair<std::string, uint64_t>> counts() const;
  uint64_t lines_redacted() const { return lines_; }
  uint64_t lines_failed() const { return failed_; }

  // Checks that a user regex compiles; the error carries PCRE2's reason and offset.
  static Status check_regex(const std::string& regex);

  struct Impl;
  explicit Redactor(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
  uint64_t lines_ = 0;
  uint64_t failed_ = 0;
};

}  // namespace soc
