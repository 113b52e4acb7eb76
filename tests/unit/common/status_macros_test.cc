#include "common/status_macros.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"

namespace minyi {
namespace {

int evaluations = 0;

absl::Status Counted(absl::Status status) {
  ++evaluations;
  return status;
}

absl::StatusOr<std::unique_ptr<std::string>> Made(absl::StatusOr<std::string> value) {
  ++evaluations;
  if (!value.ok()) {
    return value.status();
  }
  return std::make_unique<std::string>(*value);
}

absl::Status TwoSteps(absl::Status first, absl::Status second, int* reached) {
  RETURN_IF_ERROR(Counted(first));
  *reached = 1;
  RETURN_IF_ERROR(Counted(second));
  *reached = 2;
  return absl::OkStatus();
}

absl::StatusOr<size_t> Lengths(absl::StatusOr<std::string> a, absl::StatusOr<std::string> b) {
  ASSIGN_OR_RETURN(std::unique_ptr<std::string> first, Made(a));         // a move-only value
  ASSIGN_OR_RETURN(const std::unique_ptr<std::string> second, Made(b));  // two on one scope
  return first->size() + second->size();
}

TEST(StatusMacros, ReturnIfErrorStopsAtTheFirstErrorAndEvaluatesOnce) {
  int reached = 0;
  evaluations = 0;
  EXPECT_TRUE(TwoSteps(absl::OkStatus(), absl::OkStatus(), &reached).ok());
  EXPECT_EQ(reached, 2);
  EXPECT_EQ(evaluations, 2);

  reached = 0;
  evaluations = 0;
  const absl::Status st = TwoSteps(absl::NotFoundError("stations/9"), absl::OkStatus(), &reached);
  EXPECT_EQ(st, absl::NotFoundError("stations/9"));
  EXPECT_EQ(reached, 0);
  EXPECT_EQ(evaluations, 1);

  EXPECT_EQ(TwoSteps(absl::OkStatus(), absl::InvalidArgumentError("title"), &reached),
            absl::InvalidArgumentError("title"));
  EXPECT_EQ(reached, 1);
}

TEST(StatusMacros, AssignOrReturnMovesTheValueOrReturnsTheStatus) {
  evaluations = 0;
  absl::StatusOr<size_t> both = Lengths(std::string("代表"), std::string("abc"));
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(*both, 9u);  // six bytes of UTF-8 and three
  EXPECT_EQ(evaluations, 2);

  evaluations = 0;
  EXPECT_EQ(Lengths(absl::PermissionDeniedError("no"), std::string("x")).status(), absl::PermissionDeniedError("no"));
  EXPECT_EQ(evaluations, 1);
  EXPECT_EQ(Lengths(std::string("x"), absl::FailedPreconditionError("closed")).status(),
            absl::FailedPreconditionError("closed"));
}

}  // namespace
}  // namespace minyi
