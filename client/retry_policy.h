// When a failed ReadRows call may be resumed, and after how long.
//
// Resumable: UNAVAILABLE; INTERNAL whose message mentions RST_STREAM (an
// HTTP/2 stream reset); RESOURCE_EXHAUSTED (after the server's RetryInfo delay
// if it sent one); DEADLINE_EXCEEDED (our own per-call deadline); a corrupt
// response the reader discarded; and any other error once the call delivered
// rows, since resuming from the next offset loses nothing. Each stream gets a
// bounded number of retries in all and of consecutive retries without
// progress, with exponential backoff between the latter.

#ifndef FORKCHECK_CLIENT_RETRY_POLICY_H_
#define FORKCHECK_CLIENT_RETRY_POLICY_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "grpcpp/support/status.h"

namespace forkcheck {

enum class RetryCause {
  kUnavailable,         // UNAVAILABLE
  kRstStream,           // INTERNAL "... RST_STREAM ..."
  kResourceExhausted,   // RESOURCE_EXHAUSTED
  kDeadlineExceeded,    // DEADLINE_EXCEEDED (the per-call deadline)
  kErrorAfterProgress,  // any other error once the call delivered rows
  kCorruptResponse,     // a response failed to decode or verify; refetched
  kAborted,             // ABORTED on an AppendRows call (OnAppendFailed)
};
inline constexpr int kRetryCauseCount = 7;

// "unavailable", "rst_stream", "resource_exhausted", "deadline_exceeded",
// "error_after_progress", "corrupt_response", "aborted": names used in
// reports.
std::string_view RetryCauseName(RetryCause cause);

// Retries counted per cause.
struct RetryCounts {
  std::array<int64_t, kRetryCauseCount> by_cause = {};

  int64_t& operator[](RetryCause cause) {
    return by_cause[static_cast<int>(cause)];
  }
  int64_t operator[](RetryCause cause) const {
    return by_cause[static_cast<int>(cause)];
  }
  int64_t total() const;
  void Add(const RetryCounts& other);
};

struct RetryOptions {
  // Backoff before the k-th consecutive retry without progress (k >= 1):
  // min(max_backoff, initial_backoff * backoff_multiplier^(k-1)). A retry
  // after progress waits initial_backoff.
  absl::Duration initial_backoff = absl::Milliseconds(100);
  double backoff_multiplier = 2.0;
  absl::Duration max_backoff = absl::Seconds(10);
  // Upper bound on a RetryInfo delay the server asks for.
  absl::Duration max_server_delay = absl::Seconds(60);
  // Retries of one stream in all, whatever their cause.
  int max_retries = 100;
  // Consecutive retries whose call delivered no rows.
  int max_retries_without_progress = 8;
};

// The cause under which `status` is resumable, or nullopt if it is not.
// `made_progress`: the call that ended with `status` delivered rows. OK is
// never resumable (the stream is complete).
std::optional<RetryCause> ClassifyFailure(const grpc::Status& status,
                                          bool made_progress);

// The delay of a google.rpc.RetryInfo in the status details
// (grpc::Status::error_details() is a serialized google.rpc.Status), or
// nullopt if there is none or the details do not parse.
std::optional<absl::Duration> ServerRetryDelay(const grpc::Status& status);

struct RetryDecision {
  bool retry = false;
  RetryCause cause = RetryCause::kUnavailable;  // meaningful when retry
  absl::Duration delay = absl::ZeroDuration();  // wait before the next call
  std::string reason;  // when !retry: why not, for error messages
};

// Retry bookkeeping of ONE stream. Not thread-safe; one per stream read.
class RetryPolicy {
 public:
  explicit RetryPolicy(RetryOptions options = {});

  // After a call ended with `status` (not OK, and not a cancellation of our
  // own). `made_progress`: the call advanced the stream offset.
  RetryDecision OnCallFailed(const grpc::Status& status, bool made_progress);

  // As OnCallFailed, for an AppendRows call (in-band answers included):
  // ABORTED is resumable there even before any acknowledgement, because
  // the Write API answers ABORTED for a request it did not apply and asks
  // for it again (the Python testee's writer does the same).
  RetryDecision OnAppendFailed(const grpc::Status& status, bool made_progress);

  // After the reader discarded a corrupt response to fetch it again.
  // `made_progress`: the call advanced the offset before that response.
  RetryDecision OnCorruptResponse(bool made_progress);

  const RetryCounts& retries() const { return retries_; }
  const RetryOptions& options() const { return options_; }

  // Backoff before the k-th consecutive retry without progress (k >= 1).
  absl::Duration Backoff(int k) const;

 private:
  RetryDecision Decide(std::optional<RetryCause> cause, bool made_progress,
                       std::optional<absl::Duration> server_delay,
                       const std::string& what);

  RetryOptions options_;
  RetryCounts retries_;
  int consecutive_without_progress_ = 0;
};

}  // namespace forkcheck

#endif  // FORKCHECK_CLIENT_RETRY_POLICY_H_
