#include "client/retry_policy.h"

#include <string>

#include "google/protobuf/duration.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

using grpc::Status;
using grpc::StatusCode;

// A RESOURCE_EXHAUSTED status whose details carry RetryInfo(seconds, nanos).
Status ExhaustedWithRetryInfo(int64_t seconds, int32_t nanos) {
  google::rpc::RetryInfo info;
  info.mutable_retry_delay()->set_seconds(seconds);
  info.mutable_retry_delay()->set_nanos(nanos);
  google::rpc::Status details;
  details.set_code(static_cast<int>(StatusCode::RESOURCE_EXHAUSTED));
  details.set_message("slow down");
  google::rpc::ErrorInfo other;  // a detail that is not RetryInfo comes first
  other.set_reason("QUOTA");
  details.add_details()->PackFrom(other);
  details.add_details()->PackFrom(info);
  return Status(StatusCode::RESOURCE_EXHAUSTED, "slow down",
                details.SerializeAsString());
}

RetryOptions FastOptions() {
  RetryOptions options;
  options.initial_backoff = absl::Milliseconds(10);
  options.backoff_multiplier = 2;
  options.max_backoff = absl::Milliseconds(50);
  options.max_server_delay = absl::Seconds(1);
  options.max_retries = 10;
  options.max_retries_without_progress = 3;
  return options;
}

TEST(ClassifyFailureTest, ResumableCodes) {
  for (bool progress : {false, true}) {
    EXPECT_EQ(ClassifyFailure(Status(StatusCode::UNAVAILABLE, "x"), progress),
              RetryCause::kUnavailable);
    EXPECT_EQ(ClassifyFailure(Status(StatusCode::INTERNAL,
                                     "Received RST_STREAM with error code 2"),
                              progress),
              RetryCause::kRstStream);
    EXPECT_EQ(
        ClassifyFailure(Status(StatusCode::RESOURCE_EXHAUSTED, "q"), progress),
        RetryCause::kResourceExhausted);
    EXPECT_EQ(
        ClassifyFailure(Status(StatusCode::DEADLINE_EXCEEDED, "d"), progress),
        RetryCause::kDeadlineExceeded);
  }
}

TEST(ClassifyFailureTest, OtherErrorsOnlyAfterProgress) {
  const Status internal(StatusCode::INTERNAL, "something else");
  const Status not_found(StatusCode::NOT_FOUND, "no such stream");
  EXPECT_EQ(ClassifyFailure(internal, false), std::nullopt);
  EXPECT_EQ(ClassifyFailure(not_found, false), std::nullopt);
  EXPECT_EQ(ClassifyFailure(internal, true), RetryCause::kErrorAfterProgress);
  EXPECT_EQ(ClassifyFailure(not_found, true), RetryCause::kErrorAfterProgress);
}

TEST(ClassifyFailureTest, OkIsNeverRetried) {
  EXPECT_EQ(ClassifyFailure(Status::OK, false), std::nullopt);
  EXPECT_EQ(ClassifyFailure(Status::OK, true), std::nullopt);
}

TEST(ServerRetryDelayTest, ReadsRetryInfo) {
  EXPECT_EQ(ServerRetryDelay(ExhaustedWithRetryInfo(1, 500000000)),
            absl::Milliseconds(1500));
}

TEST(ServerRetryDelayTest, AbsentOrUnparsable) {
  EXPECT_EQ(ServerRetryDelay(Status(StatusCode::RESOURCE_EXHAUSTED, "q")),
            std::nullopt);
  EXPECT_EQ(ServerRetryDelay(Status(StatusCode::RESOURCE_EXHAUSTED, "q",
                                    std::string("\xff\xff\xff", 3))),
            std::nullopt);
  google::rpc::Status no_retry_info;
  no_retry_info.set_code(8);
  EXPECT_EQ(ServerRetryDelay(Status(StatusCode::RESOURCE_EXHAUSTED, "q",
                                    no_retry_info.SerializeAsString())),
            std::nullopt);
}

TEST(RetryCauseNameTest, Names) {
  EXPECT_EQ(RetryCauseName(RetryCause::kUnavailable), "unavailable");
  EXPECT_EQ(RetryCauseName(RetryCause::kRstStream), "rst_stream");
  EXPECT_EQ(RetryCauseName(RetryCause::kCorruptResponse), "corrupt_response");
  EXPECT_EQ(RetryCauseName(RetryCause::kAborted), "aborted");
}

TEST(RetryPolicyTest, ExponentialBackoffIsCapped) {
  RetryPolicy policy(FastOptions());
  EXPECT_EQ(policy.Backoff(1), absl::Milliseconds(10));
  EXPECT_EQ(policy.Backoff(2), absl::Milliseconds(20));
  EXPECT_EQ(policy.Backoff(3), absl::Milliseconds(40));
  EXPECT_EQ(policy.Backoff(4), absl::Milliseconds(50));
  EXPECT_EQ(policy.Backoff(100), absl::Milliseconds(50));
}

TEST(RetryPolicyTest, GivesUpAfterConsecutiveFailuresWithoutProgress) {
  RetryPolicy policy(FastOptions());
  const Status unavailable(StatusCode::UNAVAILABLE, "down");
  for (int i = 0; i < 3; ++i) {
    RetryDecision decision = policy.OnCallFailed(unavailable, false);
    ASSERT_TRUE(decision.retry) << i;
    EXPECT_EQ(decision.cause, RetryCause::kUnavailable);
    EXPECT_EQ(decision.delay, policy.Backoff(i + 1));
  }
  RetryDecision decision = policy.OnCallFailed(unavailable, false);
  EXPECT_FALSE(decision.retry);
  EXPECT_NE(decision.reason.find("max_retries_without_progress=3"),
            std::string::npos)
      << decision.reason;
  EXPECT_NE(decision.reason.find("down"), std::string::npos) << decision.reason;
  EXPECT_EQ(policy.retries()[RetryCause::kUnavailable], 3);
}

TEST(RetryPolicyTest, ProgressResetsTheNoProgressBound) {
  RetryPolicy policy(FastOptions());
  const Status reset(StatusCode::INTERNAL, "RST_STREAM");
  for (int round = 0; round < 3; ++round) {
    ASSERT_TRUE(policy.OnCallFailed(reset, false).retry);
    ASSERT_TRUE(policy.OnCallFailed(reset, false).retry);
    RetryDecision after_progress = policy.OnCallFailed(reset, true);
    ASSERT_TRUE(after_progress.retry) << round;
    EXPECT_EQ(after_progress.delay, absl::Milliseconds(10));
  }
  EXPECT_EQ(policy.retries()[RetryCause::kRstStream], 9);
}

TEST(RetryPolicyTest, BoundsRetriesPerStream) {
  RetryPolicy policy(FastOptions());
  const Status unavailable(StatusCode::UNAVAILABLE, "flaky");
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(policy.OnCallFailed(unavailable, true).retry) << i;
  }
  RetryDecision decision = policy.OnCallFailed(unavailable, true);
  EXPECT_FALSE(decision.retry);
  EXPECT_NE(decision.reason.find("max_retries=10"), std::string::npos)
      << decision.reason;
  EXPECT_EQ(policy.retries().total(), 10);
}

TEST(RetryPolicyTest, NotRetryableWithoutProgress) {
  RetryPolicy policy(FastOptions());
  RetryDecision decision = policy.OnCallFailed(
      Status(StatusCode::FAILED_PRECONDITION, "offset 99 beyond end"), false);
  EXPECT_FALSE(decision.retry);
  EXPECT_NE(decision.reason.find("offset 99 beyond end"), std::string::npos);
  EXPECT_EQ(policy.retries().total(), 0);

  decision = policy.OnCallFailed(
      Status(StatusCode::FAILED_PRECONDITION, "after rows"), true);
  EXPECT_TRUE(decision.retry);
  EXPECT_EQ(decision.cause, RetryCause::kErrorAfterProgress);
}

// A read's ABORTED without rows is final; an append's is the Write API
// asking for the request again, whether or not anything was acknowledged.
TEST(RetryPolicyTest, AbortedIsResumableOnlyForAppends) {
  RetryPolicy reads(FastOptions());
  EXPECT_FALSE(
      reads.OnCallFailed(Status(StatusCode::ABORTED, "aborted"), false).retry);

  RetryPolicy appends(FastOptions());
  RetryDecision decision =
      appends.OnAppendFailed(Status(StatusCode::ABORTED, "aborted"), false);
  EXPECT_TRUE(decision.retry);
  EXPECT_EQ(decision.cause, RetryCause::kAborted);
  EXPECT_EQ(appends.retries()[RetryCause::kAborted], 1);
  // Every other code is judged as for any call.
  decision = appends.OnAppendFailed(
      Status(StatusCode::FAILED_PRECONDITION, "finalized"), false);
  EXPECT_FALSE(decision.retry);
  decision =
      appends.OnAppendFailed(Status(StatusCode::UNAVAILABLE, "gone"), false);
  EXPECT_EQ(decision.cause, RetryCause::kUnavailable);
}

TEST(RetryPolicyTest, ResourceExhaustedWaitsTheServerDelay) {
  RetryPolicy policy(FastOptions());
  RetryDecision decision =
      policy.OnCallFailed(ExhaustedWithRetryInfo(0, 300000000), false);
  ASSERT_TRUE(decision.retry);
  EXPECT_EQ(decision.cause, RetryCause::kResourceExhausted);
  EXPECT_EQ(decision.delay, absl::Milliseconds(300));

  // Capped at max_server_delay.
  decision = policy.OnCallFailed(ExhaustedWithRetryInfo(3600, 0), false);
  ASSERT_TRUE(decision.retry);
  EXPECT_EQ(decision.delay, absl::Seconds(1));

  // Without RetryInfo: the backoff (third consecutive failure).
  decision = policy.OnCallFailed(
      Status(StatusCode::RESOURCE_EXHAUSTED, "quota"), false);
  ASSERT_TRUE(decision.retry);
  EXPECT_EQ(decision.delay, absl::Milliseconds(40));
  EXPECT_EQ(policy.retries()[RetryCause::kResourceExhausted], 3);
}

TEST(RetryPolicyTest, CorruptResponsesAreBoundedLikeOtherRetries) {
  RetryPolicy policy(FastOptions());
  EXPECT_TRUE(policy.OnCorruptResponse(true).retry);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(policy.OnCorruptResponse(false).retry);
  }
  RetryDecision decision = policy.OnCorruptResponse(false);
  EXPECT_FALSE(decision.retry);
  EXPECT_EQ(policy.retries()[RetryCause::kCorruptResponse], 4);
}

TEST(RetryCountsTest, TotalAndAdd) {
  RetryCounts a;
  a[RetryCause::kUnavailable] = 2;
  RetryCounts b;
  b[RetryCause::kUnavailable] = 1;
  b[RetryCause::kDeadlineExceeded] = 4;
  a.Add(b);
  EXPECT_EQ(a[RetryCause::kUnavailable], 3);
  EXPECT_EQ(a[RetryCause::kDeadlineExceeded], 4);
  EXPECT_EQ(a.total(), 7);
}

}  // namespace
}  // namespace forkcheck
