// A process that gets stuck or crashes in a function with a known name, for
// the tests of diagnosis/: gdb must find that name in its stacks.
//
//   stuck_and_crashing --hang    2 threads wait on a condition variable, the
//                                main thread blocks in HangInNamedFunction;
//                                prints "ready" when all three are waiting
//   stuck_and_crashing --crash   writes through a null pointer in
//                                CrashInNamedFunction
//   stuck_and_crashing --abort   calls abort() in AbortInNamedFunction
//
// --crash and --abort first install the crash handler a trial has
// (diagnosis/core_directory_handler.h), so the core lands in core.<pid>/.
// The named functions have external linkage and are not inlined, and the
// binary keeps its symbol table, so gdb names them without debug information.
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>

#include "diagnosis/core_directory_handler.h"

namespace {

std::mutex mutex;
std::condition_variable never_notified;
int waiting = 0;
// Read at run time, so the compiler cannot see the null and turn the write
// into a trap instruction (SIGILL) or clone the function for it.
int* volatile null_target = nullptr;

void WaitForever() {
  std::unique_lock<std::mutex> lock(mutex);
  ++waiting;
  never_notified.notify_all();
  while (true) never_notified.wait(lock);
}

}  // namespace

// Outside the anonymous namespace: their names are what the tests look for.
__attribute__((noinline)) void HangInNamedFunction() {
  {
    std::unique_lock<std::mutex> lock(mutex);
    never_notified.wait(lock, [] { return waiting >= 2; });
  }
  std::printf("ready\n");
  std::fflush(stdout);
  while (true) pause();
}

__attribute__((noinline)) void CrashInNamedFunction(volatile int* target) {
  *target = 1;
}

__attribute__((noinline)) void AbortInNamedFunction() { std::abort(); }

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s --hang|--crash|--abort\n", argv[0]);
    return 2;
  }
  if (std::strcmp(argv[1], "--hang") == 0) {
    std::thread first(WaitForever);
    std::thread second(WaitForever);
    HangInNamedFunction();
    first.join();
    second.join();
    return 0;
  }
  if (std::strcmp(argv[1], "--crash") == 0 ||
      std::strcmp(argv[1], "--abort") == 0) {
    if (!forkcheck::InstallCoreDirectoryHandler()) {
      std::fprintf(stderr, "could not install the crash handler\n");
      return 1;
    }
    std::printf("%d\n", static_cast<int>(getpid()));
    std::fflush(stdout);
    if (argv[1][2] == 'c') {
      CrashInNamedFunction(null_target);
    } else {
      AbortInNamedFunction();
    }
    return 1;  // not reached
  }
  std::fprintf(stderr, "unknown mode %s\n", argv[1]);
  return 2;
}
