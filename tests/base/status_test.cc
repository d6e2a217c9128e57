#include "base/status.h"

#include <gtest/gtest.h>

#include <string>
#include <type_traits>

namespace coupongen {
namespace {

Result<int> Half(int n) {
  if (n % 2) return Status::Invalid(std::to_string(n) + " is odd");
  return n / 2;
}

TEST(StatusTest, ResultHoldsAValueOrTheError) {
  auto ok = Half(8);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 4);
  EXPECT_TRUE(ok.status().ok());
  auto odd = Half(3);
  ASSERT_FALSE(odd.ok());
  EXPECT_EQ(odd.status().code(), Status::Code::kInvalid);
  EXPECT_EQ(odd.status().message(), "3 is odd");
  EXPECT_EQ(odd.status().exit_code(), kExitInvalid);
}

// The bug the type must not allow: an error path that returns Status::Ok() where a value was
// due. It would have been "ok" with no value, or an error with an empty message and exit 0.
TEST(StatusTest, AResultMadeFromAnOkStatusIsAnInternalErrorNeverSuccess) {
  Result<std::string> r{Status::Ok()};
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kIoError);
  EXPECT_NE(r.status().exit_code(), kExitSuccess);
  EXPECT_FALSE(r.status().message().empty());
  EXPECT_NE(r.status().message().find("internal error"), std::string::npos);
}

TEST(StatusTest, ReportedCarriesOnlyTheExitCode) {
  Status s = Status::Reported(Status::Code::kInvalid);
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(s.reported());
  EXPECT_EQ(s.exit_code(), kExitInvalid);
  EXPECT_FALSE(Status::Invalid("x").reported());
  // Reported success is not a thing: it becomes a failure, never exit 0.
  Status bogus = Status::Reported(Status::Code::kOk);
  EXPECT_FALSE(bogus.ok());
  EXPECT_EQ(bogus.exit_code(), kExitFailure);
}

}  // namespace
}  // namespace coupongen
