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
// if it cannot be read (a directory, say).
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

}  // namespace forkcheck

#endif  // FORKCHECK_COMMON_FILE_UTIL_H_
