// Runs callbacks at deadlines on a thread of its own, never inline in the
// caller: the fake's injected stalls and delays wait here instead of holding
// a gRPC thread, and a cancelled call stops waiting at once.
#ifndef FORKCHECK_FAKES_DELAY_SCHEDULER_H_
#define FORKCHECK_FAKES_DELAY_SCHEDULER_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace forkcheck {

class DelayScheduler {
 public:
  // Runs exactly once: with true at its deadline, or with false once
  // cancelled (or when the scheduler is destroyed first).
  using Callback = std::function<void(bool fired)>;

  DelayScheduler();
  ~DelayScheduler();  // runs every pending callback with false, then joins
  DelayScheduler(const DelayScheduler&) = delete;
  DelayScheduler& operator=(const DelayScheduler&) = delete;

  // Returns an id for Cancel (never 0).
  uint64_t Schedule(std::chrono::steady_clock::time_point deadline,
                    Callback callback);

  // Makes the callback run soon with false; no-op if it already ran.
  void Cancel(uint64_t id);

 private:
  struct Entry {
    std::chrono::steady_clock::time_point deadline;
    Callback callback;
    bool cancelled = false;
  };
  void Loop();

  std::mutex mu_;
  std::condition_variable changed_;
  std::map<uint64_t, Entry> entries_;  // guarded by mu_
  uint64_t next_id_ = 1;               // guarded by mu_
  bool stopping_ = false;              // guarded by mu_
  std::thread thread_;                 // last: starts after the rest exists
};

}  // namespace forkcheck

#endif  // FORKCHECK_FAKES_DELAY_SCHEDULER_H_
