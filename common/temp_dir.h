// Where forkcheck puts its scratch directories: under $TMPDIR, as every
// Unix tool does, or /tmp when it is unset. One helper, so that no room
// hard-codes /tmp and a user's TMPDIR (a bigger disk, a per-job directory on
// a shared machine) is honoured everywhere.
#ifndef FORKCHECK_COMMON_TEMP_DIR_H_
#define FORKCHECK_COMMON_TEMP_DIR_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace forkcheck {

// $TMPDIR if it is an absolute path, else "/tmp". Read anew on every call:
// UseOwnTemporaryDirectory (common/interrupt_cleanup.h) points TMPDIR at the
// run's own directory, and everything made after that belongs inside it.
std::string TemporaryRoot();

// The longest path a Unix socket can have (sockaddr_un's sun_path, less its
// terminating NUL).
inline constexpr size_t kMaxUnixSocketPath = 107;

// Where directories of Unix sockets go when TemporaryRoot() is too long.
inline constexpr char kSocketFallbackRoot[] = "/tmp";

// Makes a fresh directory "<root>/<prefix>XXXXXX" (mkdtemp: mode 0700) and
// returns its path. `socket_room`, for a directory of Unix sockets, is how
// many bytes the longest socket's name adds (e.g. 8 for "/12.sock"): when
// the path under TemporaryRoot() would be too long for such a socket, the
// directory goes under /tmp instead, since a server that cannot bind is worse
// than a TMPDIR not honoured. INTERNAL, naming the pattern, if mkdtemp fails.
absl::StatusOr<std::string> MakeTemporaryDirectory(absl::string_view prefix,
                                                   size_t socket_room = 0);

}  // namespace forkcheck

#endif  // FORKCHECK_COMMON_TEMP_DIR_H_
