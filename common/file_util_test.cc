#include "common/file_util.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

using ::testing::HasSubstr;

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

TEST(FileUtilTest, WritesATemporaryBesideThePathAndDiscardsIt) {
  const std::string root = TempDir() + "/temporary";
  std::filesystem::create_directories(root);
  absl::StatusOr<std::string> temporary =
      WriteTemporaryBeside(root + "/out.json", "staged");
  ASSERT_TRUE(temporary.ok()) << temporary.status();
  EXPECT_EQ(*temporary, root + "/out.json.tmp." + std::to_string(getpid()));
  EXPECT_EQ(ReadFile(*temporary, "temporary").value_or(""), "staged");
  EXPECT_FALSE(std::filesystem::exists(root + "/out.json"));
  DiscardTemporary(*temporary);
  EXPECT_TRUE(std::filesystem::is_empty(root));
  // A directory that is not there: the error names the temporary.
  absl::StatusOr<std::string> missing =
      WriteTemporaryBeside(root + "/missing/out.json", "x");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(std::string(missing.status().message()),
              HasSubstr("cannot create \"" + root + "/missing/out.json.tmp."));
  EXPECT_TRUE(std::filesystem::is_empty(root));
}

TEST(FileUtilTest, NamesTheDirectoryOfAPath) {
  EXPECT_EQ(DirectoryOf("/a/b/c.json"), "/a/b");
  EXPECT_EQ(DirectoryOf("c.json"), ".");
  EXPECT_EQ(DirectoryOf("/c.json"), "/");
}

TEST(FileUtilTest, ErrorsNameThePathAndRole) {
  auto missing = ReadFile("/nonexistent/x.json", "catalogue file");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(
      missing.status().message().find("catalogue file \"/nonexistent/x.json\""),
      std::string::npos);
  auto directory = ReadFile(TempDir(), "catalogue file");
  EXPECT_FALSE(directory.ok());
  EXPECT_FALSE(WriteFileAtomically("/nonexistent/dir/out.json", "x").ok());
}

TEST(FileUtilTest, WritesAllAndSyncsAnOpenFile) {
  const std::string path = TempDir() + "/synced.txt";
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  const std::string big(1 << 20, 'x');
  EXPECT_TRUE(WriteAllAndSync(fd, big, path).ok());
  close(fd);
  EXPECT_EQ(ReadFile(path, "test file").value_or(""), big);
  // A descriptor that cannot be written: the error names the path.
  const absl::Status bad = WriteAllAndSync(-1, "x", "/named/in/error");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.message()), HasSubstr("\"/named/in/error\""));
}

TEST(FileUtilTest, SyncsADirectory) {
  EXPECT_TRUE(SyncDirectory(TempDir()).ok());
  const absl::Status missing = SyncDirectory("/nonexistent/dir");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(std::string(missing.message()), HasSubstr("/nonexistent/dir"));
}

// The names in `directory`, to see that a check left nothing behind.
std::set<std::string> Names(const std::string& directory) {
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    names.insert(entry.path().filename().string());
  }
  return names;
}

TEST(FileUtilTest, ChecksAFileCanBeCreatedWithoutLeavingAnything) {
  const std::string root = TempDir() + "/check";
  std::filesystem::create_directories(root + "/existing_dir");
  ASSERT_TRUE(WriteFileAtomically(root + "/a_file", "x").ok());
  const std::set<std::string> before = Names(root);

  // Writable: in place, or below directories still to be made.
  EXPECT_TRUE(CheckCanCreateFile(root + "/run.json").ok());
  EXPECT_TRUE(CheckCanCreateFile(root + "/new/deeper/run.json").ok());
  EXPECT_TRUE(CheckCanCreateFile(root + "/a_file").ok());  // replaced

  const auto message = [](const std::string& path) {
    return std::string(CheckCanCreateFile(path).message());
  };
  EXPECT_THAT(message(root + "/existing_dir"),
              HasSubstr("\"" + root + "/existing_dir\" is a directory"));
  EXPECT_THAT(message(root + "/existing_dir/"), HasSubstr("is a directory"));
  EXPECT_THAT(message(root + "/a_file/run.json"),
              HasSubstr("\"" + root + "/a_file\" is not a directory"));
  EXPECT_THAT(message(root + "/a_file/sub/run.json"),
              HasSubstr("\"" + root + "/a_file\" is not a directory"));
  // Permission bits say nothing here (and nothing to root): it is tried.
  EXPECT_THAT(message("/proc/forkcheck.json"),
              HasSubstr("\"/proc\": cannot create files there: "));
  EXPECT_THAT(message("/proc/sys/forkcheck/run.json"),
              HasSubstr("cannot create files there"));

  EXPECT_EQ(Names(root), before);
}

TEST(FileUtilTest, TellsWhetherTwoPathsNameOneFile) {
  const std::string root = TempDir() + "/same";
  std::filesystem::create_directories(root + "/sub");
  ASSERT_TRUE(WriteFileAtomically(root + "/report.json", "{}").ok());
  ASSERT_TRUE(WriteFileAtomically(root + "/other.json", "{}").ok());
  std::filesystem::remove(root + "/link.json");
  std::filesystem::create_symlink(root + "/report.json", root + "/link.json");

  EXPECT_TRUE(SameFile(root + "/report.json", root + "/sub/../report.json"));
  EXPECT_TRUE(SameFile(root + "/report.json", root + "/link.json"));
  EXPECT_FALSE(SameFile(root + "/report.json", root + "/other.json"));
  // A file still to be written, named two ways.
  EXPECT_TRUE(SameFile(root + "/new.json", root + "/sub/../new.json"));
  EXPECT_FALSE(SameFile(root + "/new.json", root + "/report.json"));
  // A relative path is taken from the working directory.
  const std::filesystem::path here = std::filesystem::current_path();
  std::filesystem::current_path(root);
  EXPECT_TRUE(SameFile("report.json", root + "/report.json"));
  EXPECT_FALSE(SameFile("missing.json", "other.json"));
  EXPECT_FALSE(SameFile("", "report.json"));  // no exception either
  std::filesystem::current_path(here);
}

}  // namespace
}  // namespace forkcheck
