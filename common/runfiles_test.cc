#include "common/runfiles.h"

#include "gtest/gtest.h"

namespace forkcheck {
namespace {

TEST(RunfilesTest, FindsADataDependencyAndNamesAMissingOne) {
  auto found = RunfileExecutable("common/runfiles_test");  // this test itself
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_NE(found->find("common/runfiles_test"), std::string::npos);

  auto missing = RunfileExecutable("nope/missing_binary");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find(
                "add //nope:missing_binary to the target's data"),
            std::string::npos)
      << missing.status();
}

}  // namespace
}  // namespace forkcheck
