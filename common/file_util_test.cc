#include "common/file_util.h"

#include <cstdlib>
#include <string>

#include "gtest/gtest.h"

namespace forkcheck {
namespace {

std::string TempDir() {
  const char* dir = std::getenv("TEST_TMPDIR");
  return dir != nullptr ? dir : "/tmp";
}

TEST(FileUtilTest, WritesAtomicallyAndReadsBack) {
  std::string path = TempDir() + "/file_util_test.json";
  ASSERT_TRUE(WriteFileAtomically(path, "first").ok());
  ASSERT_TRUE(WriteFileAtomically(path, "second").ok());
  auto contents = ReadFile(path, "test file");
  ASSERT_TRUE(contents.ok()) << contents.status();
  EXPECT_EQ(*contents, "second");
}

TEST(FileUtilTest, ErrorsNameThePathAndRole) {
  auto missing = ReadFile("/nonexistent/x.json", "catalogue file");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find(
                "catalogue file \"/nonexistent/x.json\""),
            std::string::npos);
  auto directory = ReadFile(TempDir(), "catalogue file");
  EXPECT_FALSE(directory.ok());
  EXPECT_FALSE(WriteFileAtomically("/nonexistent/dir/out.json", "x").ok());
}

}  // namespace
}  // namespace forkcheck
