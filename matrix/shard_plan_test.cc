#include "matrix/shard_plan.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

using ::testing::HasSubstr;

// A design shaped like the quick one of 2026-12-06 (93 C++ cells, 40 Python
// ones: more testee cells than today's, the harder case to spread), with
// the cells recorded as hanging where that design had most of them:
// 36 of the C++ cells and 8 of the Python ones, in runs of neighbours, as
// the design's groups put them.
std::vector<CellToPlan> QuickLikeCells() {
  std::vector<CellToPlan> cells;
  for (int i = 0; i < 93; ++i) {
    Cell cell;
    cell.client = kCppClient;
    cell.model_name = absl::StrCat("model", i / 6);
    const bool hangs = i % 6 < 3 && i < 72;  // 36 cells
    cells.push_back({absl::StrCat(cell.model_name, " workers=", i % 6, " c", i),
                     EstimateCellCost(cell, hangs)});
  }
  for (int i = 0; i < 40; ++i) {
    Cell cell;
    cell.client = "python-grpcio";
    const bool hangs = i >= 32;  // 8 cells, all at the end
    cells.push_back({absl::StrCat("python-grpcio:pool", i / 4, " p", i),
                     EstimateCellCost(cell, hangs)});
  }
  return cells;
}

// The keys of each shard.
std::vector<std::set<std::string>> KeysByShard(
    const std::vector<CellToPlan>& cells, const ShardPlan& plan) {
  std::vector<std::set<std::string>> keys(plan.shards.size());
  for (size_t shard = 0; shard < plan.shards.size(); ++shard) {
    for (int position : plan.shards[shard]) {
      keys[shard].insert(cells[position].key);
    }
  }
  return keys;
}

double Mean(const std::vector<double>& values) {
  return std::accumulate(values.begin(), values.end(), 0.0) / values.size();
}

double Max(const std::vector<double>& values) {
  return *std::max_element(values.begin(), values.end());
}

TEST(ShardPlanTest, EveryCellIsInExactlyOneShard) {
  const std::vector<CellToPlan> cells = QuickLikeCells();
  for (int count : {1, 2, 3, 4, 7, 8, 16, 133, 200}) {
    SCOPED_TRACE(absl::StrCat(count, " shards"));
    absl::StatusOr<ShardPlan> plan = PlanShards(cells, count);
    ASSERT_TRUE(plan.ok()) << plan.status();
    ASSERT_EQ(plan->shards.size(), static_cast<size_t>(count));
    std::vector<int> seen(cells.size(), 0);
    for (const std::vector<int>& shard : plan->shards) {
      EXPECT_TRUE(std::is_sorted(shard.begin(), shard.end()));
      for (int position : shard) {
        ASSERT_GE(position, 0);
        ASSERT_LT(position, static_cast<int>(cells.size()));
        ++seen[position];
      }
    }
    for (size_t i = 0; i < cells.size(); ++i) {
      EXPECT_EQ(seen[i], 1) << cells[i].key;
    }
  }
}

TEST(ShardPlanTest, MoreShardsThanCellsLeavesNoShardWithTwo) {
  const std::vector<CellToPlan> cells = QuickLikeCells();
  absl::StatusOr<ShardPlan> plan = PlanShards(cells, 200);
  ASSERT_TRUE(plan.ok()) << plan.status();
  int empty = 0;
  for (const std::vector<int>& shard : plan->shards) {
    EXPECT_LE(shard.size(), 1u);
    if (shard.empty()) ++empty;
  }
  EXPECT_EQ(empty, 200 - 133);
  // No cells at all: every shard empty, still a plan.
  absl::StatusOr<ShardPlan> none = PlanShards({}, 3);
  ASSERT_TRUE(none.ok()) << none.status();
  for (const std::vector<int>& shard : none->shards) EXPECT_TRUE(shard.empty());
}

TEST(ShardPlanTest, TheSameCellsGiveTheSameShardsInAnyOrder) {
  const std::vector<CellToPlan> cells = QuickLikeCells();
  absl::StatusOr<ShardPlan> plan = PlanShards(cells, 4);
  ASSERT_TRUE(plan.ok()) << plan.status();
  const std::vector<std::set<std::string>> keys = KeysByShard(cells, *plan);
  std::mt19937 shuffle_seed(17);
  for (int round = 0; round < 5; ++round) {
    std::vector<CellToPlan> shuffled = cells;
    std::shuffle(shuffled.begin(), shuffled.end(), shuffle_seed);
    absl::StatusOr<ShardPlan> again = PlanShards(shuffled, 4);
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_EQ(KeysByShard(shuffled, *again), keys);
    EXPECT_EQ(again->fingerprint, plan->fingerprint);
  }
  // And the same input twice, position for position.
  absl::StatusOr<ShardPlan> twice = PlanShards(cells, 4);
  ASSERT_TRUE(twice.ok());
  EXPECT_EQ(twice->shards, plan->shards);
}

TEST(ShardPlanTest, TheFingerprintNamesTheCellsAndTheirCostsOnly) {
  const std::vector<CellToPlan> cells = QuickLikeCells();
  const std::string fingerprint = PlanShards(cells, 4)->fingerprint;
  EXPECT_THAT(fingerprint, ::testing::MatchesRegex("fnv1a64:[0-9a-f]{16}"));
  // The count is the shard's own business, checked apart by a merge.
  EXPECT_EQ(PlanShards(cells, 3)->fingerprint, fingerprint);
  std::vector<CellToPlan> other_key = cells;
  other_key[5].key += " x";
  EXPECT_NE(PlanShards(other_key, 4)->fingerprint, fingerprint);
  std::vector<CellToPlan> other_cost = cells;
  other_cost[5].cost.units += 1;
  EXPECT_NE(PlanShards(other_cost, 4)->fingerprint, fingerprint);
  std::vector<CellToPlan> other_lane = cells;
  other_lane[100].cost.lane = CostLane::kHang;
  EXPECT_NE(PlanShards(other_lane, 4)->fingerprint, fingerprint);
  std::vector<CellToPlan> fewer(cells.begin() + 1, cells.end());
  EXPECT_NE(PlanShards(fewer, 4)->fingerprint, fingerprint);
}

// The greedy bound on each lane, and on the quick-shaped design a tighter
// one: the most loaded shard within 15% of the mean on each lane, for 2 to
// 8 shards (with its 44 hanging cells, at most about 11 cells of a lane a
// shard at 8 shards, a cell is 9% of a shard's share).
TEST(ShardPlanTest, ShardsAreBalancedOnEachLane) {
  const std::vector<CellToPlan> cells = QuickLikeCells();
  double largest_cpu = 0;
  double largest_hang = 0;
  for (const CellToPlan& cell : cells) {
    double& largest =
        cell.cost.lane == CostLane::kHang ? largest_hang : largest_cpu;
    largest = std::max(largest, cell.cost.units);
  }
  for (int count = 2; count <= 8; ++count) {
    SCOPED_TRACE(absl::StrCat(count, " shards"));
    absl::StatusOr<ShardPlan> plan = PlanShards(cells, count);
    ASSERT_TRUE(plan.ok()) << plan.status();
    EXPECT_LE(Max(plan->cpu_units), Mean(plan->cpu_units) + largest_cpu);
    EXPECT_LE(Max(plan->hang_units), Mean(plan->hang_units) + largest_hang);
    EXPECT_LE(Max(plan->cpu_units) / Mean(plan->cpu_units), 1.15);
    EXPECT_LE(Max(plan->hang_units) / Mean(plan->hang_units), 1.15);
  }
}

// What key order would do: the Python cells (5 times a C++ one's cost)
// and the hanging ones all in the last shards. The plan spreads them.
TEST(ShardPlanTest, CostlyCellsAreSpreadNotClustered) {
  const std::vector<CellToPlan> cells = QuickLikeCells();
  absl::StatusOr<ShardPlan> plan = PlanShards(cells, 4);
  ASSERT_TRUE(plan.ok()) << plan.status();
  for (const std::vector<int>& shard : plan->shards) {
    int python = 0;
    int hanging = 0;
    for (int position : shard) {
      if (cells[position].key.rfind("python-grpcio:", 0) == 0) ++python;
      if (cells[position].cost.lane == CostLane::kHang) ++hanging;
    }
    // 40 Python cells and 44 hanging ones over 4 shards.
    EXPECT_GE(python, 8);
    EXPECT_LE(python, 12);
    EXPECT_GE(hanging, 9);
    EXPECT_LE(hanging, 13);
  }
}

TEST(ShardPlanTest, BadPlansAreRefusedWithTheReason) {
  EXPECT_THAT(PlanShards({}, 0).status().message(), HasSubstr("0 shards"));
  EXPECT_THAT(PlanShards({}, kMaxShards + 1).status().message(),
              HasSubstr("expected 1 to"));
  EXPECT_THAT(PlanShards({{"a", {}}, {"a", {}}}, 2).status().message(),
              HasSubstr("\"a\" is planned twice"));
  EXPECT_THAT(PlanShards({{"a", {CostLane::kCpu, -1}}}, 2).status().message(),
              HasSubstr("\"a\" has the cost -1"));
}

TEST(ShardPlanTest, CheckShardSpecNamesTheBoundBroken) {
  EXPECT_TRUE(CheckShardSpec({0, 1}).ok());
  EXPECT_TRUE(CheckShardSpec({3, 4}).ok());
  EXPECT_THAT(CheckShardSpec({4, 4}).message(),
              HasSubstr("the index 4 is not between 0 and 3"));
  EXPECT_THAT(CheckShardSpec({-1, 4}).message(),
              HasSubstr("the index -1 is not between 0 and 3"));
  EXPECT_THAT(CheckShardSpec({0, 0}).message(),
              HasSubstr("the count 0 is not between 1 and"));
}

TEST(ShardPlanTest, HangingCellsCostWatchdogsAndTesteesCostMore) {
  Cell cpp;
  Cell python;
  python.client = "python-grpcio";
  EXPECT_EQ(EstimateCellCost(cpp, false).lane, CostLane::kCpu);
  EXPECT_EQ(EstimateCellCost(cpp, true).lane, CostLane::kHang);
  EXPECT_GT(EstimateCellCost(python, false).units,
            EstimateCellCost(cpp, false).units);
  EXPECT_GT(EstimateCellCost(python, true).units,
            EstimateCellCost(cpp, true).units);
}

}  // namespace
}  // namespace forkcheck
