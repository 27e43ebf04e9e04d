#include "common/scoped_directory.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <utility>

#include "common/interrupt_cleanup.h"
#include "common/testing/test_processes.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

using ::forkcheck::test_support::AwaitSignal;
using ::forkcheck::test_support::BoundedWait;
using ::forkcheck::test_support::ForkReportingChild;
using ::forkcheck::test_support::FreshTestDirectory;
using ::forkcheck::test_support::ReadFromChild;
using ::forkcheck::test_support::ReportingChild;

class ScopedDirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = FreshTestDirectory("scoped");
    setenv("TMPDIR", root_.c_str(), 1);  // where Make puts them
  }
  std::string root_;
};

TEST_F(ScopedDirectoryTest, MakesAFreshDirectoryAndRemovesItWithItsContents) {
  std::string path;
  {
    absl::StatusOr<ScopedDirectory> made = ScopedDirectory::Make("bench-");
    ASSERT_TRUE(made.ok()) << made.status();
    path = made->path();
    EXPECT_EQ(std::filesystem::path(path).parent_path(), root_);
    EXPECT_EQ(std::filesystem::path(path).filename().string().rfind("bench-"),
              0u);
    ASSERT_TRUE(std::filesystem::is_directory(path));
    std::filesystem::create_directories(path + "/nested");
    std::ofstream(path + "/nested/run.json") << "{}";
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST_F(ScopedDirectoryTest, KeepLeavesItInPlace) {
  std::string path;
  {
    absl::StatusOr<ScopedDirectory> made = ScopedDirectory::Make("kept-");
    ASSERT_TRUE(made.ok()) << made.status();
    path = made->path();
    made->Keep();
    made->Keep();  // harmless twice
  }
  EXPECT_TRUE(std::filesystem::is_directory(path));
}

TEST_F(ScopedDirectoryTest, AMovedFromOneRemovesNothing) {
  std::optional<ScopedDirectory> moved;
  {
    absl::StatusOr<ScopedDirectory> made = ScopedDirectory::Make("moved-");
    ASSERT_TRUE(made.ok()) << made.status();
    moved.emplace(*std::move(made));
  }
  ASSERT_TRUE(std::filesystem::is_directory(moved->path()));
  const std::string path = moved->path();
  moved.reset();
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST_F(ScopedDirectoryTest, TakesAPathMadeLater) {
  const std::string path = root_ + "/out";
  {
    ScopedDirectory out(path);
    EXPECT_FALSE(std::filesystem::exists(path));
    std::filesystem::create_directories(path + "/bundle");
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  {
    ScopedDirectory nothing_made(path);  // never made: nothing to do
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST_F(ScopedDirectoryTest, AnErrorNamesThePattern) {
  setenv("TMPDIR", (root_ + "/missing").c_str(), 1);
  absl::StatusOr<ScopedDirectory> made = ScopedDirectory::Make("none-");
  ASSERT_FALSE(made.ok());
  EXPECT_NE(made.status().message().find("none-"), std::string::npos)
      << made.status();
}

TEST_F(ScopedDirectoryTest, GoesWhenASignalEndsTheProcessButAKeptOneStays) {
  const ReportingChild child = ForkReportingChild([](int to_test) {
    InstallInterruptCleanup();
    absl::StatusOr<ScopedDirectory> removed = ScopedDirectory::Make("gone-");
    absl::StatusOr<ScopedDirectory> kept = ScopedDirectory::Make("kept-");
    if (!removed.ok() || !kept.ok()) _exit(2);
    kept->Keep();
    const std::string paths = removed->path() + "\n" + kept->path() + "\n";
    if (write(to_test, paths.data(), paths.size()) !=
        static_cast<ssize_t>(paths.size())) {
      _exit(3);
    }
    close(to_test);
    AwaitSignal(4);
  });
  ASSERT_GT(child.pid, 0);
  const std::string paths = ReadFromChild(child.from_child, 4096);
  close(child.from_child);
  ASSERT_EQ(kill(child.pid, SIGTERM), 0);
  const int status = BoundedWait(child.pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "wait status " << status;
  EXPECT_EQ(WTERMSIG(status), SIGTERM);
  const size_t newline = paths.find('\n');
  ASSERT_NE(newline, std::string::npos) << paths;
  const std::string removed = paths.substr(0, newline);
  const std::string kept =
      paths.substr(newline + 1, paths.size() - newline - 2);
  EXPECT_FALSE(std::filesystem::exists(removed)) << removed;
  EXPECT_TRUE(std::filesystem::is_directory(kept)) << kept;
}

}  // namespace
}  // namespace forkcheck
