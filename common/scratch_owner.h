// Scratch directories of runs that were killed (SIGKILL, an OOM kill, a
// machine reset: nothing of the process ran to remove them) are removed by
// a later run, and only those: a directory is marked by a lock file its
// owner holds with flock(2) for as long as it lives. The kernel drops the
// lock when the owner dies, however it died, so a lock no one holds is a
// dead owner's, whatever became of its pid since (no pid-reuse guess).
#ifndef FORKCHECK_COMMON_SCRATCH_OWNER_H_
#define FORKCHECK_COMMON_SCRATCH_OWNER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace forkcheck {

// The lock file's name inside a marked directory.
inline constexpr char kOwnerLockName[] = ".forkcheck-owner";

// Every scratch directory forkcheck makes is named "forkcheck-...".
inline constexpr char kScratchPrefix[] = "forkcheck-";

// The lock that marks a directory as this process's; released when the mark
// is destroyed or the process ends, however it ends.
class OwnerMark {
 public:
  OwnerMark(OwnerMark&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  OwnerMark& operator=(OwnerMark&& other) noexcept;
  OwnerMark(const OwnerMark&) = delete;
  OwnerMark& operator=(const OwnerMark&) = delete;
  ~OwnerMark();

 private:
  friend absl::StatusOr<OwnerMark> MarkOwnedByThisProcess(
      const std::string& directory);
  explicit OwnerMark(int fd) : fd_(fd) {}
  int fd_;
};

// Marks `directory` as this process's: creates its lock file, locked, held
// while the mark lives (the descriptor is close-on-exec, so programs the
// process starts do not hold it; a forked child that does not exec shares
// it, which only keeps the directory longer). The lock file appears under
// its name already locked, so no other run takes it for a dead owner's.
// FAILED_PRECONDITION naming the path if it cannot be made.
absl::StatusOr<OwnerMark> MarkOwnedByThisProcess(const std::string& directory);

// Removes every directory in `root` whose name starts with `prefix` (e.g.
// "forkcheck-"), that belongs to this user and holds a lock file that no
// process holds: a run that is alive keeps its own; a directory without the
// lock file (not ours, or made before the marks existed) is left alone, as
// are symbolic links and other users' directories. Returns the paths
// removed; a directory that could not be removed whole is not among them.
std::vector<std::string> RemoveAbandonedDirectories(const std::string& root,
                                                    absl::string_view prefix);

// RemoveAbandonedDirectories of forkcheck's own (kScratchPrefix) in `root`
// (the user's TemporaryRoot(), read before UseOwnTemporaryDirectory points
// TMPDIR elsewhere) and in kSocketFallbackRoot, where directories of sockets
// go when `root` is too long (common/temp_dir.h).
std::vector<std::string> RemoveAbandonedScratch(const std::string& root);

}  // namespace forkcheck

#endif  // FORKCHECK_COMMON_SCRATCH_OWNER_H_
