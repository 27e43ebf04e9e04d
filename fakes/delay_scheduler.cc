#include "fakes/delay_scheduler.h"

#include <utility>
#include <vector>

namespace forkcheck {

DelayScheduler::DelayScheduler() : thread_([this] { Loop(); }) {}

DelayScheduler::~DelayScheduler() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

uint64_t DelayScheduler::Schedule(
    std::chrono::steady_clock::time_point deadline, Callback callback) {
  uint64_t id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    id = next_id_++;
    entries_[id] = Entry{deadline, std::move(callback), false};
  }
  changed_.notify_all();
  return id;
}

void DelayScheduler::Cancel(uint64_t id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(id);
    if (it == entries_.end()) return;
    it->second.cancelled = true;
  }
  changed_.notify_all();
}

void DelayScheduler::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    // Take every entry that is due, cancelled, or (when stopping) left.
    const auto now = std::chrono::steady_clock::now();
    std::vector<std::pair<Callback, bool>> ready;
    auto next_deadline = std::chrono::steady_clock::time_point::max();
    for (auto it = entries_.begin(); it != entries_.end();) {
      Entry& entry = it->second;
      if (entry.cancelled || stopping_ || entry.deadline <= now) {
        ready.emplace_back(std::move(entry.callback),
                           !entry.cancelled && !stopping_);
        it = entries_.erase(it);
      } else {
        next_deadline = std::min(next_deadline, entry.deadline);
        ++it;
      }
    }
    if (!ready.empty()) {
      lock.unlock();  // callbacks may Schedule or Cancel
      for (auto& [callback, fired] : ready) callback(fired);
      lock.lock();
      continue;
    }
    if (stopping_) return;
    if (next_deadline == std::chrono::steady_clock::time_point::max()) {
      changed_.wait(lock);
    } else {
      changed_.wait_until(lock, next_deadline);
    }
  }
}

}  // namespace forkcheck
