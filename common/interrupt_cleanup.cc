#include "common/interrupt_cleanup.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <mutex>
#include <set>
#include <thread>
#include <utility>

#include "absl/status/statusor.h"
#include "common/scratch_owner.h"
#include "common/start_thread.h"
#include "common/temp_dir.h"

namespace forkcheck {
namespace {

constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};

// Written by the handler, read by the cleanup thread.
int wake_fds[2] = {-1, -1};

// Recursive: RunWithoutInterruption's function may register and forget.
std::recursive_mutex& DirectoriesMutex() {
  static auto* mutex = new std::recursive_mutex;
  return *mutex;
}

std::set<std::string>& Directories() {
  static auto* directories = new std::set<std::string>;
  return *directories;
}

void OnSignal(int signal_number) {
  // Only async-signal-safe calls here. A full pipe means a cleanup is
  // already on its way.
  const unsigned char byte = static_cast<unsigned char>(signal_number);
  const int saved_errno = errno;
  [[maybe_unused]] ssize_t written = write(wake_fds[1], &byte, 1);
  errno = saved_errno;
}

[[noreturn]] void CleanUpAndDie(int signal_number) {
  {
    std::lock_guard<std::recursive_mutex> lock(DirectoriesMutex());
    for (const std::string& directory : Directories()) {
      std::error_code error;
      // Other processes may be writing in it as this runs (a running
      // trial's, in its directory; a new directory of this process waits
      // for this lock: ScopedDirectory::Make), so remove_all can meet an
      // entry it did not list ("Directory not empty"): try again, a
      // bounded number of times.
      for (int attempt = 0; attempt < 20; ++attempt) {
        error.clear();
        std::filesystem::remove_all(directory, error);
        if (!error) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
      }
      std::fprintf(stderr, "forkcheck: %s: %s %s%s%s\n",
                   strsignal(signal_number),
                   error ? "could not remove" : "removed", directory.c_str(),
                   error ? ": " : "", error ? error.message().c_str() : "");
    }
  }
  std::fflush(stderr);
  signal(signal_number, SIG_DFL);
  raise(signal_number);
  // A signal the process blocks or ignores by default would not end it.
  _exit(128 + signal_number);
}

void WaitForSignal() {
  unsigned char byte = 0;
  while (true) {
    const ssize_t got = read(wake_fds[0], &byte, 1);
    if (got == 1) CleanUpAndDie(byte);
    if (got < 0 && errno == EINTR) continue;
    return;  // the pipe is gone: nothing more can arrive
  }
}

}  // namespace

void InstallInterruptCleanup() {
  static std::once_flag installed;
  std::call_once(installed, [] {
    if (pipe2(wake_fds, O_CLOEXEC) != 0) {
      std::fprintf(stderr, "forkcheck: no cleanup on interruption (pipe: %s)\n",
                   std::strerror(errno));
      return;
    }
    absl::StatusOr<std::thread> waiter =
        StartThread("the interrupt cleanup's thread", WaitForSignal);
    if (!waiter.ok()) {
      std::fprintf(stderr, "forkcheck: no cleanup on interruption (%s)\n",
                   std::string(waiter.status().message()).c_str());
      close(wake_fds[0]);
      close(wake_fds[1]);
      wake_fds[0] = wake_fds[1] = -1;
      return;
    }
    waiter->detach();
    for (const int signal_number : kSignals) {
      struct sigaction action {};
      action.sa_handler = OnSignal;
      sigemptyset(&action.sa_mask);
      action.sa_flags = SA_RESTART;
      sigaction(signal_number, &action, nullptr);
    }
  });
}

void RemoveOnInterrupt(const std::string& directory) {
  std::lock_guard<std::recursive_mutex> lock(DirectoriesMutex());
  Directories().insert(directory);
}

void ForgetOnInterrupt(const std::string& directory) {
  std::lock_guard<std::recursive_mutex> lock(DirectoriesMutex());
  Directories().erase(directory);
}

void RunWithoutInterruption(const std::function<void()>& critical) {
  std::lock_guard<std::recursive_mutex> lock(DirectoriesMutex());
  critical();
}

std::string UseOwnTemporaryDirectory() {
  static std::once_flag made;
  static std::string* directory = new std::string;
  std::call_once(made, [] {
    absl::StatusOr<std::string> made = MakeTemporaryDirectory("forkcheck-tmp-");
    if (!made.ok()) {
      std::fprintf(stderr,
                   "forkcheck: no temporary directory of its own (%s); "
                   "children use TMPDIR as it is\n",
                   std::string(made.status().message()).c_str());
      return;
    }
    *directory = *std::move(made);
    // Held until the process ends: a later run removes the directory if
    // this one is killed before it can (SIGKILL).
    static absl::StatusOr<OwnerMark>* mark =
        new absl::StatusOr<OwnerMark>(MarkOwnedByThisProcess(*directory));
    if (!mark->ok()) {
      std::fprintf(stderr, "forkcheck: %s (not removed if killed)\n",
                   std::string(mark->status().message()).c_str());
    }
    RemoveOnInterrupt(*directory);
    setenv("TMPDIR", directory->c_str(), 1);
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(*directory, ignored);
    });
  });
  return *directory;
}

}  // namespace forkcheck
