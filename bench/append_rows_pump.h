// The client side of the write benchmarks: AppendRows requests encoded once,
// before anything is timed, and a pipelined loop that sends them on one
// AppendRows call with a bounded window of unanswered requests (as the
// reference writer pipelines), the same for the fake and the bare server.
#ifndef FORKCHECK_BENCH_APPEND_ROWS_PUMP_H_
#define FORKCHECK_BENCH_APPEND_ROWS_PUMP_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench/latency_histogram.h"
#include "dataset/table_spec.h"
#include "google/cloud/bigquery/storage/v1/storage.grpc.pb.h"

namespace forkcheck {

// Two requests holding the same rows: `first` also names the stream and
// carries the writer schema, as a call's first request must; `next` is
// every later request of the call.
struct PreparedAppends {
  google::cloud::bigquery::storage::v1::AppendRowsRequest first;
  google::cloud::bigquery::storage::v1::AppendRowsRequest next;
  int64_t rows = 0;       // rows per request
  int64_t row_bytes = 0;  // their serialized bytes (the rows' payload)
};

// RowGenerator's rows 0, 1, ... of `spec` (every column, in order), encoded
// with client/proto_row_encoder: as many as fit in `max_row_bytes` of
// serialized rows, at most `max_rows`, at least one. INVALID_ARGUMENT for a
// non-positive bound or a spec without columns.
absl::StatusOr<PreparedAppends> PrepareAppends(const TableSpec& spec,
                                               const std::string& write_stream,
                                               int64_t max_row_bytes,
                                               int64_t max_rows);

struct PumpOptions {
  int64_t requests = 1;  // requests of the call (>= 1)
  int window = 4;        // unanswered requests at most (>= 1)
  absl::Duration call_timeout = absl::Minutes(2);  // the call's deadline
  // When set, each request's latency: from before its Write to the end of
  // the Read of its answer (so queueing in the window counts, as a writer
  // sees it). Written by the pump's reader thread, which has ended when
  // PumpAppendRows returns.
  LatencyHistogram* latencies = nullptr;
};

struct PumpResult {
  int64_t requests = 0;   // requests sent and answered with success
  int64_t rows = 0;       // their rows
  int64_t row_bytes = 0;  // their serialized rows' bytes
};

// One AppendRows call sending `options.requests` requests (`first`, then
// `next`), answered in order: the calling thread writes, a thread of the
// pump reads the answers. An error (the call's status, an answer with
// an error or row errors, fewer answers than requests) names the request
// and what the server said.
absl::StatusOr<PumpResult> PumpAppendRows(
    google::cloud::bigquery::storage::v1::BigQueryWrite::Stub& stub,
    const PreparedAppends& appends, const PumpOptions& options);

}  // namespace forkcheck

#endif  // FORKCHECK_BENCH_APPEND_ROWS_PUMP_H_
