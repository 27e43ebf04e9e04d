#include "runtime/share_reader.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "client/reference_reader.h"
#include "client/row_ledger.h"
#include "dataset/catalogue.h"

namespace forkcheck {
namespace {

using google::cloud::bigquery::storage::v1::ReadSession;

// Adds one ReadStreams account to the result (all but the ledger's counts,
// which the caller takes from the merged ledger).
void AddAccount(const ReadAccount& account, v1::WorkerResult* result) {
  result->set_rows_received(result->rows_received() + account.rows_received);
  result->set_corrupted_rows(result->corrupted_rows() + account.corrupted_rows);
  result->set_corrupt_responses(result->corrupt_responses() +
                                account.corrupt_responses);
  result->set_bytes(result->bytes() + account.bytes);
  result->set_retries(result->retries() + account.retries.total());
  result->set_injected_fault_retries(result->injected_fault_retries() +
                                     account.injected_fault_retries);
  // Streams are read one after another: the first account with one has
  // the worker's first.
  if (result->first_retried_status_code() == 0 &&
      !account.first_retried_failure.ok()) {
    result->set_first_retried_status_code(
        static_cast<int>(account.first_retried_failure.code()));
    result->set_first_retried_status_message(
        std::string(account.first_retried_failure.message()));
  }
  for (const StreamAccount& stream : account.streams) {
    v1::StreamOutcome* outcome = result->add_streams();
    outcome->set_stream(stream.stream);
    outcome->set_rows(stream.rows);
    outcome->set_status_code(static_cast<int>(stream.status_code));
    outcome->set_status_message(stream.status_message);
    outcome->set_retries(stream.retries.total());
    outcome->set_last_corruption(stream.last_corruption);
  }
}

// The timed CreateReadSession calls (ShareOptions::session_calls): as many
// streams as the trial's session has, so each call does the same work.
void TimeSessionCalls(ReferenceReader& reader, const ReadSession& session,
                      int calls, v1::WorkerResult* result) {
  using Clock = std::chrono::steady_clock;
  const int streams = std::max(1, session.streams_size());
  for (int i = 0; i < calls; ++i) {
    const auto start = Clock::now();
    absl::StatusOr<ReadSession> created =
        reader.CreateSession(session.table(), streams);
    const auto elapsed = Clock::now() - start;
    if (!created.ok()) {
      SetResultStatus(
          absl::Status(
              created.status().code(),
              absl::StrCat("CreateReadSession call ", i + 1, " of ", calls,
                           " after the read: ", created.status().message())),
          result);
      return;
    }
    result->add_create_session_latency_ns(
        std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count());
  }
}

}  // namespace

std::vector<std::string> StreamShare(const ReadSession& session, int index,
                                     int workers) {
  std::vector<std::string> names;
  if (workers < 1) return names;
  for (int i = index; i < session.streams_size(); i += workers) {
    names.push_back(session.streams(i).name());
  }
  return names;
}

v1::WorkerResult ReadShare(const std::shared_ptr<grpc::Channel>& channel,
                           const ReadSession& session,
                           const ShareOptions& options,
                           WorkerReporter& reporter) {
  v1::WorkerResult result;
  if (!ReportClientAndConnect(*channel, options, reporter, &result)) {
    return FinishResult(std::move(result), options, reporter);
  }

  ReaderOptions reader_options;
  reader_options.create_session_timeout = options.create_session_timeout;
  ReferenceReader reader(channel, Catalogue::Default(), reader_options);
  std::optional<RowLedger> merged;
  for (const std::string& name :
       StreamShare(session, options.index, options.workers)) {
    const int64_t read_started = reporter.ElapsedMicros();
    ReadAccount account = reader.ReadStreams(session, {name}, 1);
    AddAccount(account, &result);
    if (!merged.has_value()) merged.emplace(account.ledger.row_count());
    if (absl::Status merge = merged->Merge(account.ledger); !merge.ok()) {
      SetResultStatus(merge, &result);
      break;
    }
    if (result.first_row_micros() == 0 && account.rows_received > 0) {
      reporter.Phase(v1::PHASE_FIRST_ROW);
      // When the row arrived, not when its stream ended (the phase is only
      // reported now).
      result.set_first_row_micros(
          account.time_to_first_row == absl::InfiniteDuration()
              ? reporter.ElapsedMicros()
              : read_started +
                    absl::ToInt64Microseconds(account.time_to_first_row));
    }
    if (!account.first_error.ok()) {
      SetResultStatus(account.first_error, &result);
      break;
    }
  }
  if (merged.has_value()) {
    result.set_duplicate_rows(merged->duplicates());
    result.set_out_of_range_rows(merged->out_of_range());
    for (const RowIdRange& range : merged->SeenRanges()) {
      v1::RowIdRange* seen = result.add_seen();
      seen->set_begin(range.begin);
      seen->set_end(range.end);
    }
  }
  MarkDone(reporter, &result);
  if (options.session_calls > 0 && result.status_code() == 0) {
    TimeSessionCalls(reader, session, options.session_calls, &result);
  }
  return SendResult(std::move(result), options, reporter);
}

}  // namespace forkcheck
