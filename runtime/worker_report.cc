#include "runtime/worker_report.h"

#include <chrono>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "framing/resource_usage.h"

namespace forkcheck {

ShareOptions ShareOptionsFor(const ModelContext& context, int index) {
  ShareOptions options;
  options.index = index;
  options.workers = context.workers;
  options.connect_timeout = context.connect_timeout;
  options.session_calls = context.session_calls;
  options.create_session_timeout = context.create_session_timeout;
  return options;
}

void SetResultStatus(const absl::Status& status, v1::WorkerResult* result) {
  result->set_status_code(static_cast<int>(status.code()));
  result->set_status_message(std::string(status.message()));
}

bool ReportClientAndConnect(grpc::Channel& channel, const ShareOptions& options,
                            WorkerReporter& reporter,
                            v1::WorkerResult* result) {
  reporter.Phase(v1::PHASE_CLIENT_CREATED);
  result->set_client_created_micros(reporter.ElapsedMicros());
  const auto deadline = std::chrono::system_clock::now() +
                        absl::ToChronoMilliseconds(options.connect_timeout);
  if (!channel.WaitForConnected(deadline)) {
    SetResultStatus(absl::UnavailableError(absl::StrCat(
                        "the channel did not connect within ",
                        absl::FormatDuration(options.connect_timeout),
                        " (connectivity state ",
                        static_cast<int>(channel.GetState(false)), ")")),
                    result);
    return false;
  }
  reporter.Phase(v1::PHASE_CONNECTED);
  result->set_connected_micros(reporter.ElapsedMicros());
  return true;
}

void MarkDone(WorkerReporter& reporter, v1::WorkerResult* result) {
  reporter.Phase(v1::PHASE_DONE);
  result->set_done_micros(reporter.ElapsedMicros());
  result->set_monotonic_start_micros(reporter.StartMonotonicMicros());
}

v1::WorkerResult SendResult(v1::WorkerResult result,
                            const ShareOptions& options,
                            WorkerReporter& reporter) {
  *result.mutable_usage() =
      ResourceUsageOf(options.rusage_who).value_or(v1::ResourceUsage());
  reporter.Result(result);
  return result;
}

v1::WorkerResult FinishResult(v1::WorkerResult result,
                              const ShareOptions& options,
                              WorkerReporter& reporter) {
  MarkDone(reporter, &result);
  return SendResult(std::move(result), options, reporter);
}

int ReportSetupFailure(int workers, const absl::Status& status) {
  v1::WorkerResult result;
  SetResultStatus(status.ok() ? absl::InternalError("setup failed") : status,
                  &result);
  for (int i = 0; i < workers; ++i) {
    absl::StatusOr<WorkerReporter> reporter = WorkerReporter::ForThread(i);
    if (reporter.ok()) reporter->Result(result);
  }
  return 1;
}

}  // namespace forkcheck
