// Reads ONE BigQuery Storage read stream to its end: calls ReadRows, resumes
// from the next unread offset after a resumable failure (see retry_policy.h),
// decodes every response's Avro rows, verifies each row against the
// RowGenerator by its row_id, and records verified rows in a RowLedger.
//
// A response that fails to decode or verify is corrupt: it is counted, and
// either discarded and fetched again from its first row's offset (the default)
// or skipped with its rows counted as corrupted. Rows of a corrupt response
// never reach the ledger.

#ifndef FORKCHECK_CLIENT_STREAM_READER_H_
#define FORKCHECK_CLIENT_STREAM_READER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "client/retry_policy.h"
#include "client/row_ledger.h"
#include "dataset/table_spec.h"
#include "google/cloud/bigquery/storage/v1/storage.grpc.pb.h"
#include "grpcpp/support/status.h"

namespace forkcheck {

struct StreamReaderOptions {
  // Deadline of each ReadRows call. A call that runs out of it is resumed
  // (DEADLINE_EXCEEDED is resumable), so it bounds a stall rather than the
  // length of a stream.
  absl::Duration call_timeout = absl::Seconds(60);
  RetryOptions retry;
  bool refetch_corrupt_responses = true;
};

// What reading one stream came to.
struct StreamAccount {
  std::string stream;
  int64_t rows = 0;       // verified rows recorded in the ledger
  int64_t offset = 0;     // stream offset reached, in rows
  int64_t bytes = 0;      // serialized_binary_rows bytes received, all calls
  int64_t responses = 0;  // ReadRowsResponse messages received
  int64_t calls = 0;      // ReadRows calls made
  int64_t corrupt_responses = 0;
  // Rows of corrupt responses that were skipped, not refetched.
  int64_t corrupted_rows = 0;
  RetryCounts retries;
  // Of retries.total(): those after a failure the fake server injected on
  // purpose (dataset/injected_fault.h). Resuming them is the reader working as
  // designed; the others are retries a client without them would have
  // failed on.
  int64_t injected_fault_retries = 0;
  // The first failure a retry recovered from, injected ones apart (its code
  // and message: "UNAVAILABLE: Socket operation on non-socket"); OK if none.
  absl::Status first_retried_failure;
  absl::Time first_retried_at = absl::InfiniteFuture();
  absl::Duration backoff_time = absl::ZeroDuration();  // slept before retries
  // Final status of the stream: OK once read to its end.
  grpc::StatusCode status_code = grpc::StatusCode::OK;
  std::string status_message;
  std::string last_corruption;  // what was wrong with the last corrupt one
  absl::Time started_at = absl::InfinitePast();
  absl::Time first_row_at = absl::InfiniteFuture();  // first verified row
  absl::Time finished_at = absl::InfinitePast();

  bool ok() const { return status_code == grpc::StatusCode::OK; }
  // From started_at to the first verified row; InfiniteDuration if none.
  absl::Duration time_to_first_row() const {
    return first_row_at == absl::InfiniteFuture() ? absl::InfiniteDuration()
                                                  : first_row_at - started_at;
  }
};

// Thread-compatible: use one StreamReader per thread (they may share a stub,
// which gRPC makes thread-safe).
class StreamReader {
 public:
  using Stub =
      google::cloud::bigquery::storage::v1::BigQueryRead::StubInterface;

  // `stub` and `table` must outlive the reader. `session_avro_schema` (may be
  // empty) decodes a call whose first response carries no schema.
  StreamReader(Stub* stub, const TableSpec* table,
               std::string session_avro_schema, StreamReaderOptions options);
  ~StreamReader();
  StreamReader(const StreamReader&) = delete;
  StreamReader& operator=(const StreamReader&) = delete;

  // Reads `stream_name` from offset 0 to its end (or until retries run out)
  // and records verified rows in *ledger (whose row_count is the table's).
  StreamAccount Read(const std::string& stream_name, RowLedger* ledger);

 private:
  class Verifier;

  Stub* stub_;
  const TableSpec* table_;
  std::string session_avro_schema_;
  StreamReaderOptions options_;
  std::unique_ptr<Verifier> verifier_;
};

}  // namespace forkcheck

#endif  // FORKCHECK_CLIENT_STREAM_READER_H_
