// Frames survive a trip through a pipe whatever their size, and every way a
// peer can fail (close, stall, lie about a length) ends a read or write with
// its own status code within the timeout.
#include "framing/framed_fd.h"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "gtest/gtest.h"

namespace forkcheck {
namespace {

using Clock = std::chrono::steady_clock;

class FramedFdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    signal(SIGPIPE, SIG_IGN);
    ASSERT_EQ(pipe(fds_), 0);
  }
  void TearDown() override {
    CloseRead();
    CloseWrite();
  }
  void CloseRead() {
    if (fds_[0] >= 0) close(fds_[0]);
    fds_[0] = -1;
  }
  void CloseWrite() {
    if (fds_[1] >= 0) close(fds_[1]);
    fds_[1] = -1;
  }
  void WriteRaw(const std::string& bytes) {
    ASSERT_EQ(write(fds_[1], bytes.data(), bytes.size()),
              static_cast<ssize_t>(bytes.size()));
  }

  int fds_[2] = {-1, -1};
};

TEST_F(FramedFdTest, FramesLargerThanThePipeArriveWhole) {
  // 1 MiB: the writer must wait for the reader many times over.
  std::string big(1 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7);
  absl::Status written;
  std::thread writer([&] {
    written = WriteFramed(fds_[1], "", absl::Seconds(10));
    if (written.ok()) written = WriteFramed(fds_[1], big, absl::Seconds(10));
  });
  absl::StatusOr<std::string> empty = ReadFramed(fds_[0], absl::Seconds(10));
  absl::StatusOr<std::string> read = ReadFramed(fds_[0], absl::Seconds(10));
  writer.join();
  ASSERT_TRUE(written.ok()) << written;
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(*empty, "");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_TRUE(*read == big);
}

TEST_F(FramedFdTest, EndBetweenFramesIsUnavailableAndInsideIsDataLoss) {
  ASSERT_TRUE(WriteFramed(fds_[1], "whole", absl::Seconds(1)).ok());
  WriteRaw(std::string("\x0a\x00\x00\x00half", 8));  // 10 bytes promised
  CloseWrite();
  absl::StatusOr<std::string> whole = ReadFramed(fds_[0], absl::Seconds(1));
  ASSERT_TRUE(whole.ok()) << whole.status();
  EXPECT_EQ(*whole, "whole");
  EXPECT_EQ(ReadFramed(fds_[0], absl::Seconds(1)).status().code(),
            absl::StatusCode::kDataLoss);

  CloseRead();
  ASSERT_EQ(pipe(fds_), 0);
  CloseWrite();
  EXPECT_EQ(ReadFramed(fds_[0], absl::Seconds(1)).status().code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(FramedFdTest, ASilentPeerCostsTheTimeout) {
  WriteRaw(
      std::string("\x05\x00\x00\x00"
                  "ab",
                  6));  // 3 bytes never come
  const auto start = Clock::now();
  absl::StatusOr<std::string> read =
      ReadFramed(fds_[0], absl::Milliseconds(200));
  const auto elapsed = Clock::now() - start;
  EXPECT_EQ(read.status().code(), absl::StatusCode::kDeadlineExceeded)
      << read.status();
  EXPECT_GE(elapsed, std::chrono::milliseconds(200));
  EXPECT_LT(elapsed, std::chrono::milliseconds(2000));

  EXPECT_EQ(WaitReadable(fds_[0], absl::Milliseconds(50)).code(),
            absl::StatusCode::kDeadlineExceeded);
}

TEST_F(FramedFdTest, AWriterNobodyReadsTimesOut) {
  const std::string big(1 << 20, 'x');  // far more than a pipe holds
  const auto start = Clock::now();
  const absl::Status written =
      WriteFramed(fds_[1], big, absl::Milliseconds(200));
  EXPECT_EQ(written.code(), absl::StatusCode::kDeadlineExceeded) << written;
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(2000));
}

TEST_F(FramedFdTest, AGoneReaderFailsTheWrite) {
  CloseRead();
  EXPECT_EQ(WriteFramed(fds_[1], "hello", absl::Seconds(1)).code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(FramedFdTest, LengthsBeyondTheLimitAreRefused) {
  WriteRaw(std::string("\xff\xff\xff\x7f", 4));
  absl::StatusOr<std::string> read =
      ReadFramed(fds_[0], absl::Seconds(1), /*max_bytes=*/1024);
  EXPECT_EQ(read.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(WriteFramed(fds_[1], std::string(kMaxFramedBytes + 1, 'x'),
                        absl::Seconds(1))
                .code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace forkcheck
