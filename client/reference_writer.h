// The reference BigQuery Storage write client: writes rows of a dataset
// table to a table of a server through one AppendRows stream, and says
// exactly what happened.
//
// Appends are pipelined: up to `max_in_flight` requests are sent before the
// first answer is awaited. On a stream with offsets (COMMITTED, PENDING,
// BUFFERED) every append carries its offset; after a failure a retry policy
// allows (client/retry_policy.h), the writer opens a new AppendRows call and
// resends everything from the last acknowledged offset (an in-band ABORTED,
// UNAVAILABLE or RESOURCE_EXHAUSTED answer ends the call the same way), and an
// ALREADY_EXISTS answer to a resent append counts as its acknowledgement
// (the first attempt was applied, its answer lost). The `_default` stream
// takes no offsets: a resent append may be applied twice (at least once),
// which the account says.
//
// The rows are RowGenerator's rows of the table spec given, row_id first,
// so that a reader can verify each one it reads back by its row_id
// (ReadBackWrittenTable in written_table_check.h). Answers are read on a
// thread of the call's own, so a window works over any channel (over an
// in-process one a send waits until the server takes the message).

#ifndef FORKCHECK_CLIENT_REFERENCE_WRITER_H_
#define FORKCHECK_CLIENT_REFERENCE_WRITER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "client/retry_policy.h"
#include "dataset/table_spec.h"
#include "google/cloud/bigquery/storage/v1/storage.grpc.pb.h"
#include "grpcpp/grpcpp.h"

namespace forkcheck {

enum class WriteStreamKind { kDefault, kCommitted, kPending, kBuffered };

// "default", "committed", "pending", "buffered".
std::string_view WriteStreamKindName(WriteStreamKind kind);

struct WriterOptions {
  // Rows per AppendRows request, and a bound on a request's serialized
  // rows (the service refuses requests over 10 MB).
  int rows_per_append = 500;
  int64_t max_request_bytes = 8 << 20;
  // Requests sent and not yet answered, at most.
  int max_in_flight = 4;
  // Deadline of each AppendRows call and of each unary call.
  absl::Duration call_timeout = absl::Seconds(60);
  RetryOptions retry;
  // When set, called on the writing thread with the latency of each append
  // answered with success (an ALREADY_EXISTS answer to a resend included):
  // from before its Write to the end of the Read of its answer, so the wait
  // behind earlier appends in the window counts, as the writer sees it.
  // For benchmarks; unset, nothing is timed.
  std::function<void(absl::Duration)> on_append_answered;
};

// What a Write came to.
struct WriteAccount {
  std::string table;
  std::string stream;  // the write stream's name
  WriteStreamKind kind = WriteStreamKind::kDefault;
  int64_t rows_requested = 0;
  int64_t rows_acknowledged = 0;  // appends the server answered with success
  int64_t appends = 0;            // AppendRows requests sent, resends included
  int64_t calls = 0;              // AppendRows calls opened
  // Resent appends the server answered ALREADY_EXISTS: applied by an
  // earlier attempt, counted as acknowledged.
  int64_t already_existed = 0;
  // On `_default`: rows resent after a failure, which may now be in the
  // table twice.
  int64_t rows_maybe_duplicated = 0;
  // The serialized rows of the appends acknowledged.
  int64_t bytes_acknowledged = 0;
  RetryCounts retries;
  // Of `retries`: those after a failure the fake injected on purpose
  // (dataset/injected_fault.h).
  int64_t injected_fault_retries = 0;
  // The first failure a retry recovered from; and the first that the fake
  // did not inject (a retry the writer needed, as a reader's
  // first_retried_failure counts them).
  absl::Status first_retried_failure;
  absl::Status first_needed_retry;
  // The first error no retry recovered from; OK when every row was
  // acknowledged and (PENDING) committed or (BUFFERED) flushed.
  absl::Status first_error;
  // PENDING: the stream's row count at finalize and the commit's time.
  int64_t finalized_rows = -1;
  bool committed = false;
  // BUFFERED: the offset flushed to (inclusive), -1 if none.
  int64_t flushed_offset = -1;
  absl::Duration total_time = absl::ZeroDuration();

  bool ok() const { return first_error.ok(); }
};

// Creates a stream of `kind` (COMMITTED, PENDING or BUFFERED; kDefault
// needs none and is asked as COMMITTED) of `table` with a deadline of
// `timeout` from now: its name, or the error naming the call and table
// ("CreateWriteStream on T: ...").
absl::StatusOr<std::string> CreateWriteStream(
    google::cloud::bigquery::storage::v1::BigQueryWrite::StubInterface& stub,
    const std::string& table, WriteStreamKind kind, absl::Duration timeout);

class ReferenceWriter {
 public:
  using Stub = google::cloud::bigquery::storage::v1::BigQueryWrite::Stub;

  explicit ReferenceWriter(std::shared_ptr<grpc::Channel> channel,
                           WriterOptions options = {});
  ~ReferenceWriter();

  // Writes rows [begin, end) of `spec` (RowGenerator's, every column) to
  // `table` ("projects/p/datasets/d/tables/t") through a stream of `kind`:
  // `{table}/streams/_default`, or a stream it creates. PENDING streams are
  // finalized and committed (alone) after the last append, BUFFERED ones
  // flushed to their last row.
  WriteAccount Write(const std::string& table, const TableSpec& spec,
                     int64_t begin, int64_t end, WriteStreamKind kind);

  const WriterOptions& options() const { return options_; }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Stub> stub_;
  WriterOptions options_;
};

}  // namespace forkcheck

#endif  // FORKCHECK_CLIENT_REFERENCE_WRITER_H_
