#include "bench/bare_loop_plan.h"

#include <optional>

#include "absl/strings/str_cat.h"

namespace forkcheck {

absl::StatusOr<std::vector<std::vector<std::string>>> ThreadShares(
    const v1::TrialRequest& request,
    const std::vector<std::string>& session_streams) {
  const int workers = request.workers();
  if (workers < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("the request has ", workers, " workers"));
  }
  if (request.stream_assignment() != v1::STREAM_ASSIGNMENT_ROUND_ROBIN) {
    return absl::InvalidArgumentError(
        absl::StrCat("stream assignment ", request.stream_assignment(),
                     ": only round robin is planned"));
  }
  if (static_cast<int64_t>(session_streams.size()) > request.max_streams()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the session has ", session_streams.size(),
        " streams; the request asks for at most ", request.max_streams()));
  }
  std::vector<std::vector<std::string>> shares(workers);
  for (size_t i = 0; i < session_streams.size(); ++i) {
    shares[i % workers].push_back(session_streams[i]);
  }
  return shares;
}

ReadSpan ThreadSpan(std::chrono::steady_clock::time_point start,
                    const std::vector<DrainResult>& calls,
                    std::chrono::steady_clock::time_point done) {
  const auto since_start = [start](std::chrono::steady_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::microseconds>(t - start)
        .count();
  };
  std::optional<std::chrono::steady_clock::time_point> first;
  int64_t bytes = 0;
  for (const DrainResult& call : calls) {
    bytes += call.payload_bytes;
    if (!first.has_value()) first = call.first_response_at;
  }
  return {since_start(first.value_or(done)), since_start(done), bytes};
}

}  // namespace forkcheck
