#include "common/scratch_owner.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "common/testing/test_processes.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

std::string Root(const std::string& name) {
  return ::forkcheck::test_support::FreshTestDirectory(name);
}

using ::testing::ElementsAre;
using ::testing::IsEmpty;

namespace fs = std::filesystem;

// Forks a process that marks `directory` as its own and then waits (until
// killed; 100 s at most) or, with `exit_at_once`, exits. Returns its pid
// once the mark is made.
pid_t OwnerProcess(const std::string& directory, bool exit_at_once) {
  const test_support::ReportingChild child =
      test_support::ForkReportingChild([&](int to_test) {
        fs::create_directories(directory);
        absl::StatusOr<OwnerMark> mark = MarkOwnedByThisProcess(directory);
        if (!mark.ok()) _exit(3);
        const char byte = 'r';
        if (write(to_test, &byte, 1) != 1) _exit(4);
        if (exit_at_once) _exit(0);
        test_support::AwaitSignal(5);
      });
  EXPECT_EQ(test_support::ReadFromChild(child.from_child, 1), "r")
      << "the owner failed to mark";
  if (child.from_child >= 0) close(child.from_child);
  return child.pid;
}

void Reap(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
}

TEST(ScratchOwnerTest, ADeadOwnersDirectoryGoesALiveOnesStays) {
  const std::string root = Root("dead_and_alive");
  const std::string alive = root + "/forkcheck-tmp-alive";
  const std::string dead = root + "/forkcheck-tmp-dead";
  const pid_t alive_pid = OwnerProcess(alive, /*exit_at_once=*/false);
  Reap(OwnerProcess(dead, /*exit_at_once=*/true));
  std::ofstream(dead + "/left-behind") << "x";
  ASSERT_TRUE(fs::exists(dead + "/" + kOwnerLockName));

  EXPECT_THAT(RemoveAbandonedDirectories(root, "forkcheck-"),
              ElementsAre(dead));
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_TRUE(fs::exists(alive));

  // Killed outright, as a run that nothing could clean up after.
  kill(alive_pid, SIGKILL);
  Reap(alive_pid);
  EXPECT_THAT(RemoveAbandonedDirectories(root, "forkcheck-"),
              ElementsAre(alive));
  EXPECT_FALSE(fs::exists(alive));
}

TEST(ScratchOwnerTest, ThisProcesssOwnDirectoryStays) {
  const std::string root = Root("own");
  const std::string own = root + "/forkcheck-tmp-own";
  fs::create_directories(own);
  absl::StatusOr<OwnerMark> mark = MarkOwnedByThisProcess(own);
  ASSERT_TRUE(mark.ok()) << mark.status();
  EXPECT_THAT(RemoveAbandonedDirectories(root, "forkcheck-"), IsEmpty());
  EXPECT_TRUE(fs::exists(own));
  // The lock file appears only under its own name, locked.
  EXPECT_THAT(
      [&] {
        std::vector<std::string> names;
        for (const auto& entry : fs::directory_iterator(own)) {
          names.push_back(entry.path().filename().string());
        }
        return names;
      }(),
      ElementsAre(kOwnerLockName));
  // Released (the run went on without it): a later run may take it.
  fs::create_directories(root + "/forkcheck-tmp-other");
  *mark = *MarkOwnedByThisProcess(root + "/forkcheck-tmp-other");
  EXPECT_THAT(RemoveAbandonedDirectories(root, "forkcheck-tmp-own"),
              ElementsAre(own));
}

TEST(ScratchOwnerTest, WhatIsNotOursIsLeftAlone) {
  const std::string root = Root("not_ours");
  // A dead owner's mark, but another name.
  const std::string other = root + "/other-tmp-dead";
  Reap(OwnerProcess(other, /*exit_at_once=*/true));
  // Our name, but no mark: made by something else, or before marks.
  const std::string unmarked = root + "/forkcheck-servers-old";
  fs::create_directories(unmarked);
  // A link named like ours to a dead owner's directory elsewhere.
  const std::string elsewhere = Root("elsewhere") + "/target";
  Reap(OwnerProcess(elsewhere, /*exit_at_once=*/true));
  fs::create_directory_symlink(elsewhere, root + "/forkcheck-link");
  // A file named like ours.
  std::ofstream(root + "/forkcheck-file") << "x";

  EXPECT_THAT(RemoveAbandonedDirectories(root, "forkcheck-"), IsEmpty());
  EXPECT_TRUE(fs::exists(other));
  EXPECT_TRUE(fs::exists(unmarked));
  EXPECT_TRUE(fs::exists(elsewhere + "/" + kOwnerLockName));
  EXPECT_TRUE(fs::exists(root + "/forkcheck-file"));
}

TEST(ScratchOwnerTest, ForkchecksScratchIsFoundInTheRootGiven) {
  const std::string root = Root("scratch");
  const std::string dead = root + "/forkcheck-bench-dead";
  Reap(OwnerProcess(dead, /*exit_at_once=*/true));
  const std::string other = root + "/someone-else";
  Reap(OwnerProcess(other, /*exit_at_once=*/true));
  // (It looks in /tmp too, where only a dead run's directories would go.)
  EXPECT_THAT(RemoveAbandonedScratch(root), ::testing::Contains(dead));
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_TRUE(fs::exists(other));
}

TEST(ScratchOwnerTest, AMissingRootRemovesNothing) {
  EXPECT_THAT(RemoveAbandonedDirectories("/nonexistent/forkcheck", "f"),
              IsEmpty());
}

TEST(ScratchOwnerTest, MarkingAMissingDirectoryNamesIt) {
  const absl::StatusOr<OwnerMark> marked =
      MarkOwnedByThisProcess("/nonexistent/forkcheck-x");
  ASSERT_FALSE(marked.ok());
  EXPECT_THAT(std::string(marked.status().message()),
              ::testing::HasSubstr("/nonexistent/forkcheck-x/"));
}

}  // namespace
}  // namespace forkcheck
