#ifndef FORKCHECK_DRIVER_PROGRAM_COPY_H_
#define FORKCHECK_DRIVER_PROGRAM_COPY_H_

#include <filesystem>
#include <string>

#include "absl/status/status.h"

namespace forkcheck {

// The suffix of the file that lists a launcher's runfiles, one runfiles
// path a line, the launcher's own first (//bazel:py_direct_binary.bzl
// writes it beside the launcher, in its runfiles).
inline constexpr char kRunfilesListSuffix[] = ".runfiles_list";

// Copies the program at `path` into directory `bin` (following symlinks),
// so that it runs from there without Bazel. A launcher with a runfiles
// list beside it (at `path`, in the tree the caller runs it from) takes the
// listed files along into bin/<name>.runfiles, where the launcher looks
// first. Only the list says what the program needs: the tree a launcher
// has of its own in bazel-out exists only when it was built as a top-level
// target, and may be left from an older build. Any other script takes the
// tree beside its real file, if there is one.
absl::Status CopyProgram(const std::string& path,
                         const std::filesystem::path& bin);

}  // namespace forkcheck

#endif  // FORKCHECK_DRIVER_PROGRAM_COPY_H_
