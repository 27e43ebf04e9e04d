#include "environment/git_state.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/file_util.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kTimeout(10000);

std::string MakeTempDir() {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string pattern =
      absl::StrCat(base != nullptr ? base : "/tmp", "/gitXXXXXX");
  EXPECT_NE(mkdtemp(pattern.data()), nullptr);
  return pattern;
}

class ProbeGitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    git_ = FindOnPath("git");
    ASSERT_FALSE(git_.empty()) << "git must be installed for this test";
    // Stop git's search for a repository at the test's temporary directory,
    // whatever lies above it.
    const char* base = std::getenv("TEST_TMPDIR");
    setenv("GIT_CEILING_DIRECTORIES", base != nullptr ? base : "/tmp", 1);
  }

  // Runs `git -C dir args` (setup only), failing the test if git fails.
  void Git(const std::string& dir, const std::string& args) {
    const std::string command = absl::StrCat(
        git_, " -C ", dir,
        " -c user.name=forkcheck -c user.email=forkcheck@example.invalid"
        " -c commit.gpgsign=false -c init.defaultBranch=main ",
        args, " >/dev/null 2>&1");
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }

  std::string HeadOf(const std::string& dir) {
    const std::string out = absl::StrCat(dir, "/../head.txt");
    const std::string command =
        absl::StrCat(git_, " -C ", dir, " rev-parse HEAD >", out);
    EXPECT_EQ(std::system(command.c_str()), 0);
    absl::StatusOr<std::string> head = ReadFile(out, "head");
    return head.ok() ? std::string(absl::StripAsciiWhitespace(*head)) : "";
  }

  // A repository with one committed file.
  std::string MakeRepo() {
    const std::string dir = absl::StrCat(MakeTempDir(), "/repo");
    EXPECT_EQ(mkdir(dir.c_str(), 0755), 0);
    EXPECT_TRUE(WriteFileAtomically(dir + "/a.txt", "one\n").ok());
    Git(dir, "init -q");
    Git(dir, "add a.txt");
    Git(dir, "commit -q -m first");
    return dir;
  }

  // An executable shell script standing in for git.
  std::string FakeGit(const std::string& body) {
    const std::string path = absl::StrCat(MakeTempDir(), "/git");
    EXPECT_TRUE(WriteFileAtomically(path, "#!/bin/sh\n" + body + "\n").ok());
    EXPECT_EQ(chmod(path.c_str(), 0755), 0);
    return path;
  }

  std::string git_;
};

TEST_F(ProbeGitTest, FindOnPathFindsExecutablesOnly) {
  EXPECT_EQ(access(git_.c_str(), X_OK), 0);
  EXPECT_TRUE(absl::EndsWith(git_, "/git"));
  EXPECT_EQ(FindOnPath("no-such-forkcheck-tool"), "");
}

TEST_F(ProbeGitTest, CleanThenDirtyByUntrackedThenByTrackedChange) {
  const std::string repo = MakeRepo();
  GitState clean = ProbeGit(git_, repo, kTimeout);
  EXPECT_EQ(clean.commit, HeadOf(repo));
  EXPECT_EQ(clean.commit.size(), 40u);
  EXPECT_EQ(clean.tree, "clean");
  EXPECT_TRUE(clean.notes.empty()) << absl::StrJoin(clean.notes, "\n");

  ASSERT_TRUE(WriteFileAtomically(repo + "/new.txt", "x").ok());
  EXPECT_EQ(ProbeGit(git_, repo, kTimeout).tree, "dirty");
  ASSERT_EQ(unlink((repo + "/new.txt").c_str()), 0);
  EXPECT_EQ(ProbeGit(git_, repo, kTimeout).tree, "clean");

  ASSERT_TRUE(WriteFileAtomically(repo + "/a.txt", "two\n").ok());
  GitState dirty = ProbeGit(git_, repo, kTimeout);
  EXPECT_EQ(dirty.tree, "dirty");
  EXPECT_EQ(dirty.commit, clean.commit);

  // A new commit is a new hash, and the tree is clean again.
  Git(repo, "commit -q -a -m second");
  GitState next = ProbeGit(git_, repo, kTimeout);
  EXPECT_EQ(next.tree, "clean");
  EXPECT_NE(next.commit, clean.commit);
  EXPECT_EQ(next.commit, HeadOf(repo));
}

TEST_F(ProbeGitTest, NotARepositoryIsUnknownWithGitsReason) {
  const std::string dir = MakeTempDir();
  GitState state = ProbeGit(git_, dir, kTimeout);
  EXPECT_EQ(state.commit, "unknown");
  EXPECT_EQ(state.tree, "unknown");
  ASSERT_EQ(state.notes.size(), 2u);
  EXPECT_TRUE(absl::StartsWith(state.notes[0], "harness.git_commit: "));
  EXPECT_TRUE(absl::StartsWith(state.notes[1], "harness.git_tree: "));
  EXPECT_TRUE(absl::StrContains(state.notes[0], "not a git repository"))
      << state.notes[0];
}

TEST_F(ProbeGitTest, MissingDirectoryIsUnknown) {
  GitState state = ProbeGit(git_, MakeTempDir() + "/does-not-exist", kTimeout);
  EXPECT_EQ(state.commit, "unknown");
  EXPECT_EQ(state.tree, "unknown");
  EXPECT_EQ(state.notes.size(), 2u);
}

TEST_F(ProbeGitTest, RepositoryWithoutCommitsHasNoCommit) {
  const std::string dir = MakeTempDir();
  Git(dir, "init -q");
  GitState state = ProbeGit(git_, dir, kTimeout);
  EXPECT_EQ(state.commit, "unknown");
  EXPECT_EQ(state.tree, "clean");
  ASSERT_EQ(state.notes.size(), 1u);
  EXPECT_TRUE(absl::StartsWith(state.notes[0], "harness.git_commit: "));
}

TEST_F(ProbeGitTest, NoGitOrAGitThatCannotRunIsUnknown) {
  const std::string dir = MakeRepo();
  GitState none = ProbeGit("", dir, kTimeout);
  EXPECT_EQ(none.commit, "unknown");
  EXPECT_EQ(none.tree, "unknown");
  EXPECT_EQ(none.notes.size(), 2u);

  GitState missing = ProbeGit(MakeTempDir() + "/git", dir, kTimeout);
  EXPECT_EQ(missing.commit, "unknown");
  EXPECT_EQ(missing.tree, "unknown");
  ASSERT_EQ(missing.notes.size(), 2u);
  EXPECT_TRUE(absl::StrContains(missing.notes[0], "exec failed"))
      << missing.notes[0];
}

TEST_F(ProbeGitTest, AGitThatHangsIsKilledInTime) {
  // The sleep is a grandchild holding the pipes open: the whole process
  // group must go.
  const std::string hanging = FakeGit("sleep 30; echo late");
  const auto start = std::chrono::steady_clock::now();
  GitState state = ProbeGit(hanging, MakeRepo(), milliseconds(300));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(state.commit, "unknown");
  EXPECT_EQ(state.tree, "unknown");
  ASSERT_EQ(state.notes.size(), 2u);
  EXPECT_TRUE(absl::StrContains(state.notes[0], "did not finish within 300 ms"))
      << state.notes[0];
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

TEST_F(ProbeGitTest, FloodedOutputNeitherBlocksNorPassesAsAHash) {
  // 4 MB on each output: more than a pipe holds, so git would block if the
  // probe stopped reading.
  const std::string flooding = FakeGit(
      "head -c 4000000 /dev/zero | tr '\\0' x\n"
      "head -c 4000000 /dev/zero | tr '\\0' y >&2\n"
      "exit 0");
  GitState state = ProbeGit(flooding, MakeRepo(), kTimeout);
  EXPECT_EQ(state.commit, "unknown");
  ASSERT_EQ(state.notes.size(), 1u);
  EXPECT_TRUE(absl::StrContains(state.notes[0], "printed no hash"))
      << state.notes[0];
  EXPECT_EQ(state.tree, "dirty");  // it did print, and exited 0
}

}  // namespace
}  // namespace forkcheck
