// A directory that goes on every way out of a scope: removed, with all in
// it, when its ScopedDirectory is destroyed, and meanwhile by the interrupt
// cleanup (common/interrupt_cleanup.h) if SIGINT, SIGTERM or SIGHUP ends the
// process. For scratch space (a trial's, the benchmarks', the servers'
// sockets) and for an output that only a finished run may leave (repro's
// directory: Keep() once it is complete).
#ifndef FORKCHECK_COMMON_SCOPED_DIRECTORY_H_
#define FORKCHECK_COMMON_SCOPED_DIRECTORY_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace forkcheck {

class ScopedDirectory {
 public:
  // A fresh directory of MakeTemporaryDirectory(prefix, socket_room)
  // (common/temp_dir.h), made and registered for the cleanup as one step,
  // so that no signal finds it made but not registered.
  static absl::StatusOr<ScopedDirectory> Make(absl::string_view prefix,
                                              size_t socket_room = 0);

  // Takes `path`, which need not exist yet (a later step may make it).
  explicit ScopedDirectory(std::string path);

  ScopedDirectory(ScopedDirectory&& other) noexcept;
  ScopedDirectory& operator=(ScopedDirectory&&) = delete;
  ScopedDirectory(const ScopedDirectory&) = delete;
  ScopedDirectory& operator=(const ScopedDirectory&) = delete;
  ~ScopedDirectory();

  const std::string& path() const { return path_; }

  // Leaves the directory in place for good: neither the destructor nor the
  // cleanup removes it.
  void Keep();

 private:
  struct AlreadyRegistered {};
  ScopedDirectory(std::string path, AlreadyRegistered);

  std::string path_;
  bool owned_ = true;  // false once kept or moved from
};

}  // namespace forkcheck

#endif  // FORKCHECK_COMMON_SCOPED_DIRECTORY_H_
