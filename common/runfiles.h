// Finding the binaries a program runs (the fake server, trial programs) among
// its Bazel runfiles, under `bazel run`, `bazel test` and from bazel-bin.
#ifndef FORKCHECK_COMMON_RUNFILES_H_
#define FORKCHECK_COMMON_RUNFILES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace forkcheck {

// The absolute path of the executable `path_in_workspace` (e.g.
// "fakes/fake_bigquery_storage_server"), inside the runfiles tree if the
// program has one (else where its manifest says). `argv0` is the running
// program's argv[0]; empty in tests, which find their runfiles through
// TEST_SRCDIR. NOT_FOUND, naming the target to add to `data`, if it is not
// there.
absl::StatusOr<std::string> RunfileExecutable(
    const std::string& path_in_workspace, const std::string& argv0 = "");

// The same for a data file (readable, e.g. "conformance/matrix_design.json").
absl::StatusOr<std::string> RunfileData(const std::string& path_in_workspace,
                                        const std::string& argv0 = "");

// The environment ("KEY=VALUE" entries: RUNFILES_DIR and friends) that lets
// a binary this program starts find its runfiles in this program's tree,
// which holds them (runfiles are transitive). Without it such a binary,
// started from inside the tree, finds none. The paths are absolute.
absl::StatusOr<std::vector<std::string>> RunfilesEnvironment(
    const std::string& argv0 = "");

// Whether a "KEY=VALUE" (or bare "KEY") entry sets one of the variables
// RunfilesEnvironment gives: they name this build's tree, which a program
// copied out of it (driver/repro_bundle.h) must not be pointed at.
bool IsRunfilesVariable(absl::string_view entry);

// `path` as the user typed it: `bazel run` starts a program in its runfiles,
// so a relative path is taken from BUILD_WORKING_DIRECTORY, the directory
// the command was typed in. Absolute and empty paths, and every path outside
// `bazel run`, are returned as they are.
std::string PathFromUsersDirectory(const std::string& path);

}  // namespace forkcheck

#endif  // FORKCHECK_COMMON_RUNFILES_H_
