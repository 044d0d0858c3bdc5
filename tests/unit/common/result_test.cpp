#include "common/result.h"

#include <gtest/gtest.h>

#include <string>

namespace soc {
namespace {

Result<int> fails_with(Error e) {
  return e;
}

// `Error{"message"}` is how hundreds of call sites build errors; it must keep compiling and
// mean "internal" so that an unclassified error is never blamed on the caller.
TEST(Result, PlainErrorIsInternal) {
  const Result<int> r = fails_with(Error{"disk on fire"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "disk on fire");
  EXPECT_EQ(r.error_kind(), ErrorKind::kInternal);
}

TEST(Result, HelpersSetTheKind) {
  EXPECT_EQ(fails_with(Error::invalid_input("x")).error_kind(), ErrorKind::kInvalidInput);
  EXPECT_EQ(fails_with(Error::not_found("x")).error_kind(), ErrorKind::kNotFound);
  EXPECT_EQ(fails_with(Error::conflict("x")).error_kind(), ErrorKind::kConflict);
  EXPECT_EQ(fails_with(Error::unavailable("x")).error_kind(), ErrorKind::kUnavailable);
  EXPECT_EQ(fails_with(Error::internal("x")).error_kind(), ErrorKind::kInternal);
  EXPECT_EQ(fails_with(Error::not_found("no alert a1")).error(), "no alert a1");
}

TEST(Result, FailurePassesTheKindOn) {
  const Result<int> inner = fails_with(Error::not_found("no such rule"));
  const Status outer = inner.failure();
  EXPECT_EQ(outer.error(), "no such rule");
  EXPECT_EQ(outer.error_kind(), ErrorKind::kNotFound);
}

TEST(Result, KindsHaveNames) {
  EXPECT_EQ(to_string(ErrorKind::kInvalidInput), "invalid input");
  EXPECT_EQ(to_string(ErrorKind::kUnavailable), "unavailable");
}

TEST(Result, ValueIsNotAnError) {
  const Result<std::string> r = std::string("ok");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), "ok");
}

}  // namespace
}  // namespace soc
