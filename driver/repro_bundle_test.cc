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

}  // namespace
}  // namespace forkcheck
