#include "client/retry_policy.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace forkcheck {

std::string_view RetryCauseName(RetryCause cause) {
  switch (cause) {
    case RetryCause::kUnavailable:
      return "unavailable";
    case RetryCause::kRstStream:
      return "rst_stream";
    case RetryCause::kResourceExhausted:
      return "resource_exhausted";
    case RetryCause::kDeadlineExceeded:
      return "deadline_exceeded";
    case RetryCause::kErrorAfterProgress:
      return "error_after_progress";
    case RetryCause::kCorruptResponse:
      return "corrupt_response";
    case RetryCause::kAborted:
      return "aborted";
  }
  return "unknown";
}

int64_t RetryCounts::total() const {
  int64_t sum = 0;
  for (int64_t n : by_cause) sum += n;
  return sum;
}

void RetryCounts::Add(const RetryCounts& other) {
  for (int i = 0; i < kRetryCauseCount; ++i) by_cause[i] += other.by_cause[i];
}

std::optional<RetryCause> ClassifyFailure(const grpc::Status& status,
                                          bool made_progress) {
  switch (status.error_code()) {
    case grpc::StatusCode::OK:
      return std::nullopt;
    case grpc::StatusCode::UNAVAILABLE:
      return RetryCause::kUnavailable;
    case grpc::StatusCode::INTERNAL:
      if (absl::StrContains(status.error_message(), "RST_STREAM")) {
        return RetryCause::kRstStream;
      }
      break;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return RetryCause::kResourceExhausted;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return RetryCause::kDeadlineExceeded;
    default:
      break;
  }
  if (made_progress) return RetryCause::kErrorAfterProgress;
  return std::nullopt;
}

std::optional<absl::Duration> ServerRetryDelay(const grpc::Status& status) {
  if (status.error_details().empty()) return std::nullopt;
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return std::nullopt;
  for (const auto& any : details.details()) {
    if (!any.Is<google::rpc::RetryInfo>()) continue;
    google::rpc::RetryInfo info;
    if (!any.UnpackTo(&info)) continue;
    const auto& delay = info.retry_delay();
    if (delay.seconds() < 0 || delay.nanos() < 0) return absl::ZeroDuration();
    return absl::Seconds(delay.seconds()) + absl::Nanoseconds(delay.nanos());
  }
  return std::nullopt;
}

RetryPolicy::RetryPolicy(RetryOptions options) : options_(options) {}

absl::Duration RetryPolicy::Backoff(int k) const {
  absl::Duration delay = options_.initial_backoff;
  for (int i = 1; i < k && delay < options_.max_backoff; ++i) {
    delay = delay * options_.backoff_multiplier;
  }
  return std::max(absl::ZeroDuration(), std::min(delay, options_.max_backoff));
}

RetryDecision RetryPolicy::OnCallFailed(const grpc::Status& status,
                                        bool made_progress) {
  std::optional<absl::Duration> server_delay;
  if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
    server_delay = ServerRetryDelay(status);
  }
  return Decide(ClassifyFailure(status, made_progress), made_progress,
                server_delay,
                absl::StrCat("status ", static_cast<int>(status.error_code()),
                             " \"", status.error_message(), "\""));
}

RetryDecision RetryPolicy::OnAppendFailed(const grpc::Status& status,
                                          bool made_progress) {
  if (status.error_code() != grpc::StatusCode::ABORTED) {
    return OnCallFailed(status, made_progress);
  }
  return Decide(RetryCause::kAborted, made_progress, std::nullopt,
                absl::StrCat("status ", static_cast<int>(status.error_code()),
                             " \"", status.error_message(), "\""));
}

RetryDecision RetryPolicy::OnCorruptResponse(bool made_progress) {
  return Decide(RetryCause::kCorruptResponse, made_progress, std::nullopt,
                "a corrupt response");
}

RetryDecision RetryPolicy::Decide(std::optional<RetryCause> cause,
                                  bool made_progress,
                                  std::optional<absl::Duration> server_delay,
                                  const std::string& what) {
  RetryDecision decision;
  if (made_progress) consecutive_without_progress_ = 0;
  if (!cause.has_value()) {
    decision.reason = absl::StrCat(what,
                                   " is not retryable and the call delivered "
                                   "no rows");
    return decision;
  }
  decision.cause = *cause;
  if (retries_.total() >= options_.max_retries) {
    decision.reason =
        absl::StrCat("gave up after ", what, ": ", retries_.total(),
                     " retries of this stream already "
                     "(max_retries=",
                     options_.max_retries, ")");
    return decision;
  }
  if (!made_progress) {
    if (consecutive_without_progress_ >=
        options_.max_retries_without_progress) {
      decision.reason = absl::StrCat(
          "gave up after ", what, ": ", consecutive_without_progress_ + 1,
          " consecutive failed calls delivered no rows "
          "(max_retries_without_progress=",
          options_.max_retries_without_progress, ")");
      return decision;
    }
    ++consecutive_without_progress_;
  }
  decision.retry = true;
  ++retries_[*cause];
  if (server_delay.has_value()) {
    decision.delay = std::min(*server_delay, options_.max_server_delay);
  } else {
    decision.delay = Backoff(std::max(1, consecutive_without_progress_));
  }
  return decision;
}

}  // namespace forkcheck
