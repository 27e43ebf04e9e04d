#include "bench/peak_rss.h"

#include <sys/mman.h>

#include <cstdint>

#include "gtest/gtest.h"

namespace forkcheck {
namespace {

constexpr int64_t kBlockBytes = 64 << 20;

// A new 64 MiB mapping with every page touched, so that it is resident;
// unmapped (returned to the kernel, whatever the allocator or a sanitizer's
// quarantine would do with freed memory) when it goes.
class ResidentBlock {
 public:
  ResidentBlock()
      : bytes_(static_cast<char*>(mmap(nullptr, kBlockBytes,
                                       PROT_READ | PROT_WRITE,
                                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0))) {
    if (bytes_ == MAP_FAILED) return;
    volatile char* bytes = bytes_;
    for (int64_t i = 0; i < kBlockBytes; i += 4096) bytes[i] = 1;
  }
  ~ResidentBlock() {
    if (ok()) munmap(bytes_, kBlockBytes);
  }
  bool ok() const { return bytes_ != MAP_FAILED; }

 private:
  char* const bytes_;
};

TEST(PeakRssTest, SeesATouchedBlockAndForgetsItAfterAReset) {
  ASSERT_TRUE(ResetPeakRss().ok());
  absl::StatusOr<int64_t> before = PeakRssKib();
  ASSERT_TRUE(before.ok()) << before.status();
  {
    ResidentBlock block;
    ASSERT_TRUE(block.ok()) << "mmap of 64 MiB failed";
    absl::StatusOr<int64_t> during = PeakRssKib();
    ASSERT_TRUE(during.ok()) << during.status();
    EXPECT_GE(*during - *before, (kBlockBytes >> 10) * 9 / 10);
  }
  // The block went back to the kernel; the mark keeps it until reset.
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
