#include "client/account_json.h"

#include <string>

#include "absl/status/status.h"

namespace forkcheck {
namespace {

nlohmann::json Seconds(absl::Duration duration) {
  if (duration == absl::InfiniteDuration()) return nullptr;
  return absl::ToDoubleSeconds(duration);
}

// {"code": "UNAVAILABLE", "message": "..."}, or null for OK.
nlohmann::json StatusToJson(const absl::Status& status) {
  if (status.ok()) return nullptr;
  return {{"code", absl::StatusCodeToString(status.code())},
          {"message", std::string(status.message())}};
}

}  // namespace

nlohmann::json RetryCountsToJson(const RetryCounts& retries) {
  nlohmann::json json = nlohmann::json::object();
  for (int i = 0; i < kRetryCauseCount; ++i) {
    json[std::string(RetryCauseName(static_cast<RetryCause>(i)))] =
        retries.by_cause[i];
  }
  json["total"] = retries.total();
  return json;
}

nlohmann::json StreamAccountToJson(const StreamAccount& stream) {
  return {
      {"stream", stream.stream},
      {"rows", stream.rows},
      {"offset", stream.offset},
      {"bytes", stream.bytes},
      {"responses", stream.responses},
      {"calls", stream.calls},
      {"corrupt_responses", stream.corrupt_responses},
      {"corrupted_rows", stream.corrupted_rows},
      {"retries", RetryCountsToJson(stream.retries)},
      {"injected_fault_retries", stream.injected_fault_retries},
      {"first_retried_failure", StatusToJson(stream.first_retried_failure)},
      {"backoff_seconds", Seconds(stream.backoff_time)},
      {"status", absl::StatusCodeToString(
                     static_cast<absl::StatusCode>(stream.status_code))},
      {"status_message", stream.status_message},
      {"last_corruption", stream.last_corruption},
      {"time_to_first_row_seconds", Seconds(stream.time_to_first_row())},
      {"seconds", Seconds(stream.finished_at - stream.started_at)},
  };
}

nlohmann::json ReadAccountToJson(const ReadAccount& account) {
  nlohmann::json streams = nlohmann::json::array();
  for (const StreamAccount& stream : account.streams) {
    streams.push_back(StreamAccountToJson(stream));
  }
  const nlohmann::json error = StatusToJson(account.first_error);
  nlohmann::json json = {
      {"table", account.table},
      {"exactly_once", account.exactly_once()},
      {"full_read", account.full_read},
      {"threads", account.threads},
      {"table_rows_expected", account.table_rows_expected},
      {"rows_received", account.rows_received},
      {"unique_rows", account.unique_rows},
      {"duplicate_rows", account.duplicate_rows},
      {"out_of_range_rows", account.out_of_range_rows},
      {"missing_rows", account.missing_rows},
      {"corrupted_rows", account.corrupted_rows},
      {"corrupt_responses", account.corrupt_responses},
      {"bytes", account.bytes},
      {"responses", account.responses},
      {"retries", RetryCountsToJson(account.retries)},
      {"injected_fault_retries", account.injected_fault_retries},
      {"first_retried_failure", StatusToJson(account.first_retried_failure)},
      {"backoff_seconds", Seconds(account.backoff_time)},
      {"time_to_first_row_seconds", Seconds(account.time_to_first_row)},
      {"total_seconds", Seconds(account.total_time)},
      {"error", error},
      {"streams", streams},
  };
  if (account.full_read && account.missing_rows > 0) {
    // Of the rows expected: a written table's may be fewer than its
    // catalogue table's, which the ledger counts.
    json["missing_ranges"] =
        FormatRanges(account.ledger.MissingIn(0, account.table_rows_expected),
                     /*max_ranges=*/20);
  }
  return json;
}

}  // namespace forkcheck
