// The benchmark's client side, the same for the fake and the bare server: a
// plain generated stub that reads every response of one ReadRows call and
// counts what it got, without decoding rows (bench/ measures serving).
#ifndef FORKCHECK_BENCH_READ_ROWS_DRAIN_H_
#define FORKCHECK_BENCH_READ_ROWS_DRAIN_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/cloud/bigquery/storage/v1/storage.grpc.pb.h"

namespace forkcheck {

struct DrainResult {
  int64_t responses = 0;
  int64_t rows = 0;           // sum of row_count
  int64_t payload_bytes = 0;  // sum of avro_rows.serialized_binary_rows sizes
  // When the first response arrived; nullopt if none did. A process-model
  // trial's time to first row has its counterpart here.
  std::optional<std::chrono::steady_clock::time_point> first_response_at;
};

// Reads `stream` from offset 0 to its end. Errors carry the gRPC status
// (code and message) of the call, or name a response without avro_rows.
absl::StatusOr<DrainResult> DrainReadRows(
    google::cloud::bigquery::storage::v1::BigQueryRead::StubInterface& stub,
    const std::string& stream, absl::Duration timeout);

// Creates an AVRO read session of all of `table`'s columns with at most
// `max_stream_count` streams (0: the server's choice) and returns the
// streams' names in the session's order.
absl::StatusOr<std::vector<std::string>> CreateSessionStreams(
    google::cloud::bigquery::storage::v1::BigQueryRead::StubInterface& stub,
    const std::string& table, int max_stream_count, absl::Duration timeout);

// Creates an AVRO read session of all of `table`'s columns with exactly one
// stream and returns that stream's name.
absl::StatusOr<std::string> CreateSingleStreamSession(
    google::cloud::bigquery::storage::v1::BigQueryRead::StubInterface& stub,
    const std::string& table, absl::Duration timeout);

}  // namespace forkcheck

#endif  // FORKCHECK_BENCH_READ_ROWS_DRAIN_H_
