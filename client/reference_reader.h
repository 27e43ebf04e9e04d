// The reference BigQuery Storage read client: creates Avro read sessions and
// reads their streams with N threads that share one channel (and one stub),
// pulling streams from a shared queue. Returns an exact account of what was
// read: every row verified, and counted exactly once or not.

#ifndef FORKCHECK_CLIENT_REFERENCE_READER_H_
#define FORKCHECK_CLIENT_REFERENCE_READER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "client/retry_policy.h"
#include "client/row_ledger.h"
#include "client/stream_reader.h"
#include "dataset/catalogue.h"
#include "google/cloud/bigquery/storage/v1/storage.grpc.pb.h"
#include "google/cloud/bigquery/storage/v1/stream.pb.h"
#include "grpcpp/channel.h"

namespace forkcheck {

struct ReaderOptions {
  absl::Duration create_session_timeout = absl::Seconds(30);
  StreamReaderOptions stream;  // per-call deadline, retries, corruption
};

// What a Read or ReadStreams came to.
struct ReadAccount {
  std::string table;
  // The streams read were all of the session's: only then can rows be
  // missing (a partial read cannot tell).
  bool full_read = false;
  int threads = 0;
  std::vector<StreamAccount> streams;  // in the order asked for

  int64_t table_rows_expected = -1;  // full reads: the table's row count
  int64_t rows_received = 0;  // verified rows, duplicates and strays included
  int64_t unique_rows = 0;
  int64_t duplicate_rows = 0;
  int64_t out_of_range_rows = 0;  // row_id outside [0, row count)
  int64_t missing_rows = 0;       // full reads only; else 0
  int64_t corrupted_rows = 0;     // in corrupt responses not refetched
  int64_t corrupt_responses = 0;
  int64_t bytes = 0;
  int64_t responses = 0;
  RetryCounts retries;
  // Summed over streams; see StreamAccount.
  int64_t injected_fault_retries = 0;
  // The earliest of the streams' first_retried_failure; OK if none.
  absl::Status first_retried_failure;
  absl::Duration backoff_time = absl::ZeroDuration();  // summed over streams
  // From the start of the read to the first verified row, or
  // InfiniteDuration if none arrived.
  absl::Duration time_to_first_row = absl::InfiniteDuration();
  absl::Duration total_time = absl::ZeroDuration();
  // The earliest error no retry recovered from (or one that prevented the
  // read); OK if every stream was read to its end.
  absl::Status first_error;
  // Every thread's ledger merged: which rows arrived (for a supervisor to
  // merge with other processes' ledgers).
  RowLedger ledger;

  // No error, no duplicate, stray or corrupted row, and for a full read every
  // row of the table. (A partial read whose streams all ended OK has all
  // their rows, since a stream ends OK only after its last row.)
  bool exactly_once() const;
};

class ReferenceReader {
 public:
  using Stub = google::cloud::bigquery::storage::v1::BigQueryRead::Stub;

  // `catalogue` (the tables rows are verified against) must outlive the
  // reader.
  ReferenceReader(std::shared_ptr<grpc::Channel> channel,
                  const Catalogue& catalogue, ReaderOptions options = {});
  ~ReferenceReader();

  // Creates an AVRO read session of `table` ("projects/p/datasets/d/tables/t")
  // under parent "projects/p". Non-empty `selected_fields` without "row_id"
  // get it added: verification needs each row's identity. gRPC errors keep
  // their code and message.
  absl::StatusOr<google::cloud::bigquery::storage::v1::ReadSession>
  CreateSession(const std::string& table, int max_stream_count,
                std::vector<std::string> selected_fields = {},
                int preferred_min_stream_count = 0);

  // Reads every stream of `session` with `threads` threads (>= 1).
  ReadAccount Read(
      const google::cloud::bigquery::storage::v1::ReadSession& session,
      int threads);

  // Reads the named streams of `session` with `threads` threads (>= 1).
  ReadAccount ReadStreams(
      const google::cloud::bigquery::storage::v1::ReadSession& session,
      const std::vector<std::string>& stream_names, int threads);

  const ReaderOptions& options() const { return options_; }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Stub> stub_;
  const Catalogue& catalogue_;
  ReaderOptions options_;
};

}  // namespace forkcheck

#endif  // FORKCHECK_CLIENT_REFERENCE_READER_H_
