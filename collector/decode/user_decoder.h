// User decoders: YAML-defined PCRE2 regexes whose named captures become fields, for log formats
// the built-in decoders do not know. Format (config/decoders/*.yml; a file holds a `decoders:`
// list, or is the list itself):
//
//   decoders:
//     - name: myapp-login              # required, unique across all files
//       program: [myapp, myappd]       # optional: process.name must be one of these
//       prefilter: "login failed"      # optional: a literal the message must contain
//       regex: 'login failed for (?<user__name>\S+) from (?<src>\S+)'   # required, PCRE2
//       fields: {src: source.ip}       # optional: capture name -> field name
//       set: {event.action: myapp_login, event.outcome: failure}   # optional constant fields
//
// A capture not listed under `fields` is named by its own name with "__" read as "." (capture
// names cannot hold dots), so `user__name` sets "user.name". Unset or empty captures set nothing.
// The fields the collector owns ("event.original", "agent.id", "organization.id",
// "log.file.path") cannot be targets.
//
// Cost: each regex runs under PCRE2's match limit (Limits::match_limit backtracking steps) and is
// timed. A run over its budget (Limits::line_budget) or stopped by the limit is "slow"; a decoder
// with Limits::disable_after slow runs within Limits::window is disabled until the decoders are
// reloaded (a warning names it; Stats counts both). A catastrophic pattern therefore costs a
// bounded amount of time instead of throttling the collector; the lines it would have decoded
// keep the built-in decoders' fields and still reach the later user decoders.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "collector/decode/event.h"
#include "common/result.h"

namespace soc {

class UserDecoders {
 public:
  struct Limits {
    // PCRE2's match limit per run: at most about 1.5 ms with the JIT and 13 ms in the
    // interpreter for a catastrophic pattern here, while a linear `.*` needs about one step per
    // byte (65,000 for a 64 KiB line).
    uint32_t match_limit = 100'000;
    std::chrono::microseconds line_budget{1000};  // a run taking longer is slow
    uint32_t disable_after = 10;                  // slow runs within `window` that disable it
    std::chrono::seconds window{60};
  };
  struct Stats {
    uint64_t slow = 0;      // runs over budget or stopped by the match limit (user_decoder_slow)
    uint64_t disabled = 0;  // decoders disabled for that (user_decoder_disabled)
  };

  UserDecoders();
  UserDecoders(UserDecoders&&) noexcept;
  UserDecoders& operator=(UserDecoders&&) noexcept;
  ~UserDecoders();

  size_t size() const;
  std::vector<std::string> names() const;

  // Applies to every decoder from the next run on. Call before sharing across threads.
  void set_limits(const Limits& limits);
  Stats stats() const;
  // Names of the decoders disabled for being slow, in load order.
  std::vector<std::string> disabled() const;
  // Whether PCRE2 JIT-compiled every regex. It cannot where writable memory may not become
  // executable (systemd's MemoryDenyWriteExecute=yes, as the shipped unit sets): the
  // interpreter then runs the same patterns, about 3 times slower.
  bool jit() const;

  // Tries, in load order (files sorted by path, then file order), the decoders whose `program`
  // is absent or names `program` and whose prefilter occurs in `message`; the first whose regex
  // matches sets its captures and `set` fields (overwriting what a built-in decoder set) and ends
  // the search. Returns whether one matched. A regex that hits PCRE2's match limit counts as no
  // match; disabled decoders are skipped (see Limits). Thread-safe: match data is per thread and
  // the counters are atomic.
  bool apply(std::string_view program, std::string_view message, Fields& fields) const;

  // Parses one YAML document; `file` names it in errors ("file:line:column: reason").
  static Result<UserDecoders> parse(std::string_view yaml, const std::string& file);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  friend Result<UserDecoders> load_user_decoders(const std::string& dir);
};

// Loads every *.yml / *.yaml under `dir` (recursively, in path order). Errors name the file, line
// and column; a bad regex adds PCRE2's message and the offset in the pattern. Names must be unique
// across the files.
Result<UserDecoders> load_user_decoders(const std::string& dir);

}  // namespace soc
