#include "common/file_set.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/interrupt_cleanup.h"

namespace forkcheck {

FileSet::~FileSet() { RemoveTemporaries(); }

void FileSet::RemoveTemporaries() {
  for (const Staged& file : staged_) DiscardTemporary(file.temporary);
  staged_.clear();
}

absl::Status FileSet::Add(const std::string& path, absl::string_view contents) {
  absl::StatusOr<std::string> temporary = WriteTemporaryBeside(path, contents);
  if (!temporary.ok()) return temporary.status();
  staged_.push_back({*std::move(temporary), path});
  return absl::OkStatus();
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
      directories.insert(DirectoryOf(file.path));
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
