#include "common/temp_dir.h"

#include <stdlib.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace forkcheck {

std::string TemporaryRoot() {
  const char* tmpdir = std::getenv("TMPDIR");
  // A relative TMPDIR would move with the working directory (a trial's is
  // its own); mkdtemp's callers expect a fixed place.
  if (tmpdir == nullptr || tmpdir[0] != '/') return "/tmp";
  std::string root = tmpdir;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  return root;
}

absl::StatusOr<std::string> MakeTemporaryDirectory(absl::string_view prefix,
                                                   size_t socket_room) {
  std::string root = TemporaryRoot();
  constexpr size_t kRandomPart = 6;  // mkdtemp's XXXXXX
  if (socket_room > 0 &&
      root.size() + 1 + prefix.size() + kRandomPart + socket_room >
          kMaxUnixSocketPath) {
    root = kSocketFallbackRoot;
  }
  const std::string pattern = absl::StrCat(root, "/", prefix, "XXXXXX");
  std::string path = pattern;  // mkdtemp fills in the X's, even failing
  if (mkdtemp(path.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("cannot make a directory ", pattern,
                                            ": ", std::strerror(errno)));
  }
  return path;
}

}  // namespace forkcheck
