#include "reports/shard_section.h"

namespace forkcheck {

nlohmann::json ShardSection(const ShardAssignment& shard,
                            const std::string& source,
                            ShardBenchmarks benchmarks) {
  const char* ran = benchmarks == ShardBenchmarks::kRan ? "ran"
                    : benchmarks == ShardBenchmarks::kAnotherShard
                        ? "another shard"
                        : "none";
  return {{"index", shard.spec.index},
          {"count", shard.spec.count},
          {"source", source},
          {"plan", shard.plan_fingerprint},
          {"plan_cells", shard.plan_cells},
          {"cell_positions", shard.positions},
          {"benchmarks", ran}};
}

}  // namespace forkcheck
