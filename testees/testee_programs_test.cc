#include "testees/testee_programs.h"

#include <filesystem>
#include <string>

#include "common/runfiles.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

// The Python testee runs with this program's runfiles tree named in its
// environment, and that tree holds its main file: its launcher then never
// falls back on a tree of its own, which may be from an older build.
TEST(TesteeProgramsTest, ThePythonTesteeIsToldTheTreeThatHoldsItsFiles) {
  const auto programs = TesteePrograms("");
  const auto python = programs.find("python-grpcio");
  ASSERT_NE(python, programs.end());
  std::string tree;
  for (const std::string& entry : python->second.env) {
    ASSERT_TRUE(IsRunfilesVariable(entry)) << entry;
    if (entry.rfind("RUNFILES_DIR=", 0) == 0) tree = entry.substr(13);
  }
  ASSERT_FALSE(tree.empty()) << "no RUNFILES_DIR";
  EXPECT_TRUE(std::filesystem::is_regular_file(
      tree + "/forkcheck/testees/python_grpcio/testee_main.py"))
      << tree;
}

TEST(TesteeProgramsTest, RunfilesVariablesAreKnownByName) {
  EXPECT_TRUE(IsRunfilesVariable("RUNFILES_DIR=/x"));
  EXPECT_TRUE(IsRunfilesVariable("RUNFILES_MANIFEST_FILE"));
  EXPECT_TRUE(IsRunfilesVariable("JAVA_RUNFILES=/x"));
  EXPECT_FALSE(IsRunfilesVariable("RUNFILES_DIRECTORY=/x"));
  EXPECT_FALSE(IsRunfilesVariable("GRPC_TRACE=all"));
}

}  // namespace
}  // namespace forkcheck
