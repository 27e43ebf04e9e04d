// Splitting one matrix run over several machines (or several processes of
// one): which of the cells to run shard I of N runs.
//
// The plan is a function of the cells and their estimated costs alone: no
// hash-map order, time or randomness, so the same cells, index and count give
// the same shard on any machine, and every cell is in exactly one shard.
// Shards are balanced by expected cost, not by key order: a run's wall time
// is set by its slowest shard, and the cells that cost most (those recorded
// as hanging, a slower client's) cluster in the design's order.
//
// Two kinds of work run side by side in a shard (matrix/matrix_runner.h):
// trials on CPU lanes, and hung trials waiting out watchdogs on hang lanes.
// Each is balanced on its own by a greedy longest-processing-time
// assignment: cells most costly first (ties by key), each to the shard with
// the least of that kind so far (ties: the least in all, then the lowest
// index). For each kind the most loaded shard then carries at most the mean
// plus one cell's cost (the greedy bound), which shard_plan_test checks.
#ifndef FORKCHECK_MATRIX_SHARD_PLAN_H_
#define FORKCHECK_MATRIX_SHARD_PLAN_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "matrix/cell.h"

namespace forkcheck {

// Shard `index` of `count`, 0 <= index < count.
struct ShardSpec {
  int index = 0;
  int count = 1;
};

// The most shards a plan makes: far more than the cells of any design.
inline constexpr int kMaxShards = 10000;

// OK if 0 <= index < count <= kMaxShards; else INVALID_ARGUMENT saying
// which bound was broken ("index 4 is not below the count 4").
absl::Status CheckShardSpec(const ShardSpec& spec);

// Where a cell's trials are expected to spend their time.
enum class CostLane {
  kCpu,   // trials that run: CPU lanes
  kHang,  // trials that hang: a hang lane, waiting out the watchdog
};

// What a cell is expected to cost, on its lane, in that lane's unit: a C++
// trial on a CPU lane, a second of watchdog on a hang lane.
struct CellCost {
  CostLane lane = CostLane::kCpu;
  double units = 1;
};

// The estimate the main job plans with. `recorded_hang_prone`: the cell's
// expectations file records it as mostly hanging (RecordedWorkerCounts).
// A hanging cell waits out the watchdog's base (4 s for the C++ client,
// 10 s for a testee, whose processes start an interpreter) on a hang lane;
// any other cell costs CPU, a testee's trial about 5 C++ ones (README.md:
// measured on Python's grpcio). Trial counts are left out: the stopping
// rule gives every cell of a lane about as many, so they scale a lane's
// costs alike and change no assignment.
CellCost EstimateCellCost(const Cell& cell, bool recorded_hang_prone);

struct CellToPlan {
  std::string key;  // CellKey; unique among the cells planned
  CellCost cost;
};

struct ShardPlan {
  // Per shard, the positions of its cells in the planned list, ascending
  // (so a shard runs its cells in the design's order). A shard may be
  // empty when there are more shards than cells.
  std::vector<std::vector<int>> shards;
  // Per shard, its cells' summed costs on each lane.
  std::vector<double> cpu_units;
  std::vector<double> hang_units;
  // The plan's identity, "fnv1a64:<16 hex digits>" over the cells' keys
  // and costs in key order: shards of one plan have the same, so a merge
  // can tell shards of different designs (or estimates) apart.
  std::string fingerprint;
};

// Splits `cells` into `count` shards. INVALID_ARGUMENT for a count out of
// 1..kMaxShards, a key given twice, or a cost that is negative or not a
// number.
absl::StatusOr<ShardPlan> PlanShards(const std::vector<CellToPlan>& cells,
                                     int count);

// One shard of a run as the report records it: which, of which plan, and
// where its cells stood in the plan's list.
struct ShardAssignment {
  ShardSpec spec;
  std::string plan_fingerprint;
  int plan_cells = 0;          // cells in the whole plan, every shard's
  std::vector<int> positions;  // this shard's, ascending
};

}  // namespace forkcheck

#endif  // FORKCHECK_MATRIX_SHARD_PLAN_H_
