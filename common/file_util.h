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

// Writes `contents` to `path` atomically: to a temporary beside it
// (WriteTemporaryBeside), renamed over `path`, then its directory flushed;
// a reader sees the old file or the new one, never half of one. (Several
// files that must appear together: common/file_set.h.) An error from the
// flush alone (the directory cannot be opened for reading, say) comes
// with the new file already in place.
absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view contents);

// Writes `contents` to a new temporary beside `path` ("<path>.tmp.<pid>"),
// flushed to disk and removed if SIGINT, SIGTERM or SIGHUP ends the process
// (common/interrupt_cleanup.h), and returns its name; the caller renames it
// into place or discards it, and forgets it for the cleanup either way. An
// error names the temporary; nothing of it stays.
absl::StatusOr<std::string> WriteTemporaryBeside(const std::string& path,
                                                 absl::string_view contents);

// Removes a temporary of WriteTemporaryBeside and forgets it for the cleanup.
void DiscardTemporary(const std::string& temporary);

// The directory `path` is in, "." for a bare name.
std::string DirectoryOf(const std::string& path);

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

// Whether `a` and `b` name one file: the same file if both exist (hard
// links and symlinks included), else the same path once made absolute with
// its existing part resolved (a file about to be written). For refusing an
// output path that would overwrite an input.
bool SameFile(const std::string& a, const std::string& b);

}  // namespace forkcheck

#endif  // FORKCHECK_COMMON_FILE_UTIL_H_
