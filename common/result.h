// Errors as values at module boundaries: a Result holds either a value or an Error, which is a
// message for people plus a kind for code (an API maps the kind to an HTTP status, a CLI to an
// exit code) so that no caller has to classify an error by matching its text.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace soc {

enum class ErrorKind {
  kInvalidInput,  // the caller's input is wrong (bad rule, malformed JSON, unknown option value)
  kNotFound,      // what was asked for does not exist
  kConflict,      // the request clashes with current state (duplicate id, store open read-only)
  kUnavailable,   // a resource is busy or unreachable; retrying later may work (store locked)
  kInternal,      // a fault of ours or of the system; also every error nobody classified
};
std::string_view to_string(ErrorKind k);

// `Error{"message"}` keeps working and means kInternal: an unclassified error must not be
// reported as the caller's fault (a 4xx), so code that knows better says so with the helpers.
struct Error {
  std::string message;
  ErrorKind kind = ErrorKind::kInternal;

  static Error invalid_input(std::string m) { return {std::move(m), ErrorKind::kInvalidInput}; }
  static Error not_found(std::string m) { return {std::move(m), ErrorKind::kNotFound}; }
  static Error conflict(std::string m) { return {std::move(m), ErrorKind::kConflict}; }
  static Error unavailable(std::string m) { return {std::move(m), ErrorKind::kUnavailable}; }
  static Error internal(std::string m) { return {std::move(m), ErrorKind::kInternal}; }
};

inline std::string_view to_string(ErrorKind k) {
  switch (k) {
    case ErrorKind::kInvalidInput:
      return "invalid input";
    case ErrorKind::kNotFound:
      return "not found";
    case ErrorKind::kConflict:
      return "conflict";
    case ErrorKind::kUnavailable:
      return "unavailable";
    case ErrorKind::kInternal:
      return "internal";
  }
  return "internal";
}

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  const T& value() const& { return std::get<T>(v_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  // The message (what most callers print or wrap).
  const std::string& error() const { return std::get<Error>(v_).message; }
  ErrorKind error_kind() const { return std::get<Error>(v_).kind; }
  // The whole Error, to pass on unchanged: `return r.failure();` keeps the kind.
  const Error& failure() const { return std::get<Error>(v_); }

 private:
  std::variant<T, Error> v_;
};

// For operations that return nothing but can fail.
struct Ok {};
using Status = Result<Ok>;

}  // namespace soc
