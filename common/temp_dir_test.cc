#include "common/temp_dir.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// Sets TMPDIR for one test and puts the old value back.
class TemporaryDirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* old = std::getenv("TMPDIR");
    had_ = old != nullptr;
    if (had_) old_ = old;
  }
  void TearDown() override {
    if (had_) {
      setenv("TMPDIR", old_.c_str(), 1);
    } else {
      unsetenv("TMPDIR");
    }
  }

  static std::string Base() { return std::getenv("TEST_TMPDIR"); }

 private:
  bool had_ = false;
  std::string old_;
};

TEST_F(TemporaryDirectoryTest, TheRootIsTmpdirOrTmp) {
  unsetenv("TMPDIR");
  EXPECT_EQ(TemporaryRoot(), "/tmp");
  setenv("TMPDIR", "", 1);
  EXPECT_EQ(TemporaryRoot(), "/tmp");
  setenv("TMPDIR", "relative/dir", 1);
  EXPECT_EQ(TemporaryRoot(), "/tmp");
  setenv("TMPDIR", "/scratch/me/", 1);
  EXPECT_EQ(TemporaryRoot(), "/scratch/me");
}

TEST_F(TemporaryDirectoryTest, MakesAFreshPrivateDirectoryUnderTmpdir) {
  setenv("TMPDIR", Base().c_str(), 1);
  absl::StatusOr<std::string> first = MakeTemporaryDirectory("forkcheck-x-");
  absl::StatusOr<std::string> second = MakeTemporaryDirectory("forkcheck-x-");
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_THAT(*first, StartsWith(Base() + "/forkcheck-x-"));
  EXPECT_NE(*first, *second);
  struct stat info {};
  ASSERT_EQ(stat(first->c_str(), &info), 0);
  EXPECT_TRUE(S_ISDIR(info.st_mode));
  EXPECT_EQ(info.st_mode & 0777, 0700u);
}

TEST_F(TemporaryDirectoryTest, SocketsThatWouldNotFitGoUnderTmp) {
  const std::string deep = Base() + "/" + std::string(90, 'd');
  std::filesystem::create_directories(deep);
  setenv("TMPDIR", deep.c_str(), 1);
  // Room for a socket's name: the path would pass 107 bytes, so /tmp.
  absl::StatusOr<std::string> sockets =
      MakeTemporaryDirectory("forkcheck-test-sockets-", 8);
  ASSERT_TRUE(sockets.ok()) << sockets.status();
  EXPECT_THAT(*sockets, StartsWith("/tmp/forkcheck-test-sockets-"));
  std::filesystem::remove(*sockets);
  // No socket inside: TMPDIR is honoured however long.
  absl::StatusOr<std::string> files = MakeTemporaryDirectory("forkcheck-f-");
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_THAT(*files, StartsWith(deep + "/forkcheck-f-"));
}

TEST_F(TemporaryDirectoryTest, AnErrorNamesThePattern) {
  setenv("TMPDIR", "/nonexistent/forkcheck", 1);
  absl::StatusOr<std::string> made = MakeTemporaryDirectory("forkcheck-y-");
  ASSERT_FALSE(made.ok());
  EXPECT_THAT(std::string(made.status().message()),
              HasSubstr("/nonexistent/forkcheck/forkcheck-y-XXXXXX"));
}

}  // namespace
}  // namespace forkcheck
