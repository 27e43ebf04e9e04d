// Times one CaptureLiveStacks call over the pids given, as the supervisor
// makes it for a hung trial, and prints what each process got:
//
//   capture_timing [--bound_ms=N] PID...
//   wall_ms=1834 cpu_ms=1210
//   pid=123 threads=11 error=
//
// cpu_ms is the CPU time of the gdbs the call ran (this process's reaped
// children), which is what other trials lose on a loaded machine. For the
// measurements in diagnosis/README.md.
#include <sys/resource.h>
#include <sys/types.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "diagnosis/gdb_capture.h"

namespace {

long ChildrenCpuMillis() {
  rusage usage;
  getrusage(RUSAGE_CHILDREN, &usage);
  auto millis = [](const timeval& t) {
    return t.tv_sec * 1000L + t.tv_usec / 1000L;
  };
  return millis(usage.ru_utime) + millis(usage.ru_stime);
}

}  // namespace

int main(int argc, char** argv) {
  forkcheck::CaptureBounds bounds;
  bounds.per_process = std::chrono::milliseconds(8000);  // the supervisor's
  std::vector<pid_t> pids;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--bound_ms=", 11) == 0) {
      bounds.per_process = std::chrono::milliseconds(std::atol(argv[i] + 11));
    } else {
      pids.push_back(static_cast<pid_t>(std::atol(argv[i])));
    }
  }
  if (pids.empty()) {
    std::fprintf(stderr, "usage: %s [--bound_ms=N] PID...\n", argv[0]);
    return 2;
  }
  const long cpu_before = ChildrenCpuMillis();
  const auto start = std::chrono::steady_clock::now();
  std::vector<forkcheck::ProcessStacks> stacks =
      forkcheck::CaptureLiveStacks(pids, bounds);
  const auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  std::printf("wall_ms=%ld cpu_ms=%ld\n", static_cast<long>(wall.count()),
              ChildrenCpuMillis() - cpu_before);
  for (const forkcheck::ProcessStacks& process : stacks) {
    std::printf("pid=%d threads=%zu error=%s\n", process.pid,
                process.threads.size(), process.error.c_str());
  }
  return 0;
}
