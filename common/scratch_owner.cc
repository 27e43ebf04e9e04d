#include "common/scratch_owner.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/temp_dir.h"

namespace forkcheck {
namespace {

absl::Status ErrnoError(absl::string_view action, const std::string& path) {
  return absl::FailedPreconditionError(absl::StrCat(
      "cannot ", action, " \"", path, "\": ", std::strerror(errno)));
}

// Whether `lock_path`'s lock is free, i.e. its owner is dead. On true the
// lock is held through `*fd` until the caller closes it, so that two runs
// cleaning at once do not both remove one directory (the second sees it
// held and leaves it to the first).
bool OwnerIsGone(const std::string& lock_path, int* fd) {
  *fd = open(lock_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (*fd < 0) return false;  // no mark: not ours to judge
  if (flock(*fd, LOCK_EX | LOCK_NB) == 0) return true;
  close(*fd);
  *fd = -1;
  return false;
}

}  // namespace

OwnerMark& OwnerMark::operator=(OwnerMark&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

OwnerMark::~OwnerMark() {
  if (fd_ >= 0) close(fd_);
}

absl::StatusOr<OwnerMark> MarkOwnedByThisProcess(const std::string& directory) {
  const std::string lock_path = absl::StrCat(directory, "/", kOwnerLockName);
  // Locked under a name of its own first: a lock file seen under its final
  // name is always already held.
  const std::string staging = absl::StrCat(lock_path, ".", getpid());
  const int fd =
      open(staging.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoError("create", staging);
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    absl::Status error = ErrnoError("lock", staging);
    close(fd);
    unlink(staging.c_str());
    return error;
  }
  // For a person looking at the directory; the lock is what counts.
  const std::string pid = absl::StrCat(getpid(), "\n");
  [[maybe_unused]] ssize_t written = write(fd, pid.data(), pid.size());
  if (rename(staging.c_str(), lock_path.c_str()) != 0) {
    absl::Status error = ErrnoError("rename onto", lock_path);
    close(fd);
    unlink(staging.c_str());
    return error;
  }
  return OwnerMark(fd);
}

std::vector<std::string> RemoveAbandonedDirectories(const std::string& root,
                                                    absl::string_view prefix) {
  std::vector<std::string> removed;
  std::unique_ptr<DIR, int (*)(DIR*)> listing(opendir(root.c_str()), &closedir);
  if (listing == nullptr) return removed;
  std::vector<std::string> candidates;
  while (const dirent* entry = readdir(listing.get())) {
    if (absl::StartsWith(entry->d_name, prefix)) {
      candidates.push_back(absl::StrCat(root, "/", entry->d_name));
    }
  }
  for (const std::string& path : candidates) {
    struct stat info {};
    // lstat: a symbolic link named like ours is never followed.
    if (lstat(path.c_str(), &info) != 0 || !S_ISDIR(info.st_mode) ||
        info.st_uid != geteuid()) {
      continue;
    }
    int lock_fd = -1;
    if (!OwnerIsGone(absl::StrCat(path, "/", kOwnerLockName), &lock_fd)) {
      continue;
    }
    std::error_code error;
    std::filesystem::remove_all(path, error);
    close(lock_fd);
    if (!error) removed.push_back(path);
  }
  return removed;
}

std::vector<std::string> RemoveAbandonedScratch(const std::string& root) {
  std::vector<std::string> removed =
      RemoveAbandonedDirectories(root, kScratchPrefix);
  if (root != kSocketFallbackRoot) {
    for (std::string& path :
         RemoveAbandonedDirectories(kSocketFallbackRoot, kScratchPrefix)) {
      removed.push_back(std::move(path));
    }
  }
  return removed;
}

}  // namespace forkcheck
