#include "driver/program_copy.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

void Write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

std::string Read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class ProgramCopyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(std::getenv("TEST_TMPDIR")) /
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    // A caller's runfiles tree holding a launcher and its list, as Bazel
    // lays out a binary's data; the launcher's own tree in bazel-out is
    // stale: it lacks a module and holds one the program no longer has.
    tree_ = dir_ / "caller.runfiles";
    launcher_ = tree_ / "ws/pkg/launcher";
    Write(dir_ / "out/pkg/launcher", "#!/bin/sh\necho launcher\n");
    fs::create_directories(launcher_.parent_path());
    fs::create_symlink(dir_ / "out/pkg/launcher", launcher_);
    Write(dir_ / "out/pkg/launcher.runfiles/ws/pkg/old.py", "stale\n");
    Write(tree_ / "ws/pkg/main.py", "main\n");
    Write(tree_ / "ws/pkg/new_module.py", "new\n");
    Write(tree_ / "other_repo/lib.py", "lib\n");
    bin_ = dir_ / "bundle/bin";
    fs::create_directories(bin_);
  }

  void WriteList(const std::string& lines) {
    Write(launcher_.string() + kRunfilesListSuffix, lines);
  }

  fs::path dir_, tree_, launcher_, bin_;
};

TEST_F(ProgramCopyTest, ALauncherTakesTheFilesItsListNamesFromTheCallersTree) {
  WriteList(
      "ws/pkg/launcher\nws/pkg/launcher.runfiles_list\nws/pkg/main.py\n"
      "ws/pkg/new_module.py\nother_repo/lib.py\n");
  ASSERT_TRUE(CopyProgram(launcher_.string(), bin_).ok());
  EXPECT_EQ(Read(bin_ / "launcher"), "#!/bin/sh\necho launcher\n");
  const fs::path copied = bin_ / "launcher.runfiles";
  EXPECT_EQ(Read(copied / "ws/pkg/new_module.py"), "new\n");
  EXPECT_EQ(Read(copied / "other_repo/lib.py"), "lib\n");
  EXPECT_TRUE(fs::is_regular_file(copied / "ws/pkg/launcher"));
  EXPECT_FALSE(fs::is_symlink(copied / "ws/pkg/launcher"));
  // Nothing of the stale tree beside the real file.
  EXPECT_FALSE(fs::exists(copied / "ws/pkg/old.py"));
}

TEST_F(ProgramCopyTest, ALauncherWithoutAListTakesTheTreeBesideItsRealFile) {
  ASSERT_TRUE(CopyProgram(launcher_.string(), bin_).ok());
  EXPECT_EQ(Read(bin_ / "launcher.runfiles/ws/pkg/old.py"), "stale\n");
}

TEST_F(ProgramCopyTest, AListedFileMissingFromTheTreeIsAnErrorNamingIt) {
  WriteList("ws/pkg/launcher\nws/pkg/gone.py\n");
  const absl::Status copied = CopyProgram(launcher_.string(), bin_);
  EXPECT_FALSE(copied.ok());
  EXPECT_THAT(copied.message(), HasSubstr("gone.py"));
}

TEST_F(ProgramCopyTest, AListWhoseFirstLineIsNotTheLauncherIsAnError) {
  WriteList("ws/other/launcher\nws/pkg/main.py\n");
  const absl::Status copied = CopyProgram(launcher_.string(), bin_);
  EXPECT_FALSE(copied.ok());
  EXPECT_THAT(copied.message(), HasSubstr("ws/other/launcher"));
}

TEST_F(ProgramCopyTest, AListNamingAPathOutsideTheTreeIsAnError) {
  WriteList("ws/pkg/launcher\nws/../../secret\n");
  const absl::Status copied = CopyProgram(launcher_.string(), bin_);
  EXPECT_FALSE(copied.ok());
  EXPECT_THAT(copied.message(), HasSubstr("not a path inside a tree"));
}

TEST_F(ProgramCopyTest, AMissingProgramIsNotFound) {
  EXPECT_EQ(CopyProgram((dir_ / "nothing").string(), bin_).code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace forkcheck
