// The `shard` field of a report whose run was one shard of a matrix split
// over several runs (matrix/shard_plan.h): which shard, of which plan, and
// where its cells stand in the plan, so that reports/merge can check that
// shards belong together and put their cells back in the plan's order.
#ifndef FORKCHECK_REPORTS_SHARD_SECTION_H_
#define FORKCHECK_REPORTS_SHARD_SECTION_H_

#include <string>

#include "matrix/shard_plan.h"
#include "nlohmann/json.hpp"

namespace forkcheck {

// Where a sharded run's benchmarks ran: one shard runs them all.
enum class ShardBenchmarks {
  kRan,           // this shard
  kAnotherShard,  // the benchmarks' shard (shard 0)
  kNone,          // no shard (--benchmarks=false)
};

// `source`: where the shard came from (ShardSelection::source).
nlohmann::json ShardSection(const ShardAssignment& shard,
                            const std::string& source,
                            ShardBenchmarks benchmarks);

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_SHARD_SECTION_H_
