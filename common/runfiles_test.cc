#include "common/runfiles.h"

#include <cstdlib>

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

TEST(RunfilesTest, RelativePathsUnderBazelRunAreTheUsers) {
  ASSERT_EQ(unsetenv("BUILD_WORKING_DIRECTORY"), 0);
  EXPECT_EQ(PathFromUsersDirectory("out/r.json"), "out/r.json");
  ASSERT_EQ(setenv("BUILD_WORKING_DIRECTORY", "/home/u/src", 1), 0);
  EXPECT_EQ(PathFromUsersDirectory("out/r.json"), "/home/u/src/out/r.json");
  EXPECT_EQ(PathFromUsersDirectory("/tmp/r.json"), "/tmp/r.json");
  EXPECT_EQ(PathFromUsersDirectory(""), "");
  unsetenv("BUILD_WORKING_DIRECTORY");
}

}  // namespace
}  // namespace forkcheck
