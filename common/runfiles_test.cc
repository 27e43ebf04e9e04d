#include "common/runfiles.h"

#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/match.h"
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

// A program started by a relative path (bazel-bin/...) gives its children
// an absolute tree: they may run in another directory, a trial's.
TEST(RunfilesTest, TheEnvironmentNamesTheTreeByAnAbsolutePath) {
  const std::string tree = std::getenv("TEST_SRCDIR");
  const std::string suffix = ".runfiles";
  ASSERT_TRUE(absl::EndsWith(tree, suffix)) << tree;
  // The test's working directory is <tree>/forkcheck, and the test program
  // sits beside its tree.
  const std::string program = tree.substr(0, tree.size() - suffix.size());
  const std::string relative_argv0 =
      "../../" + program.substr(program.rfind('/') + 1);
  for (const char* name :
       {"RUNFILES_DIR", "RUNFILES_MANIFEST_FILE", "TEST_SRCDIR"}) {
    unsetenv(name);
  }
  absl::StatusOr<std::vector<std::string>> env =
      RunfilesEnvironment(relative_argv0);
  ASSERT_TRUE(env.ok()) << env.status() << " (argv0 " << relative_argv0 << ")";
  ASSERT_FALSE(env->empty());
  bool dir = false;
  for (const std::string& entry : *env) {
    EXPECT_TRUE(IsRunfilesVariable(entry)) << entry;
    const std::string value = entry.substr(entry.find('=') + 1);
    // A variable the tree has no value for (no manifest) stays empty.
    if (!value.empty()) {
      EXPECT_EQ(value[0], '/') << entry;
    }
    if (entry.rfind("RUNFILES_DIR=/", 0) == 0) dir = true;
  }
  EXPECT_TRUE(dir) << "no absolute RUNFILES_DIR";
}

}  // namespace
}  // namespace forkcheck
