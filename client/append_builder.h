// The AppendRows requests that write RowGenerator's rows of a table spec:
// what the reference writer sends, and what the parent's own writes across
// a fork (probes/in_flight_write.h) send, built one way.

#ifndef FORKCHECK_CLIENT_APPEND_BUILDER_H_
#define FORKCHECK_CLIENT_APPEND_BUILDER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "client/proto_row_encoder.h"
#include "dataset/row_generator.h"
#include "dataset/table_spec.h"
#include "google/cloud/bigquery/storage/v1/storage.pb.h"

namespace forkcheck {

// Builds the requests of rows [begin, end) of `spec`, every column. Stream
// offsets count from the first row written: row `begin + k` is at offset k.
class AppendBuilder {
 public:
  // `spec` must outlive the builder.
  AppendBuilder(const TableSpec& spec, int64_t begin, int64_t end,
                int rows_per_append, int64_t max_request_bytes);

  int64_t total() const { return end_ - begin_; }

  // The request appending rows from `offset` on: as many as fit (at least
  // one, at most rows_per_append and, beyond the first, max_request_bytes
  // of serialized rows). Its row count is its proto_rows'
  // serialized_rows_size(). The first request of a call names `stream` and
  // carries the writer schema.
  google::cloud::bigquery::storage::v1::AppendRowsRequest Build(
      int64_t offset, bool with_offset, bool first_of_call,
      const std::string& stream);

 private:
  RowGenerator generator_;
  ProtoRowEncoder encoder_;
  const int64_t begin_;
  const int64_t end_;
  const int rows_per_append_;
  const int64_t max_request_bytes_;
  std::vector<int> columns_;
  Row row_;
};

// The serialized size of the rows a request carries (the account's bytes).
int64_t SerializedRowBytes(
    const google::cloud::bigquery::storage::v1::AppendRowsRequest& request);

}  // namespace forkcheck

#endif  // FORKCHECK_CLIENT_APPEND_BUILDER_H_
