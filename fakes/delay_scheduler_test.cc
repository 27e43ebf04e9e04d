#include "fakes/delay_scheduler.h"

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace forkcheck {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// The order says something only if all three were scheduled before the
// first deadline: on a loaded machine the test thread can be paused past
// it, and the scheduler then rightly runs that callback first. Such an
// attempt is repeated (up to 5), never judged.
TEST(DelaySchedulerTest, RunsAtTheDeadlineInDeadlineOrderNeverInline) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    DelayScheduler scheduler;
    std::promise<std::vector<int>> done;
    std::vector<int> order;
    std::mutex mu;
    const auto start = Clock::now();
    const auto caller = std::this_thread::get_id();
    std::atomic<bool> inline_call{false};
    auto record = [&](int n) {
      return [&, n](bool fired) {
        EXPECT_TRUE(fired);
        if (std::this_thread::get_id() == caller) inline_call = true;
        std::lock_guard<std::mutex> lock(mu);
        order.push_back(n);
        if (order.size() == 3) done.set_value(order);
      };
    };
    scheduler.Schedule(start + milliseconds(60), record(3));
    scheduler.Schedule(start + milliseconds(20), record(1));
    scheduler.Schedule(start - milliseconds(1), record(0));  // overdue
    const bool scheduled_in_time = Clock::now() - start < milliseconds(20);
    auto result = done.get_future();
    ASSERT_EQ(result.wait_for(std::chrono::seconds(10)),
              std::future_status::ready);
    EXPECT_FALSE(inline_call.load());
    if (!scheduled_in_time) continue;
    EXPECT_EQ(result.get(), (std::vector<int>{0, 1, 3}));
    EXPECT_GE(Clock::now() - start, milliseconds(60));
    return;
  }
  FAIL() << "5 attempts, none scheduled its 3 callbacks within 20 ms";
}

TEST(DelaySchedulerTest, CancelRunsTheCallbackSoonWithFalse) {
  DelayScheduler scheduler;
  std::promise<bool> fired;
  const auto start = Clock::now();
  uint64_t id = scheduler.Schedule(start + std::chrono::hours(1),
                                   [&](bool f) { fired.set_value(f); });
  scheduler.Cancel(id);
  auto result = fired.get_future();
  ASSERT_EQ(result.wait_for(std::chrono::seconds(10)),
            std::future_status::ready);
  EXPECT_FALSE(result.get());
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
  scheduler.Cancel(id);  // already ran: a no-op
}

TEST(DelaySchedulerTest, DestructionRunsPendingCallbacksWithFalse) {
  std::atomic<int> not_fired{0};
  {
    DelayScheduler scheduler;
    for (int i = 0; i < 3; ++i) {
      scheduler.Schedule(Clock::now() + std::chrono::hours(1),
                         [&](bool f) { if (!f) ++not_fired; });
    }
  }
  EXPECT_EQ(not_fired.load(), 3);
}

}  // namespace
}  // namespace forkcheck
