#include "fakes/write_store.h"

#include <chrono>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "fakes/echo.h"
#include "fakes/storage_error.h"
#include "google/protobuf/timestamp.pb.h"

namespace forkcheck {
namespace {

namespace bqs = google::cloud::bigquery::storage::v1;
using StorageError = bqs::StorageError;

google::protobuf::Timestamp Now() {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(since_epoch)
          .count();
  google::protobuf::Timestamp timestamp;
  timestamp.set_seconds(micros / 1000000);
  timestamp.set_nanos(static_cast<int32_t>((micros % 1000000) * 1000));
  return timestamp;
}

bqs::TableFieldSchema::Type FieldType(ColumnType type) {
  switch (type) {
    case ColumnType::kInt64:
      return bqs::TableFieldSchema::INT64;
    case ColumnType::kString:
      return bqs::TableFieldSchema::STRING;
    case ColumnType::kDouble:
      return bqs::TableFieldSchema::DOUBLE;
    case ColumnType::kBool:
      return bqs::TableFieldSchema::BOOL;
    case ColumnType::kTimestamp:
      return bqs::TableFieldSchema::TIMESTAMP;
    case ColumnType::kBytes:
      return bqs::TableFieldSchema::BYTES;
  }
  return bqs::TableFieldSchema::TYPE_UNSPECIFIED;
}

void FillTableSchema(const TableSpec& spec, bqs::TableSchema* schema) {
  for (const ColumnSpec& column : spec.columns) {
    bqs::TableFieldSchema* field = schema->add_fields();
    field->set_name(column.name);
    field->set_type(FieldType(column.type));
    field->set_mode(column.nullable ? bqs::TableFieldSchema::NULLABLE
                                    : bqs::TableFieldSchema::REQUIRED);
  }
}

grpc::Status InvalidArgument(const std::string& message) {
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message);
}

// The status of a `parent` that names no table.
grpc::Status BadParent(absl::string_view parent) {
  return InvalidArgument(absl::StrCat(
      "parent must be projects/{p}/datasets/{d}/tables/{t}, got \"",
      BoundedEcho(parent), "\""));
}

}  // namespace

struct WriteStore::Stream {
  std::string name;
  bqs::WriteStream::Type type = bqs::WriteStream::COMMITTED;
  google::protobuf::Timestamp create_time;
  std::optional<google::protobuf::Timestamp> commit_time;
  int64_t row_count = 0;  // rows appended: the next offset
  // Rows appended but not yet visible (PENDING: all of them; BUFFERED: those
  // at offsets [flushed, row_count)).
  StoredRows invisible;
  int64_t flushed = 0;  // BUFFERED: rows [0, flushed) are visible
  bool finalized = false;
  bool committed = false;  // PENDING, by BatchCommitWriteStreams
};

struct WriteStore::Table {
  std::string name;
  std::shared_ptr<const TableSpec> spec;  // row_count unused (0)
  StoredRows visible;
  Stream default_stream;  // _default: COMMITTED, never finalized
  std::map<std::string, Stream, std::less<>> streams;  // by full name
};

WriteStore::WriteStore(const Catalogue* catalogue) : catalogue_(catalogue) {}
WriteStore::~WriteStore() = default;

bool WriteStore::IsWritableTableName(absl::string_view name) {
  std::optional<TableName> parsed = ParseTableName(name);
  return parsed.has_value() && parsed->dataset == kWritableDataset;
}

grpc::Status WriteStore::FindTable(const TableName& name, Table** table) {
  const std::string full_name = name.FullName();
  auto it = tables_.find(full_name);
  if (it != tables_.end()) {
    *table = it->second.get();
    return grpc::Status::OK;
  }
  const TableSpec* columns = name.dataset == kWritableDataset
                                 ? catalogue_->Resolve(name.table)
                                 : nullptr;
  if (columns == nullptr) {
    return StorageErrorStatus(
        grpc::StatusCode::NOT_FOUND, StorageError::TABLE_NOT_FOUND, full_name,
        absl::StrCat("Not found: Table ", BoundedEcho(full_name),
                     " (the fake writes only to projects/{project}/datasets/",
                     kWritableDataset,
                     "/tables/{t}, {t} a table of its catalogue)"));
  }
  auto created = std::make_unique<Table>();
  created->name = full_name;
  auto spec = std::make_shared<TableSpec>(*columns);
  spec->name = full_name;
  spec->row_count = 0;
  created->spec = std::move(spec);
  created->default_stream.name =
      absl::StrCat(full_name, "/streams/", kDefaultStreamId);
  created->default_stream.create_time = Now();
  *table = created.get();
  tables_.emplace(full_name, std::move(created));
  return grpc::Status::OK;
}

grpc::Status WriteStore::FindStream(absl::string_view name, Table** table,
                                    Stream** stream) {
  std::optional<WriteStreamName> parsed = ParseWriteStreamName(name);
  if (!parsed.has_value()) {
    return InvalidArgument(
        absl::StrCat("\"", BoundedEcho(name),
                     "\" is not a write stream name "
                     "(projects/{p}/datasets/{d}/tables/{t}/streams/{id})"));
  }
  if (grpc::Status status = FindTable(parsed->table, table); !status.ok()) {
    return status;
  }
  if (parsed->is_default()) {
    *stream = &(*table)->default_stream;
    return grpc::Status::OK;
  }
  auto it = (*table)->streams.find(name);
  if (it == (*table)->streams.end()) {
    return StorageErrorStatus(
        grpc::StatusCode::NOT_FOUND, StorageError::STREAM_NOT_FOUND, name,
        absl::StrCat("Stream is not found: ", BoundedEcho(name)));
  }
  *stream = &it->second;
  return grpc::Status::OK;
}

grpc::Status WriteStore::CreateWriteStream(absl::string_view parent,
                                           const bqs::WriteStream& requested,
                                           bqs::WriteStream* created) {
  std::optional<TableName> table_name = ParseTableName(parent);
  if (!table_name.has_value()) return BadParent(parent);
  switch (requested.type()) {
    case bqs::WriteStream::COMMITTED:
    case bqs::WriteStream::PENDING:
    case bqs::WriteStream::BUFFERED:
      break;
    default:
      return InvalidArgument(absl::StrCat(
          "write_stream.type must be COMMITTED, PENDING or BUFFERED, got ",
          bqs::WriteStream::Type_IsValid(requested.type())
              ? bqs::WriteStream::Type_Name(requested.type())
              : absl::StrCat(static_cast<int>(requested.type()))));
  }
  std::lock_guard<std::mutex> lock(mu_);
  Table* table = nullptr;
  if (grpc::Status status = FindTable(*table_name, &table); !status.ok()) {
    return status;
  }
  Stream stream;
  // Opaque like the real service's ids, unique within this server.
  stream.name = absl::StrCat(
      table->name, "/streams/",
      absl::StrFormat("Cig%016x", next_stream_id_++ * 0x9E3779B97F4A7C15ull));
  stream.type = requested.type();
  stream.create_time = Now();
  created->set_name(stream.name);
  created->set_type(stream.type);
  *created->mutable_create_time() = stream.create_time;
  FillTableSchema(*table->spec, created->mutable_table_schema());
  created->set_write_mode(bqs::WriteStream::INSERT);
  table->streams.emplace(stream.name, std::move(stream));
  return grpc::Status::OK;
}

grpc::Status WriteStore::GetWriteStream(absl::string_view name,
                                        bqs::WriteStreamView view,
                                        bqs::WriteStream* result) {
  std::lock_guard<std::mutex> lock(mu_);
  Table* table = nullptr;
  Stream* stream = nullptr;
  if (grpc::Status status = FindStream(name, &table, &stream); !status.ok()) {
    return status;
  }
  result->set_name(stream->name);
  result->set_type(stream->type);
  *result->mutable_create_time() = stream->create_time;
  if (stream->commit_time.has_value()) {
    *result->mutable_commit_time() = *stream->commit_time;
  }
  result->set_write_mode(bqs::WriteStream::INSERT);
  if (view == bqs::FULL) {
    FillTableSchema(*table->spec, result->mutable_table_schema());
  }
  return grpc::Status::OK;
}

grpc::Status WriteStore::FinalizeWriteStream(absl::string_view name,
                                             int64_t* row_count) {
  std::lock_guard<std::mutex> lock(mu_);
  Table* table = nullptr;
  Stream* stream = nullptr;
  if (grpc::Status status = FindStream(name, &table, &stream); !status.ok()) {
    return status;
  }
  if (stream == &table->default_stream) {
    return StorageErrorStatus(
        grpc::StatusCode::INVALID_ARGUMENT, StorageError::INVALID_STREAM_TYPE,
        name, "FinalizeWriteStream is not supported on the _default stream");
  }
  stream->finalized = true;
  *row_count = stream->row_count;
  return grpc::Status::OK;
}

grpc::Status WriteStore::BatchCommitWriteStreams(
    absl::string_view parent, const std::vector<std::string>& stream_names,
    bqs::BatchCommitWriteStreamsResponse* response) {
  std::optional<TableName> table_name = ParseTableName(parent);
  if (!table_name.has_value()) return BadParent(parent);
  if (stream_names.empty()) {
    return InvalidArgument("write_streams must name at least one stream");
  }
  std::lock_guard<std::mutex> lock(mu_);
  Table* table = nullptr;
  if (grpc::Status status = FindTable(*table_name, &table); !status.ok()) {
    return status;
  }
  // Every stream is checked before any is committed: all or nothing.
  std::vector<Stream*> to_commit;
  std::set<std::string> seen;
  for (const std::string& name : stream_names) {
    if (!seen.insert(name).second) continue;  // listed twice: commit once
    auto it = table->streams.find(name);
    Stream* stream = it == table->streams.end() ? nullptr : &it->second;
    auto fail = [&](StorageErrorCode code, const std::string& message) {
      *response->add_stream_errors() = MakeStorageError(code, name, message);
    };
    if (stream == nullptr) {
      std::optional<WriteStreamName> parsed = ParseWriteStreamName(name);
      if (parsed.has_value() && parsed->is_default() &&
          parsed->table.FullName() == table->name) {
        fail(StorageError::INVALID_STREAM_TYPE,
             "the _default stream cannot be committed: it is COMMITTED");
      } else {
        fail(StorageError::STREAM_NOT_FOUND,
             absl::StrCat("Stream is not found in table ",
                          BoundedEcho(table->name)));
      }
    } else if (stream->type != bqs::WriteStream::PENDING) {
      fail(StorageError::INVALID_STREAM_TYPE,
           absl::StrCat("only PENDING streams are committed; this one is ",
                        bqs::WriteStream::Type_Name(stream->type)));
    } else if (stream->committed) {
      fail(StorageError::STREAM_ALREADY_COMMITTED,
           "Stream is already committed");
    } else if (!stream->finalized) {
      fail(StorageError::INVALID_STREAM_STATE,
           "Stream is not finalized; call FinalizeWriteStream first");
    } else {
      to_commit.push_back(stream);
    }
  }
  if (response->stream_errors_size() > 0) return grpc::Status::OK;
  const google::protobuf::Timestamp now = Now();
  for (Stream* stream : to_commit) {
    table->visible.MoveFront(stream->invisible.size(), &stream->invisible);
    stream->committed = true;
    stream->commit_time = now;
  }
  *response->mutable_commit_time() = now;
  return grpc::Status::OK;
}

grpc::Status WriteStore::FlushRows(absl::string_view name,
                                   std::optional<int64_t> offset,
                                   int64_t* flushed_offset) {
  std::lock_guard<std::mutex> lock(mu_);
  Table* table = nullptr;
  Stream* stream = nullptr;
  if (grpc::Status status = FindStream(name, &table, &stream); !status.ok()) {
    return status;
  }
  if (stream->type != bqs::WriteStream::BUFFERED ||
      stream == &table->default_stream) {
    return StorageErrorStatus(
        grpc::StatusCode::INVALID_ARGUMENT, StorageError::INVALID_STREAM_TYPE,
        name,
        absl::StrCat("FlushRows is only for BUFFERED streams; this one is ",
                     stream == &table->default_stream
                         ? "the _default stream"
                         : bqs::WriteStream::Type_Name(stream->type)));
  }
  if (!offset.has_value()) {
    return InvalidArgument("FlushRows needs an offset");
  }
  if (*offset < 0) {
    return InvalidArgument(
        absl::StrCat("offset must not be negative, got ", *offset));
  }
  if (*offset >= stream->row_count) {
    return StorageErrorStatus(
        grpc::StatusCode::OUT_OF_RANGE, StorageError::OFFSET_OUT_OF_RANGE, name,
        absl::StrCat("cannot flush to offset ", *offset, ": the stream has ",
                     stream->row_count, " rows"));
  }
  const int64_t target = *offset + 1;
  if (target > stream->flushed) {
    table->visible.MoveFront(target - stream->flushed, &stream->invisible);
    stream->flushed = target;
  }
  *flushed_offset = *offset;
  return grpc::Status::OK;
}

grpc::Status WriteStore::ResolveAppendTarget(absl::string_view stream_name,
                                             AppendTarget* target) {
  std::lock_guard<std::mutex> lock(mu_);
  Table* table = nullptr;
  Stream* stream = nullptr;
  if (grpc::Status status = FindStream(stream_name, &table, &stream);
      !status.ok()) {
    return status;
  }
  target->table = table->spec;
  target->is_default = stream == &table->default_stream;
  return grpc::Status::OK;
}

grpc::Status WriteStore::Append(absl::string_view stream_name,
                                std::optional<int64_t> offset,
                                std::shared_ptr<const RowBatch> rows,
                                std::optional<int64_t>* first_offset) {
  std::lock_guard<std::mutex> lock(mu_);
  Table* table = nullptr;
  Stream* stream = nullptr;
  if (grpc::Status status = FindStream(stream_name, &table, &stream);
      !status.ok()) {
    return status;
  }
  const bool is_default = stream == &table->default_stream;
  if (stream->finalized) {
    return StorageErrorStatus(grpc::StatusCode::INVALID_ARGUMENT,
                              StorageError::STREAM_FINALIZED, stream_name,
                              "Stream is finalized; no more rows can be "
                              "appended");
  }
  if (offset.has_value()) {
    if (is_default) {
      return InvalidArgument(
          absl::StrCat("offset is not allowed on the _default stream (got ",
                       *offset, ") Entity: ", BoundedEcho(stream_name)));
    }
    if (*offset < 0) {
      return InvalidArgument(
          absl::StrCat("offset must not be negative, got ", *offset,
                       " Entity: ", BoundedEcho(stream_name)));
    }
    if (*offset < stream->row_count) {
      return StorageErrorStatus(
          grpc::StatusCode::ALREADY_EXISTS, StorageError::OFFSET_ALREADY_EXISTS,
          stream_name,
          absl::StrCat("The offset is within stream, expected offset ",
                       stream->row_count, ", received ", *offset));
    }
    if (*offset > stream->row_count) {
      return StorageErrorStatus(
          grpc::StatusCode::OUT_OF_RANGE, StorageError::OFFSET_OUT_OF_RANGE,
          stream_name,
          absl::StrCat("The offset is beyond stream, expected offset ",
                       stream->row_count, ", received ", *offset));
    }
  }
  if (is_default) {
    first_offset->reset();
  } else {
    *first_offset = stream->row_count;
  }
  stream->row_count += rows->size();
  if (stream->type == bqs::WriteStream::COMMITTED) {
    table->visible.Append(std::move(rows));
  } else {
    stream->invisible.Append(std::move(rows));
  }
  return grpc::Status::OK;
}

grpc::Status WriteStore::Snapshot(absl::string_view table_name,
                                  WrittenSnapshot* snapshot) {
  std::optional<TableName> name = ParseTableName(table_name);
  if (!name.has_value()) {
    return InvalidArgument(
        absl::StrCat("\"", BoundedEcho(table_name),
                     "\" is not a table name "
                     "(projects/{p}/datasets/{d}/tables/{t})"));
  }
  std::lock_guard<std::mutex> lock(mu_);
  Table* table = nullptr;
  if (grpc::Status status = FindTable(*name, &table); !status.ok()) {
    return status;
  }
  auto spec = std::make_shared<TableSpec>(*table->spec);
  spec->row_count = table->visible.size();
  snapshot->spec = std::move(spec);
  snapshot->rows = std::make_shared<const StoredRows>(table->visible);
  return grpc::Status::OK;
}

}  // namespace forkcheck
