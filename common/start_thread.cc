#include "common/start_thread.h"

#include "absl/strings/str_cat.h"

namespace forkcheck {

absl::Status ThreadStartError(absl::string_view what,
                              const std::system_error& error) {
  const std::string message =
      absl::StrCat("could not start ", what, ": ", error.what());
  if (error.code() == std::errc::resource_unavailable_try_again) {
    return absl::ResourceExhaustedError(absl::StrCat(
        message,
        " (the system refused a new thread: a limit on processes and "
        "threads, e.g. a cgroup's pids.max, ulimit -u or "
        "kernel.threads-max)"));
  }
  return absl::InternalError(message);
}

}  // namespace forkcheck
