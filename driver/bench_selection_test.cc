#include "driver/bench_selection.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string Error(const BenchSelectionFlags& flags) {
  const absl::Status checked = CheckBenchSelection(flags);
  EXPECT_FALSE(checked.ok());
  return std::string(checked.message());
}

TEST(BenchSelectionTest, GoodValuesAndNoValuesPass) {
  EXPECT_TRUE(CheckBenchSelection({}).ok());
  BenchSelectionFlags flags;
  flags.models = "thread_shared,spawn";
  flags.workers = "1,4";
  flags.sizes = "64KiB";
  flags.clients = "cpp";
  EXPECT_TRUE(CheckBenchSelection(flags).ok());
  flags.models = "python_threads";
  flags.clients = "cpp,python-grpcio";
  EXPECT_TRUE(CheckBenchSelection(flags).ok());
}

TEST(BenchSelectionTest, ErrorsNameTheMainJobsFlag) {
  BenchSelectionFlags models;
  models.models = "no_such_model";
  EXPECT_THAT(Error(models), StartsWith("--bench_models=no_such_model: "
                                        "unknown model \"no_such_model\"; "
                                        "known: thread_shared,"));
  BenchSelectionFlags workers;
  workers.workers = "0";
  EXPECT_EQ(Error(workers),
            "--bench_workers=0: \"0\" is not a count from 1 to 64");
  BenchSelectionFlags sizes;
  sizes.sizes = "64KB";
  EXPECT_THAT(Error(sizes), StartsWith("--bench_sizes=64KB: \"64KB\""));
  BenchSelectionFlags faults;
  faults.fake_faults = "/no/such/faults.json";
  EXPECT_THAT(Error(faults),
              StartsWith("--bench_fake_faults=/no/such/faults.json: "));
  BenchSelectionFlags clients;
  clients.clients = "rust";
  EXPECT_THAT(Error(clients), StartsWith("--clients=rust: no model is of "
                                         "client \"rust\""));
}

TEST(BenchSelectionTest, AModelOfAClientLeftOutIsRefused) {
  BenchSelectionFlags flags;
  flags.models = "thread_shared,python_threads";
  flags.clients = "cpp";
  EXPECT_EQ(Error(flags),
            "--bench_models=thread_shared,python_threads: \"python_threads\" "
            "is a model of client python-grpcio, which --clients=cpp leaves "
            "out");
}

TEST(LatencyThreadsFilterTest, MatchesEachConcurrencyWhole) {
  EXPECT_EQ(LatencyThreadsFilter({"1", "4"}),
            "--benchmark_filter=threads:(1|4)$");
  EXPECT_EQ(LatencyThreadsFilter({"8"}), "--benchmark_filter=threads:(8)$");
}

}  // namespace
}  // namespace forkcheck
