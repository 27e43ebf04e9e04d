#include "matrix/shard_plan.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace forkcheck {
namespace {

// The watchdog's base a hung trial waits out (matrix/cell_runner.h): a
// testee's is longer, its processes start an interpreter.
constexpr double kCppHangSeconds = 4;
constexpr double kTesteeHangSeconds = 10;
// A testee's trial in C++ trials (README.md: Python's grpcio, measured).
constexpr double kTesteeTrialUnits = 5;

// FNV-1a, 64 bits: a fixed function of the bytes, the same on every
// machine and build (std::hash promises neither).
uint64_t Fnv1a64(const std::string& bytes) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char byte : bytes) {
    hash ^= byte;
    hash *= 1099511628211ull;
  }
  return hash;
}

// Assigns the cells of `lane` (positions into `cells`), most costly first,
// each to the shard with the least of that lane so far.
void AssignLane(const std::vector<CellToPlan>& cells, CostLane lane,
                ShardPlan* plan) {
  std::vector<int> order;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (cells[i].cost.lane == lane) order.push_back(static_cast<int>(i));
  }
  std::sort(order.begin(), order.end(), [&cells](int a, int b) {
    if (cells[a].cost.units != cells[b].cost.units) {
      return cells[a].cost.units > cells[b].cost.units;
    }
    return cells[a].key < cells[b].key;
  });
  std::vector<double>& load =
      lane == CostLane::kHang ? plan->hang_units : plan->cpu_units;
  for (int position : order) {
    size_t best = 0;
    for (size_t shard = 1; shard < plan->shards.size(); ++shard) {
      const double total = plan->cpu_units[shard] + plan->hang_units[shard];
      const double best_total = plan->cpu_units[best] + plan->hang_units[best];
      if (load[shard] < load[best] ||
          (load[shard] == load[best] && total < best_total)) {
        best = shard;
      }
    }
    plan->shards[best].push_back(position);
    load[best] += cells[position].cost.units;
  }
}

}  // namespace

absl::Status CheckShardSpec(const ShardSpec& spec) {
  if (spec.count < 1 || spec.count > kMaxShards) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the count ", spec.count, " is not between 1 and ", kMaxShards));
  }
  if (spec.index < 0 || spec.index >= spec.count) {
    return absl::InvalidArgumentError(
        absl::StrCat("the index ", spec.index, " is not between 0 and ",
                     spec.count - 1, " (shards count from 0)"));
  }
  return absl::OkStatus();
}

CellCost EstimateCellCost(const Cell& cell, bool recorded_hang_prone) {
  const bool testee = cell.client != kCppClient;
  if (recorded_hang_prone) {
    return {CostLane::kHang, testee ? kTesteeHangSeconds : kCppHangSeconds};
  }
  return {CostLane::kCpu, testee ? kTesteeTrialUnits : 1.0};
}

absl::StatusOr<ShardPlan> PlanShards(const std::vector<CellToPlan>& cells,
                                     int count) {
  if (count < 1 || count > kMaxShards) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a plan of ", count, " shards; expected 1 to ", kMaxShards));
  }
  std::set<std::string> keys;
  for (const CellToPlan& cell : cells) {
    if (!keys.insert(cell.key).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("the cell \"", cell.key, "\" is planned twice"));
    }
    if (!(cell.cost.units >= 0) || std::isinf(cell.cost.units)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the cell \"", cell.key, "\" has the cost ", cell.cost.units,
          "; expected a finite number, 0 or more"));
    }
  }
  ShardPlan plan;
  plan.shards.resize(count);
  plan.cpu_units.assign(count, 0);
  plan.hang_units.assign(count, 0);
  // Hanging cells first: they are the fewest and costliest, and the CPU
  // cells' ties then go to the shards they left lightest.
  AssignLane(cells, CostLane::kHang, &plan);
  AssignLane(cells, CostLane::kCpu, &plan);
  for (std::vector<int>& shard : plan.shards) {
    std::sort(shard.begin(), shard.end());
  }
  // The identity: every key with its cost, in key order (not the input's,
  // which the assignment does not depend on either).
  std::vector<const CellToPlan*> by_key;
  for (const CellToPlan& cell : cells) by_key.push_back(&cell);
  std::sort(
      by_key.begin(), by_key.end(),
      [](const CellToPlan* a, const CellToPlan* b) { return a->key < b->key; });
  std::string identity = absl::StrCat(cells.size(), " cells\n");
  for (const CellToPlan* cell : by_key) {
    absl::StrAppend(&identity, cell->key, "\t",
                    cell->cost.lane == CostLane::kHang ? "hang" : "cpu", "\t",
                    absl::StrFormat("%.6g", cell->cost.units), "\n");
  }
  plan.fingerprint = absl::StrFormat("fnv1a64:%016x", Fnv1a64(identity));
  return plan;
}

}  // namespace forkcheck
