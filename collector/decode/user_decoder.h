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
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "collector/decode/event.h"
#include "common/result.h"

namespace soc {

class UserDecoders {
 public:
  UserDecoders();
  UserDecoders(UserDecoders&&) noexcept;
  UserDecoders& operator=(UserDecoders&&) noexcept;
  ~UserDecoders();

  size_t size() const;
  std::vector<std::string> names() const;

  // Tries, in load order (files sorted by path, then file order), the decoders whose `program`
  // is absent or names `program` and whose prefilter occurs in `message`; the first whose regex
  // matches sets its captures and `set` fields (overwriting what a built-in decoder set) and ends
  // the search. Returns whether one matched. A regex that hits PCRE2's match limit counts as no
  // match. Thread-safe: match data is per thread.
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
