#include "bench/peak_rss.h"

#include <cstdint>
#include <memory>

#include "gtest/gtest.h"

namespace forkcheck {
namespace {

constexpr int64_t kBlockBytes = 64 << 20;

// Touches every page of a new 64 MiB block, so that it is resident.
std::unique_ptr<char[]> ResidentBlock() {
  std::unique_ptr<char[]> block(new char[kBlockBytes]);
  volatile char* bytes = block.get();
  for (int64_t i = 0; i < kBlockBytes; i += 4096) bytes[i] = 1;
  return block;
}

TEST(PeakRssTest, SeesATouchedBlockAndForgetsItAfterAReset) {
  ASSERT_TRUE(ResetPeakRss().ok());
  absl::StatusOr<int64_t> before = PeakRssKib();
  ASSERT_TRUE(before.ok()) << before.status();
  {
    std::unique_ptr<char[]> block = ResidentBlock();
    absl::StatusOr<int64_t> during = PeakRssKib();
    ASSERT_TRUE(during.ok()) << during.status();
    EXPECT_GE(*during - *before, (kBlockBytes >> 10) * 9 / 10);
  }
  // The block went back to the kernel (a large allocation is its own
  // mapping); the mark keeps it until reset.
  absl::StatusOr<int64_t> kept = PeakRssKib();
  ASSERT_TRUE(kept.ok());
  EXPECT_GE(*kept - *before, (kBlockBytes >> 10) * 9 / 10);
  ASSERT_TRUE(ResetPeakRss().ok());
  absl::StatusOr<int64_t> after = PeakRssKib();
  ASSERT_TRUE(after.ok());
  EXPECT_LT(*after - *before, (kBlockBytes >> 10) / 2);
}

}  // namespace
}  // namespace forkcheck
