#include "matrix/matrix_runner.h"

#include <memory>
#include <optional>
#include <string>

#include "absl/strings/match.h"
#include "common/testing/test_processes.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

// A pool for no cells: a directory, no server.
std::unique_ptr<ServerPool> EmptyPool() {
  absl::StatusOr<std::unique_ptr<ServerPool>> pool =
      ServerPool::Start("", {}, {});
  EXPECT_TRUE(pool.ok()) << pool.status();
  return pool.ok() ? *std::move(pool) : nullptr;
}

TEST(RunMatrixTest, NoCellsGiveNoResults) {
  std::unique_ptr<ServerPool> pool = EmptyPool();
  ASSERT_NE(pool, nullptr);
  absl::StatusOr<std::vector<CellResult>> results =
      RunMatrix({}, *pool, MatrixRunOptions{});
  ASSERT_TRUE(results.ok()) << results.status();
  EXPECT_TRUE(results->empty());
}

// Under a limit on threads the run stops with an error that names the
// lane, instead of std::thread's exception ending the process (no report,
// servers and directories left behind).
TEST(RunMatrixTest, LanesTheKernelRefusesAreAnError) {
  std::unique_ptr<ServerPool> pool = EmptyPool();
  ASSERT_NE(pool, nullptr);
  test_support::ExpectZeroWhereThreadsAreRefused(
      [&pool] {
        absl::StatusOr<std::vector<CellResult>> results =
            RunMatrix({}, *pool, MatrixRunOptions{});
        if (results.ok()) return 1;
        const bool named =
            results.status().code() == absl::StatusCode::kResourceExhausted &&
            absl::StrContains(results.status().message(),
                              "could not start a CPU lane of the matrix");
        return named ? 0 : 2;
      },
      {{1, "the lanes started where the kernel refuses threads"},
       {2, "not RESOURCE_EXHAUSTED naming the CPU lane"}});
}

}  // namespace
}  // namespace forkcheck
