// The fake's writable tables: their write streams, the rows appended to each
// stream, and the rows visible to readers.
//
// A writable table is named projects/{any project}/datasets/writable/tables/{t}
// where {t} names a catalogue table (Catalogue::Resolve: the last component
// of exactly one table's name, e.g. "small"). It has that table's columns
// (row_id included, a REQUIRED INT64 like any other), starts empty, and
// exists once per project: trials that share one fake server write to
// projects of their own and never see each other's rows. The same names work
// for CreateReadSession, which reads the rows visible when it is called.
//
// Visibility follows the real service: rows of COMMITTED streams (and the
// implicit _default stream) when appended; of BUFFERED streams up to the
// offset FlushRows passed (inclusive); of PENDING streams when a finalized
// stream is committed by BatchCommitWriteStreams, all streams of the batch
// or none. Visible rows keep the order in which they became visible.
//
// Every method returns the status the real service gives, with a
// StorageError in its details where the real service sends one
// (storage_error.h). Thread-safe. Rows live as long as the store, in memory,
// as their producer keeps them (stored_rows.h: about their wire size) and
// decoded only when a reader asks: sized for tests, trials and benchmarks,
// not for bulk loads.
#ifndef FORKCHECK_FAKES_WRITE_STORE_H_
#define FORKCHECK_FAKES_WRITE_STORE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "dataset/catalogue.h"
#include "dataset/table_spec.h"
#include "fakes/stored_rows.h"
#include "fakes/write_names.h"
#include "google/cloud/bigquery/storage/v1/storage.pb.h"
#include "google/cloud/bigquery/storage/v1/stream.pb.h"
#include "grpcpp/grpcpp.h"

namespace forkcheck {

// The dataset id of every writable table.
inline constexpr absl::string_view kWritableDataset = "writable";

// The rows of a writable table that a reader sees, frozen at one moment.
struct WrittenSnapshot {
  // The table's columns; name is the written table's, row_count the number
  // of rows.
  std::shared_ptr<const TableSpec> spec;
  std::shared_ptr<const StoredRows> rows;  // full rows of `spec`
};

// Where an AppendRows connection writes.
struct AppendTarget {
  std::shared_ptr<const TableSpec> table;  // the rows' columns
  bool is_default = false;                 // the _default stream
};

class WriteStore {
 public:
  // `catalogue` supplies the writable tables' columns; it must outlive the
  // store.
  explicit WriteStore(const Catalogue* catalogue);
  ~WriteStore();
  WriteStore(const WriteStore&) = delete;
  WriteStore& operator=(const WriteStore&) = delete;

  // True if `name` is a table name in the writable dataset (whether or not
  // its table id names a catalogue table).
  static bool IsWritableTableName(absl::string_view name);

  // A new stream of `requested.type()` (COMMITTED, PENDING or BUFFERED) in
  // table `parent`.
  grpc::Status CreateWriteStream(
      absl::string_view parent,
      const google::cloud::bigquery::storage::v1::WriteStream& requested,
      google::cloud::bigquery::storage::v1::WriteStream* created);

  // FULL view adds the table schema.
  grpc::Status GetWriteStream(
      absl::string_view name,
      google::cloud::bigquery::storage::v1::WriteStreamView view,
      google::cloud::bigquery::storage::v1::WriteStream* stream);

  // No more appends; *row_count is the stream's length. Idempotent.
  grpc::Status FinalizeWriteStream(absl::string_view name, int64_t* row_count);

  // OK with `stream_errors` (and nothing committed) when any stream cannot
  // be committed; OK with `commit_time` when all were.
  grpc::Status BatchCommitWriteStreams(
      absl::string_view parent, const std::vector<std::string>& stream_names,
      google::cloud::bigquery::storage::v1::BatchCommitWriteStreamsResponse*
          response);

  // Makes a BUFFERED stream's rows visible up to `offset`, inclusive.
  grpc::Status FlushRows(absl::string_view name, std::optional<int64_t> offset,
                         int64_t* flushed_offset);

  // The table and kind of an existing stream, for an AppendRows connection.
  grpc::Status ResolveAppendTarget(absl::string_view stream_name,
                                   AppendTarget* target);

  // Appends `rows` (full rows of the stream's table, checked) at `offset`
  // or, if unset, at the end; all or nothing. On success *first_offset is the
  // offset of the first row (unset on the _default stream). The errors are
  // the in-band ones of AppendRowsResponse.error.
  grpc::Status Append(absl::string_view stream_name,
                      std::optional<int64_t> offset,
                      std::shared_ptr<const RowBatch> rows,
                      std::optional<int64_t>* first_offset);

  // The rows of writable table `table_name` visible now.
  grpc::Status Snapshot(absl::string_view table_name,
                        WrittenSnapshot* snapshot);

 private:
  struct Stream;
  struct Table;

  // The table instance, created empty on first use. Requires mu_.
  grpc::Status FindTable(const TableName& name, Table** table);
  // The stream of an existing table. Requires mu_.
  grpc::Status FindStream(absl::string_view name, Table** table,
                          Stream** stream);

  const Catalogue* const catalogue_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<Table>, std::less<>> tables_;
  uint64_t next_stream_id_ = 1;
};

}  // namespace forkcheck

#endif  // FORKCHECK_FAKES_WRITE_STORE_H_
