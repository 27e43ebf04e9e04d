#include "runtime/share_writer.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "client/reference_writer.h"
#include "dataset/catalogue.h"

namespace forkcheck {
namespace {

// The contract's bound on an append (testee.proto, TrialRequest.workload).
constexpr int kRowsPerAppend = 500;

// The account's facts in the result (not its status).
void AddAccount(const WriteAccount& account, const RowShare& share,
                v1::WorkerResult* result) {
  result->set_rows_received(account.rows_acknowledged);
  result->set_appends(account.appends);
  result->set_bytes(account.bytes_acknowledged);
  result->set_retries(account.retries.total());
  result->set_injected_fault_retries(account.injected_fault_retries);
  if (!account.first_needed_retry.ok()) {
    result->set_first_retried_status_code(
        static_cast<int>(account.first_needed_retry.code()));
    result->set_first_retried_status_message(
        std::string(account.first_needed_retry.message()));
  }
  // Acknowledged in offset order: a prefix of the share.
  if (account.rows_acknowledged > 0) {
    v1::RowIdRange* seen = result->add_seen();
    seen->set_begin(share.begin);
    seen->set_end(share.begin + account.rows_acknowledged);
  }
  v1::StreamOutcome* stream = result->add_streams();
  stream->set_stream(account.stream);
  stream->set_rows(account.rows_acknowledged);
  stream->set_status_code(static_cast<int>(account.first_error.code()));
  stream->set_status_message(std::string(account.first_error.message()));
  stream->set_retries(account.retries.total());
}

}  // namespace

RowShare WriteShareOf(int64_t rows, int index, int workers) {
  if (workers < 1 || rows < 0) return {};
  return {index * rows / workers, (index + 1) * rows / workers};
}

v1::WorkerResult WriteShare(const std::shared_ptr<grpc::Channel>& channel,
                            const v1::WriteTask& task,
                            const ShareOptions& options,
                            WorkerReporter& reporter) {
  v1::WorkerResult result;
  if (!ReportClientAndConnect(*channel, options, reporter, &result)) {
    return FinishResult(std::move(result), options, reporter);
  }
  const TableSpec* spec = Catalogue::Default().Find(task.rows_of());
  if (spec == nullptr) {
    SetResultStatus(absl::InvalidArgumentError(absl::StrCat(
                        "the rows to write are of \"", task.rows_of(),
                        "\", which is not a catalogue table")),
                    &result);
    return FinishResult(std::move(result), options, reporter);
  }
  const RowShare share =
      WriteShareOf(task.rows(), options.index, options.workers);
  WriterOptions writer_options;
  writer_options.rows_per_append = kRowsPerAppend;
  writer_options.on_append_answered = [&](absl::Duration latency) {
    result.add_append_latency_ns(absl::ToInt64Nanoseconds(latency));
    if (result.first_row_micros() != 0) return;
    reporter.Phase(v1::PHASE_FIRST_ROW);
    result.set_first_row_micros(reporter.ElapsedMicros());
  };
  ReferenceWriter writer(channel, std::move(writer_options));
  const WriteAccount account = writer.Write(
      task.table(), *spec, share.begin, share.end, WriteStreamKind::kCommitted);
  AddAccount(account, share, &result);
  SetResultStatus(account.first_error, &result);
  return FinishResult(std::move(result), options, reporter);
}

}  // namespace forkcheck
