#include "matrix/matrix_runner.h"

#include <functional>
#include <map>
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

// Stand-in trials: a cell named "mixed*" alternates ok and error, 1 ms
// each; any other is always ok, 100 ms each. `order` gets each trial's
// cell name, as run (one lane: in the order the lane chose).
std::function<TrialSample(const Cell&)> StandInTrials(
    std::vector<std::string>* order) {
  auto trials = std::make_shared<std::map<std::string, int>>();
  return [order, trials](const Cell& cell) {
    order->push_back(cell.model_name);
    const int n = ++(*trials)[cell.model_name];
    TrialSample sample;
    if (absl::StartsWith(cell.model_name, "mixed")) {
      sample.workers = n % 2 == 0 ? OutcomeKind::kError : OutcomeKind::kOk;
      sample.wall_micros = 1000;
    } else {
      sample.workers = OutcomeKind::kOk;
      sample.wall_micros = 100000;
    }
    return sample;
  };
}

// Where in `order` the `n`th (1-based) trial of `name` is; order.size() if
// there is none.
size_t NthTrialOf(const std::vector<std::string>& order,
                  const std::string& name, int n) {
  for (size_t i = 0; i < order.size(); ++i) {
    if (order[i] == name && --n == 0) return i;
  }
  return order.size();
}

// One CPU lane, no hang lanes, two trials a cell at least, and the
// stand-in trials recording their order in `order`.
MatrixRunOptions OneLaneOfStandIns(std::vector<std::string>* order) {
  MatrixRunOptions options;
  options.cpu_lanes = 1;
  options.hang_lanes = 0;
  options.stopping.min_trials = 2;
  options.run_trial = StandInTrials(order);
  return options;
}

size_t LastTrialOf(const std::vector<std::string>& order,
                   const std::string& name) {
  for (size_t i = order.size(); i > 0; --i) {
    if (order[i - 1] == name) return i - 1;
  }
  return order.size();
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
  std::vector<std::string> order;
  const MatrixRunOptions options = OneLaneOfStandIns(&order);
  absl::StatusOr<std::vector<CellResult>> results =
      RunMatrix({mixed, safe}, *pool, options);
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_EQ(results->size(), 2u);
  EXPECT_TRUE(Judge((*results)[0].WorkerCounts(), options.verdicts).mixed());
  EXPECT_EQ(Judge((*results)[1].WorkerCounts(), options.verdicts).verdict,
            SafetyVerdict::kSafe);
  // Both get their minimum first; then the safe cell runs to its verdict
  // before the mixed one gets its third trial.
  const size_t third_mixed = NthTrialOf(order, "mixed", 3);
  ASSERT_LT(third_mixed, order.size()) << absl::StrJoin(order, ",");
  EXPECT_GT(third_mixed, LastTrialOf(order, "safe"))
      << absl::StrJoin(order, ",");
}

// A cell whose trials depart from its record (recorded safe in 1,000
// trials, now failing every other) is served before the rest, though its
// trials now only sharpen a rate, and judged at the departing look: the
// expectations check gets the trials it needs to tell a change.
TEST(RunMatrixTest, ACellDepartingFromItsRecordIsServedFirst) {
  std::unique_ptr<ServerPool> pool = EmptyPool();
  ASSERT_NE(pool, nullptr);
  const Cell departing = CellOf("mixed_now");
  const Cell safe = CellOf("safe");
  std::vector<std::string> order;
  MatrixRunOptions options = OneLaneOfStandIns(&order);
  options.recorded[CellKey(departing)].counts[OutcomeKind::kOk] = 1000;
  absl::StatusOr<std::vector<CellResult>> results =
      RunMatrix({safe, departing}, *pool, options);
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_EQ(results->size(), 2u);
  EXPECT_EQ((*results)[1].WorkerCounts().total(),
            options.stopping.departing_trials);
  // Every trial of the departing cell after the minimum comes before the
  // safe cell's third.
  EXPECT_LT(LastTrialOf(order, "mixed_now"), NthTrialOf(order, "safe", 3))
      << absl::StrJoin(order, ",");
}

}  // namespace
}  // namespace forkcheck
