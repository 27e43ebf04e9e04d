#include "common/start_thread.h"

#include <atomic>
#include <cerrno>
#include <optional>
#include <string>
#include <system_error>
#include <thread>

#include "absl/strings/match.h"
#include "common/testing/test_processes.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

using ::testing::HasSubstr;

TEST(StartThreadTest, RunsTheBody) {
  std::atomic<bool> ran{false};
  absl::StatusOr<std::thread> thread =
      StartThread("a test thread", [&ran] { ran = true; });
  ASSERT_TRUE(thread.ok()) << thread.status();
  thread->join();
  EXPECT_TRUE(ran);
}

TEST(StartThreadTest, EagainNamesTheLimits) {
  const absl::Status status = ThreadStartError(
      "a matrix lane",
      std::system_error(EAGAIN, std::generic_category(), "pthread_create"));
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(status.message(), HasSubstr("could not start a matrix lane"));
  EXPECT_THAT(status.message(), HasSubstr("pids.max"));
}

TEST(StartThreadTest, OtherErrorsAreInternal) {
  const absl::Status status = ThreadStartError(
      "a lane", std::system_error(EINVAL, std::generic_category(), "x"));
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(status.message(), HasSubstr("could not start a lane"));
}

// A real refusal, where std::thread throws: StartThread must return.
TEST(StartThreadTest, ThreadTheKernelRefusesIsAStatus) {
  test_support::ExpectZeroWhereThreadsAreRefused(
      [] {
        absl::StatusOr<std::thread> thread =
            StartThread("a test thread", [] {});
        if (thread.ok()) {
          thread->join();
          return 1;
        }
        const bool named =
            thread.status().code() == absl::StatusCode::kResourceExhausted &&
            absl::StrContains(thread.status().message(), "a test thread");
        return named ? 0 : 2;
      },
      {{1, "a thread started where the kernel refuses them"},
       {2, "not RESOURCE_EXHAUSTED naming the thread"}});
}

}  // namespace
}  // namespace forkcheck
