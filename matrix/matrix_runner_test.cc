#include "matrix/matrix_runner.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
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

Cell CellOf(const std::string& model_name) {
  Cell cell;
  cell.model = model_name;
  cell.model_name = model_name;
  return cell;
}

// The schedule alone, with stand-in trials on one lane: once a cell's
// trials only sharpen a rate (mixed outcomes), a cell still on its way to
// a verdict gets the lane first, though the mixed cell is nearer its end
// in lane time. So Finish must pass on what each trial made of its cell.
TEST(RunMatrixTest, ACellThatOnlySharpensWaitsForOneOnItsWayToAVerdict) {
  std::unique_ptr<ServerPool> pool = EmptyPool();
  ASSERT_NE(pool, nullptr);
  const Cell mixed = CellOf("mixed");
  const Cell safe = CellOf("safe");
  std::vector<std::string> order;  // the model of each trial, as run
  int mixed_trials = 0;
  MatrixRunOptions options;
  options.cpu_lanes = 1;
  options.hang_lanes = 0;
  options.stopping.min_trials = 2;
  options.run_trial = [&](const Cell& cell) {
    order.push_back(cell.model_name);
    TrialSample sample;
    if (cell.model_name == "mixed") {
      // ok, error, ok, error...: mixed from its second trial; 1 ms each.
      sample.workers =
          ++mixed_trials % 2 == 0 ? OutcomeKind::kError : OutcomeKind::kOk;
      sample.wall_micros = 1000;
    } else {
      sample.workers = OutcomeKind::kOk;  // 100 ms each
      sample.wall_micros = 100000;
    }
    return sample;
  };
  absl::StatusOr<std::vector<CellResult>> results =
      RunMatrix({mixed, safe}, *pool, options);
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_EQ(results->size(), 2u);
  EXPECT_TRUE(Judge((*results)[0].WorkerCounts(), options.verdicts).mixed());
  EXPECT_EQ(Judge((*results)[1].WorkerCounts(), options.verdicts).verdict,
            SafetyVerdict::kSafe);
  // Both get their minimum first; then the safe cell runs to its verdict
  // before the mixed one gets its third trial.
  const std::string trials = absl::StrJoin(order, ",");
  const size_t last_safe = trials.rfind("safe");
  const size_t third_mixed = [&] {
    size_t at = 0;
    for (int i = 0; i < 3; ++i) at = trials.find("mixed", i == 0 ? 0 : at + 1);
    return at;
  }();
  ASSERT_NE(third_mixed, std::string::npos) << trials;
  EXPECT_GT(third_mixed, last_safe) << trials;
}

}  // namespace
}  // namespace forkcheck
