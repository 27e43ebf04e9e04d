#include "common/runfiles.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
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

// A program with a manifest and a tree (a binary in bazel-bin): a file is
// found inside the tree, where a launcher looks for its own runfiles, not
// at the real place the manifest names.
TEST(RunfilesTest, AFileIsFoundInsideTheTreeNotWhereTheManifestPoints) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(std::getenv("TEST_TMPDIR")) / "bin";
  fs::remove_all(dir);
  fs::create_directories(dir / "out/pkg");
  fs::create_directories(dir / "prog.runfiles/forkcheck/pkg");
  const fs::path real = dir / "out/pkg/tool";
  std::ofstream(real) << "#!/bin/sh\n";
  fs::permissions(real, fs::perms::owner_all);
  std::ofstream(dir / "prog") << "";
  std::ofstream(dir / "prog.runfiles_manifest")
      << "forkcheck/pkg/tool " << real.string() << "\n";
  fs::create_symlink(real, dir / "prog.runfiles/forkcheck/pkg/tool");
  for (const char* name :
       {"RUNFILES_DIR", "RUNFILES_MANIFEST_FILE", "TEST_SRCDIR"}) {
    unsetenv(name);
  }
  absl::StatusOr<std::string> found =
      RunfileExecutable("pkg/tool", (dir / "prog").string());
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(*found, (dir / "prog.runfiles/forkcheck/pkg/tool").string());
}

}  // namespace
}  // namespace forkcheck
