// Reading and atomically writing whole files, with errors that name the path.
#ifndef FORKCHECK_COMMON_FILE_UTIL_H_
#define FORKCHECK_COMMON_FILE_UTIL_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace forkcheck {

// The whole contents of `path`. `what` names the file's role in errors
// ("catalogue file"): NOT_FOUND if it cannot be opened, FAILED_PRECONDITION
// if it cannot be read (a directory, say; a /proc file of a process that
// exited after the open: ESRCH). Read /proc with this, not with
// std::istreambuf_iterator over an ifstream: libstdc++ throws that read
// error out of the iterator, and it ended a main job (std::terminate).
absl::StatusOr<std::string> ReadFile(const std::string& path,
                                     absl::string_view what);

// For an error message about a child whose output went to `path`: "its
// output ends: <its last `bytes` bytes, trailing whitespace removed>", or
// "it wrote nothing" if the file is empty or unreadable.
std::string DescribeOutputTail(const std::string& path, size_t bytes = 2048);

// Writes `contents` to `path` atomically: to a temporary file in the same
// directory, flushed to disk, then renamed over `path`; a reader sees the old
// file or the new one, never half of one.
absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view contents);

// Writes all of `contents` to the open file `fd` and flushes it to disk
// (fsync); `path` names it in errors. Does not close `fd`.
absl::Status WriteAllAndSync(int fd, absl::string_view contents,
                             const std::string& path);

// Flushes `directory`'s entries to disk (fsync on the directory), so that a
// rename into it survives a crash of the machine, not only of the process.
absl::Status SyncDirectory(const std::string& directory);

// Whether a file could be written at `path` (directories missing on the way
// made first), checked without leaving anything behind: `path` is not an
// existing directory, its nearest existing ancestor is a directory, and a
// file can be created there (tried: a probe file is made and removed, since
// permission bits do not tell, e.g. under /proc or on a read-only mount, or
// for root). FAILED_PRECONDITION naming what is wrong, e.g. "\"/proc\": cannot
// create files there: No such file or directory".
absl::Status CheckCanCreateFile(const std::string& path);

}  // namespace forkcheck

#endif  // FORKCHECK_COMMON_FILE_UTIL_H_
