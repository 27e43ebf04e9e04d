#include "driver/repro_bundle.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

using ::testing::HasSubstr;

TEST(ReproBundleTest, AWriteCellIsRefusedNamingIt) {
  Cell cell;
  cell.model = "thread_shared";
  cell.model_name = "thread_shared";
  EXPECT_TRUE(CheckReproducible(cell).ok());
  cell.axes.workload = "write";
  const absl::Status refused = CheckReproducible(cell);
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.message(),
              HasSubstr("cannot reproduce write cell \"thread_shared "
                        "workers=2"));
  EXPECT_THAT(refused.message(), HasSubstr("workload=write\""));
  EXPECT_THAT(refused.message(), HasSubstr("./forkcheck run --cells="));
}

// A cell that sets one GRPC_* variable and removes another (fork support
// on, the default poller): env(1) stops at its first NAME=VALUE, so every
// -u must come before it, or env runs "-u" as the command.
TEST(ReproBundleTest, RunShRemovesVariablesBeforeItSetsAny) {
  ReproBundle bundle;
  bundle.command.argv = {"/bin/trial_program"};
  bundle.command.env = {"GRPC_ENABLE_FORK_SUPPORT=true", "GRPC_POLL_STRATEGY"};
  EXPECT_THAT(RunScript(bundle),
              HasSubstr("env -u RUNFILES_DIR -u RUNFILES_MANIFEST_FILE "
                        "-u 'GRPC_POLL_STRATEGY' "
                        "'GRPC_ENABLE_FORK_SUPPORT=true' \\\n"));
}

}  // namespace
}  // namespace forkcheck
