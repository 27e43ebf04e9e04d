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

// What the threads of a trial waited for a CPU, as of one look.
struct CpuWaits {
  // The longest time one thread has waited for a CPU since it started, over
  // every thread seen at this look or an earlier one (a starved worker that
  // has since finished still counts: its parent, left to report, must not
  // lose the time the worker waited).
  std::chrono::microseconds longest{0};
  // Whether a live thread waited for a CPU since the previous look (at the
  // first look: at all). A hung trial's threads sleep and wait for none; a
  // starved one's keep waiting.
  bool waited_since_last_look = false;
};

// Follows the threads of a set of processes across looks. Not thread-safe.
class CpuWaitTracker {
 public:
  // A thread's wait is the kernel's run-queue delay, which it counts only
  // when a wait ends, plus, for a thread that is runnable now and has
  // neither run nor ended a wait since an earlier look, the time since that
  // look (the wait in progress). Processes gone or unreadable add nothing.
  CpuWaits Look(const std::vector<pid_t>& pids);

 private:
  using Clock = std::chrono::steady_clock;
  struct Seen {
    int64_t on_cpu_ns = 0;
    int64_t waited_ns = 0;  // the kernel's count at the last change
    Clock::time_point unchanged_since;
    int64_t longest_ns = 0;  // its wait at the last look, in progress included
  };
  std::map<pid_t, Seen> threads_;
};

}  // namespace forkcheck

#endif  // FORKCHECK_SUPERVISOR_CPU_STARVATION_H_
