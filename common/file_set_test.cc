#include "common/file_set.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <thread>

#include "common/file_util.h"
#include "common/interrupt_cleanup.h"
#include "common/testing/test_processes.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

std::string Root(const std::string& name) {
  return ::forkcheck::test_support::FreshTestDirectory(name);
}

using ::forkcheck::test_support::AwaitSignal;
using ::forkcheck::test_support::BoundedWait;
using ::forkcheck::test_support::ForkReportingChild;
using ::forkcheck::test_support::ReadFromChild;
using ::forkcheck::test_support::ReportingChild;

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

namespace fs = std::filesystem;

std::set<std::string> Names(const std::string& directory) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(directory)) {
    names.insert(entry.path().filename().string());
  }
  return names;
}

std::string Contents(const std::string& path) {
  return ReadFile(path, "test file").value_or("<unreadable>");
}

TEST(FileSetTest, TheFilesAppearTogetherOnCommit) {
  const std::string root = Root("together");
  FileSet files;
  ASSERT_TRUE(files.Add(root + "/run.md", "summary").ok());
  ASSERT_TRUE(files.Add(root + "/run.html", "page").ok());
  ASSERT_TRUE(files.Add(root + "/run.json", "report").ok());
  // Before the commit only temporaries, none under a final name.
  for (const std::string& name : Names(root)) {
    EXPECT_THAT(name, HasSubstr(".tmp."));
  }
  ASSERT_TRUE(files.Commit().ok());
  EXPECT_THAT(Names(root), ElementsAre("run.html", "run.json", "run.md"));
  EXPECT_EQ(Contents(root + "/run.md"), "summary");
  EXPECT_EQ(Contents(root + "/run.html"), "page");
  EXPECT_EQ(Contents(root + "/run.json"), "report");
}

TEST(FileSetTest, ASetNeverCommittedLeavesNothing) {
  const std::string root = Root("uncommitted");
  {
    FileSet files;
    ASSERT_TRUE(files.Add(root + "/run.md", "summary").ok());
    ASSERT_TRUE(files.Add(root + "/run.json", "report").ok());
  }
  EXPECT_THAT(Names(root), IsEmpty());
}

TEST(FileSetTest, AFailedRenameKeepsTheFilesAfterItOut) {
  const std::string root = Root("failed_rename");
  fs::create_directories(root + "/run.html");  // a directory: rename fails
  FileSet files;
  ASSERT_TRUE(files.Add(root + "/run.md", "summary").ok());
  ASSERT_TRUE(files.Add(root + "/run.html", "page").ok());
  ASSERT_TRUE(files.Add(root + "/run.json", "report").ok());
  const absl::Status committed = files.Commit();
  ASSERT_FALSE(committed.ok());
  EXPECT_THAT(std::string(committed.message()),
              HasSubstr("cannot rename onto \"" + root + "/run.html\""));
  // The report, added last, never appears without its page; no temporary
  // stays. The summary, renamed first, does (the order is the contract).
  EXPECT_THAT(Names(root), ElementsAre("run.html", "run.md"));
}

TEST(FileSetTest, AnErrorOnAddNamesTheFileAndLeavesNothing) {
  const std::string root = Root("add_error");
  FileSet files;
  const absl::Status added = files.Add(root + "/missing/run.md", "x");
  ASSERT_FALSE(added.ok());
  EXPECT_THAT(std::string(added.message()),
              HasSubstr("cannot create \"" + root + "/missing/run.md.tmp."));
  EXPECT_TRUE(files.Commit().ok());  // an empty set
  EXPECT_THAT(Names(root), IsEmpty());
}

TEST(FileSetTest, AnInterruptedSetLeavesNoTemporary) {
  const std::string root = Root("interrupted");
  const ReportingChild child = ForkReportingChild([&](int to_test) {
    InstallInterruptCleanup();
    FileSet files;
    if (!files.Add(root + "/run.md", "summary").ok() ||
        !files.Add(root + "/run.json", "report").ok()) {
      _exit(3);
    }
    const char byte = 'r';
    if (write(to_test, &byte, 1) != 1) _exit(4);
    AwaitSignal(5);
  });
  ASSERT_GT(child.pid, 0);
  ASSERT_EQ(ReadFromChild(child.from_child, 1), "r");
  close(child.from_child);
  EXPECT_EQ(Names(root).size(), 2u);  // the two temporaries
  ASSERT_EQ(kill(child.pid, SIGINT), 0);
  const int status = BoundedWait(child.pid);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT) << status;
  EXPECT_THAT(Names(root), IsEmpty());
}

}  // namespace
}  // namespace forkcheck
