// Starting a thread without letting std::thread's exception end the process.
//
// std::thread throws std::system_error when the kernel refuses a new task
// (EAGAIN under a cgroup's pids.max, RLIMIT_NPROC or threads-max). Uncaught,
// that is std::terminate: no report, and scratch directories and fake
// servers left behind. StartThread says so as a status instead, and the
// caller decides whether to go on without the thread or stop cleanly.
#ifndef FORKCHECK_COMMON_START_THREAD_H_
#define FORKCHECK_COMMON_START_THREAD_H_

#include <string>
#include <system_error>
#include <thread>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace forkcheck {

// The status for a thread `what` names (e.g. "a matrix lane") that
// std::thread could not start with `error`: RESOURCE_EXHAUSTED for EAGAIN
// (naming the limits that cause it), INTERNAL otherwise.
absl::Status ThreadStartError(absl::string_view what,
                              const std::system_error& error);

// Runs `body` on a new thread, or says why none could be started (only
// std::system_error is caught: an allocation failure still throws).
template <typename Body>
absl::StatusOr<std::thread> StartThread(absl::string_view what, Body&& body) {
  try {
    return std::thread(std::forward<Body>(body));
  } catch (const std::system_error& error) {
    return ThreadStartError(what, error);
  }
}

}  // namespace forkcheck

#endif  // FORKCHECK_COMMON_START_THREAD_H_
