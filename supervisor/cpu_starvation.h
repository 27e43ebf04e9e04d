// How long a trial's threads have waited for a CPU: the watchdog's allowance
// for a machine busier than its cores.
//
// A watchdog that counts wall time calls a trial that is merely starved a
// hang: on a 2-core machine at load average 36, spawn trials whose workers
// were still starting (runnable, waiting for a CPU) were killed at the 4 s
// watchdog and recorded as hangs in 36 of 44 trials of cells recorded
// safe. A hung gRPC process sleeps (a futex, epoll) and waits for no CPU,
// so the time a trial's threads spent runnable but not running (the
// kernel's run-queue delay, /proc/PID/task/TID/schedstat) tells the two
// apart.
#ifndef FORKCHECK_SUPERVISOR_CPU_STARVATION_H_
#define FORKCHECK_SUPERVISOR_CPU_STARVATION_H_

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <vector>

namespace forkcheck {

// Follows the threads of a set of processes across looks. Not thread-safe.
class CpuWaitTracker {
 public:
  // The longest time one live thread of `pids` has waited for a CPU since
  // it started: the kernel's run-queue delay, which it counts only when a
  // wait ends, plus, for a thread that is runnable now and has neither run
  // nor ended a wait since an earlier look, the time since that look (the
  // wait in progress). Zero for processes gone or unreadable.
  std::chrono::microseconds LongestWait(const std::vector<pid_t>& pids);

 private:
  using Clock = std::chrono::steady_clock;
  struct Seen {
    int64_t on_cpu_ns = 0;
    int64_t waited_ns = 0;
    Clock::time_point unchanged_since;
  };
  std::map<pid_t, Seen> threads_;
};

}  // namespace forkcheck

#endif  // FORKCHECK_SUPERVISOR_CPU_STARVATION_H_
