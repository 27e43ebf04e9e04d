#include "supervisor/cpu_starvation.h"

#include <dirent.h>

#include <algorithm>
#include <fstream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/subprocess.h"

namespace forkcheck {
namespace {

struct ThreadTimes {
  int64_t on_cpu_ns = 0;
  int64_t waited_ns = 0;  // on a run queue, waits that ended
  bool runnable = false;  // state R: running or waiting for a CPU
};

// From /proc/PID/task/TID/{schedstat,stat}; false if the thread is gone.
bool ReadThreadTimes(const std::string& task_dir, ThreadTimes* times) {
  std::ifstream schedstat(task_dir + "/schedstat");
  if (!(schedstat >> times->on_cpu_ns >> times->waited_ns)) return false;
  const char state = StateInStatFile(task_dir + "/stat");
  if (state == '\0') return false;
  times->runnable = state == 'R';
  return true;
}

}  // namespace

CpuWaits CpuWaitTracker::Look(const std::vector<pid_t>& pids) {
  const Clock::time_point now = Clock::now();
  CpuWaits waits;
  for (pid_t pid : pids) {
    const std::string tasks = absl::StrCat("/proc/", pid, "/task");
    DIR* dir = opendir(tasks.c_str());
    if (dir == nullptr) continue;
    while (dirent* item = readdir(dir)) {
      pid_t tid = 0;
      if (!absl::SimpleAtoi(item->d_name, &tid)) continue;
      ThreadTimes times;
      if (!ReadThreadTimes(absl::StrCat(tasks, "/", tid), &times)) continue;
      int64_t waited_ns = std::max<int64_t>(times.waited_ns, 0);
      auto [seen, first_look] = threads_.try_emplace(tid);
      Seen& thread = seen->second;
      if (first_look || times.on_cpu_ns != thread.on_cpu_ns ||
          times.waited_ns != thread.waited_ns) {
        thread.on_cpu_ns = times.on_cpu_ns;
        thread.waited_ns = times.waited_ns;
        thread.unchanged_since = now;
      } else if (times.runnable) {
        waited_ns += std::chrono::duration_cast<std::chrono::nanoseconds>(
                         now - thread.unchanged_since)
                         .count();
      }
      if (waited_ns > thread.longest_ns) waits.waited_since_last_look = true;
      thread.longest_ns = std::max(thread.longest_ns, waited_ns);
    }
    closedir(dir);
  }
  int64_t longest_ns = 0;
  for (const auto& [tid, thread] : threads_) {
    longest_ns = std::max(longest_ns, thread.longest_ns);
  }
  waits.longest = std::chrono::microseconds(longest_ns / 1000);
  return waits;
}

}  // namespace forkcheck
