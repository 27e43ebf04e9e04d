#include "reports/shard_text.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

using ::testing::HasSubstr;

ReportModel ShardModel(const std::string& benchmarks) {
  ReportModel model;
  model.conformance.emplace();
  model.conformance->cells.resize(34);
  ReportShard shard;
  shard.index = 1;
  shard.count = 4;
  shard.source = "--shard=1/4";
  shard.plan = "fnv1a64:0123456789abcdef";
  shard.plan_cells = 135;
  shard.benchmarks = benchmarks;
  model.shard = shard;
  return model;
}

TEST(ShardTextTest, AnUnsplitRunSaysNothing) {
  ReportModel model;
  model.conformance.emplace();
  EXPECT_EQ(ShardText(model), "");
}

TEST(ShardTextTest, AShardNamesItselfItsCellsAndTheMerge) {
  EXPECT_EQ(ShardText(ShardModel("another shard")),
            "Shard 1 of 4 (--shard=1/4): 34 cells of the plan's 135; the "
            "benchmarks ran in another shard. Merge the 4 shards' reports "
            "with ./forkcheck merge.");
  EXPECT_THAT(ShardText(ShardModel("ran")),
              HasSubstr("the benchmarks ran here"));
  EXPECT_THAT(ShardText(ShardModel("none")),
              HasSubstr("no shard ran the benchmarks"));
}

TEST(ShardTextTest, AMergedReportNamesEachShardAndItsMachine) {
  ReportModel model;
  for (int i = 0; i < 2; ++i) {
    ReportMergedShard shard;
    shard.index = i;
    shard.count = 2;
    shard.cells = i == 0 ? 1 : 40;
    shard.benchmarks = i == 0;
    shard.environment.machine.hostname = "node-a";
    model.merged_from.push_back(shard);
  }
  EXPECT_EQ(ShardText(model),
            "Merged from 2 shards: shard 0, 1 cell on node-a, with the "
            "benchmarks; shard 1, 40 cells on node-a.");
  model.merged_from[1].environment.machine.hostname = "node-b";
  EXPECT_THAT(ShardText(model),
              HasSubstr("on node-b. 2 machines: timings do not compare "
                        "across shards."));
}

}  // namespace
}  // namespace forkcheck
