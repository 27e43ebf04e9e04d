#include "common/file_set.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/interrupt_cleanup.h"

namespace forkcheck {

FileSet::~FileSet() { RemoveTemporaries(); }

void FileSet::RemoveTemporaries() {
  RunWithoutInterruption([this] {
    for (const Staged& file : staged_) {
      unlink(file.temporary.c_str());
      ForgetOnInterrupt(file.temporary);
    }
    staged_.clear();
  });
}

absl::Status FileSet::Add(const std::string& path, absl::string_view contents) {
  const std::string temporary = absl::StrCat(path, ".tmp.", getpid());
  int fd = -1;
  int open_errno = 0;
  // Registered and created as one step: the cleanup never finds the file
  // made but not registered.
  RunWithoutInterruption([&] {
    fd =
        open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    open_errno = errno;
    if (fd >= 0) RemoveOnInterrupt(temporary);
  });
  if (fd < 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot create \"", temporary, "\": ", std::strerror(open_errno)));
  }
  staged_.push_back({temporary, path});
  absl::Status written = WriteAllAndSync(fd, contents, temporary);
  if (close(fd) != 0 && written.ok()) {
    written = absl::FailedPreconditionError(absl::StrCat(
        "cannot close \"", temporary, "\": ", std::strerror(errno)));
  }
  if (!written.ok()) {
    RunWithoutInterruption([&] {
      unlink(temporary.c_str());
      ForgetOnInterrupt(temporary);
    });
    staged_.pop_back();
  }
  return written;
}

absl::Status FileSet::Commit() {
  absl::Status renamed;
  std::set<std::string> directories;
  RunWithoutInterruption([&] {
    size_t done = 0;
    for (; done < staged_.size(); ++done) {
      const Staged& file = staged_[done];
      if (rename(file.temporary.c_str(), file.path.c_str()) != 0) {
        renamed = absl::FailedPreconditionError(absl::StrCat(
            "cannot rename onto \"", file.path, "\": ", std::strerror(errno)));
        break;
      }
      ForgetOnInterrupt(file.temporary);
      const std::string directory =
          std::filesystem::path(file.path).parent_path().string();
      directories.insert(directory.empty() ? "." : directory);
    }
    staged_.erase(staged_.begin(), staged_.begin() + done);
  });
  RemoveTemporaries();  // those after a failed rename
  if (!renamed.ok()) return renamed;
  for (const std::string& directory : directories) {
    if (absl::Status synced = SyncDirectory(directory); !synced.ok()) {
      return synced;
    }
  }
  return absl::OkStatus();
}

}  // namespace forkcheck
