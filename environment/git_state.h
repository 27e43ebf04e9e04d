// The harness's own source state for a report's environment: the commit of
// the workspace and whether the tree had changes, asked of git at run time
// with every command time-bounded.
#ifndef FORKCHECK_ENVIRONMENT_GIT_STATE_H_
#define FORKCHECK_ENVIRONMENT_GIT_STATE_H_

#include <chrono>
#include <string>
#include <vector>

namespace forkcheck {

struct GitState {
  std::string commit;  // full hash of HEAD, or "unknown"
  std::string tree;    // "clean", "dirty" or "unknown"
  // Why each "unknown": "harness.git_commit: <git's message>".
  std::vector<std::string> notes;
};

// The first executable `name` in the directories of $PATH, or "" if none.
std::string FindOnPath(const std::string& name);

// Runs `git -C directory rev-parse HEAD` and `git -C directory status
// --porcelain` with `git` (a path), each killed after `timeout`. Never hangs
// and never fails: a directory that is not in a git repository, a missing
// git, a repository without commits or a git that does not finish in time
// gives "unknown" with a note. `git status` is asked not to take the index
// lock (GIT_OPTIONAL_LOCKS=0), so it never disturbs a user's git.
GitState ProbeGit(const std::string& git, const std::string& directory,
                  std::chrono::milliseconds timeout);

}  // namespace forkcheck

#endif  // FORKCHECK_ENVIRONMENT_GIT_STATE_H_
