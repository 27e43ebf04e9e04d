#include "fakes/bigquery_read_service.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "dataset/avro_encoder.h"
#include "fakes/echo.h"
#include "fakes/read_rows_reactor.h"
#include "fakes/stream_plan.h"

namespace forkcheck {
namespace {

namespace bqs = google::cloud::bigquery::storage::v1;

// The real service's session lifetime.
constexpr auto kSessionLifetime = std::chrono::hours(6);
// The location the fake pretends to serve from (part of session names).
constexpr absl::string_view kLocation = "us";

grpc::Status InvalidArgument(const std::string& message) {
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message);
}

// "projects/{p}/datasets/{d}/tables/{t}" -> p; nullopt if malformed.
std::optional<std::string> ProjectOfParent(const std::string& parent) {
  std::vector<std::string> parts = absl::StrSplit(parent, '/');
  if (parts.size() != 2 || parts[0] != "projects" || parts[1].empty()) {
    return std::nullopt;
  }
  return parts[1];
}

}  // namespace

BigQueryReadService::BigQueryReadService(const Catalogue* catalogue,
                                         FaultInjector* faults,
                                         WriteStore* written,
                                         ReadServiceOptions options)
    : catalogue_(catalogue),
      faults_(faults),
      written_(written),
      options_(options),
      cache_(options.sizing) {}

grpc::Status BigQueryReadService::CreateReadSession(
    grpc::ServerContext* /*context*/,
    const bqs::CreateReadSessionRequest* request,
    bqs::ReadSession* response) {
  std::optional<std::string> project = ProjectOfParent(request->parent());
  if (!project.has_value()) {
    return InvalidArgument(
        absl::StrCat("parent must be \"projects/{project}\", got \"",
                     BoundedEcho(request->parent()), "\""));
  }
  const bqs::ReadSession& requested = request->read_session();
  if (requested.table().empty()) {
    return InvalidArgument("read_session.table is required");
  }
  // A written table reads the rows visible now; a catalogue table its
  // generated rows.
  WrittenSnapshot written;
  const TableSpec* table = nullptr;
  if (WriteStore::IsWritableTableName(requested.table())) {
    if (grpc::Status status = written_->Snapshot(requested.table(), &written);
        !status.ok()) {
      return status;
    }
    table = written.spec.get();
  } else {
    table = catalogue_->Find(requested.table());
  }
  if (table == nullptr) {
    return grpc::Status(
        grpc::StatusCode::NOT_FOUND,
        absl::StrCat("Not found: Table ", BoundedEcho(requested.table())));
  }
  switch (requested.data_format()) {
    case bqs::AVRO:
      break;
    case bqs::DATA_FORMAT_UNSPECIFIED:
      return InvalidArgument(
          "read_session.data_format must be AVRO or ARROW, not "
          "DATA_FORMAT_UNSPECIFIED");
    case bqs::ARROW:
      return grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                          "forkcheck fake: ARROW is not served yet; use AVRO");
    default:
      return InvalidArgument(absl::StrCat("unknown read_session.data_format ",
                                          requested.data_format()));
  }
  if (request->max_stream_count() < 0) {
    return InvalidArgument(absl::StrCat("max_stream_count must not be negative, got ",
                                        request->max_stream_count()));
  }
  if (request->preferred_min_stream_count() < 0) {
    return InvalidArgument(
        absl::StrCat("preferred_min_stream_count must not be negative, got ",
                     request->preferred_min_stream_count()));
  }
  if (request->max_stream_count() > 0 &&
      request->max_stream_count() < request->preferred_min_stream_count()) {
    return InvalidArgument(absl::StrCat(
        "max_stream_count (", request->max_stream_count(),
        ") must not be less than preferred_min_stream_count (",
        request->preferred_min_stream_count(), ")"));
  }
  const bqs::ReadSession::TableReadOptions& read_options =
      requested.read_options();
  if (!read_options.row_restriction().empty()) {
    return InvalidArgument(
        "forkcheck fake: read_options.row_restriction is not supported");
  }

  // Projection in table order, as the real service returns it.
  std::set<int> selected;
  for (const std::string& field : read_options.selected_fields()) {
    int index = table->ColumnIndex(field);
    if (index < 0) {
      return InvalidArgument(absl::StrCat(
          "read_options.selected_fields: no column \"", BoundedEcho(field),
          "\" in table ", BoundedEcho(table->name)));
    }
    selected.insert(index);
  }
  SessionState session;
  session.table = table;
  if (selected.empty()) {
    for (size_t i = 0; i < table->columns.size(); ++i) {
      session.columns.push_back(static_cast<int>(i));
    }
  } else {
    session.columns.assign(selected.begin(), selected.end());
  }
  session.avro_schema = AvroSchemaJson(*table, session.columns);
  if (written.rows != nullptr) {
    session.owned_table = written.spec;
    session.written_rows = written.rows;
  } else {
    session.generator = std::make_shared<const RowGenerator>(*table);
  }

  const int stream_count = ChooseStreamCount(
      ChunkCount(table->row_count, table->rows_per_chunk),
      request->max_stream_count(), request->preferred_min_stream_count(),
      options_.default_stream_count);
  SessionStore::NewSession created = sessions_.AddSession(
      *project, kLocation, std::move(session),
      PlanStreams(table->row_count, table->rows_per_chunk, stream_count));

  response->set_name(created.session->name);
  const auto expire = std::chrono::system_clock::now() + kSessionLifetime;
  response->mutable_expire_time()->set_seconds(
      std::chrono::duration_cast<std::chrono::seconds>(
          expire.time_since_epoch())
          .count());
  response->set_data_format(bqs::AVRO);
  response->mutable_avro_schema()->set_schema(created.session->avro_schema);
  response->set_table(table->name);
  *response->mutable_read_options() = read_options;
  for (const StreamState& stream : created.streams) {
    response->add_streams()->set_name(stream.name);
  }
  response->set_estimated_row_count(table->row_count);
  response->set_estimated_total_bytes_scanned(table->row_count *
                                              table->typical_row_bytes);
  return grpc::Status::OK;
}

RawWriteReactor* BigQueryReadService::ReadRows(
    CallbackServerContext* /*context*/, const grpc::ByteBuffer* raw_request) {
  bqs::ReadRowsRequest request;
  grpc::ByteBuffer copy = *raw_request;  // shares the slices
  if (!grpc::SerializationTraits<bqs::ReadRowsRequest>::Deserialize(&copy,
                                                                   &request)
           .ok()) {
    return FinishReadRows(InvalidArgument("malformed ReadRowsRequest"));
  }
  if (request.read_stream().empty()) {
    return FinishReadRows(InvalidArgument("read_stream is required"));
  }
  std::shared_ptr<const StreamState> stream =
      sessions_.FindStream(request.read_stream());
  if (stream == nullptr) {
    return FinishReadRows(
        grpc::Status(grpc::StatusCode::NOT_FOUND,
                     absl::StrCat("Not found: ReadStream ",
                                  BoundedEcho(request.read_stream()))));
  }
  const int64_t size = stream->rows.size();
  if (request.offset() < 0) {
    return FinishReadRows(InvalidArgument(
        absl::StrCat("offset must not be negative, got ", request.offset())));
  }
  if (request.offset() > size) {
    return FinishReadRows(grpc::Status(
        grpc::StatusCode::FAILED_PRECONDITION,
        absl::StrCat("offset ", request.offset(),
                     " is beyond the end of stream ", BoundedEcho(stream->name),
                     " (", size, " rows)")));
  }
  return StartReadRows(std::move(stream), request.offset(), faults_, &cache_,
                       &scheduler_);
}

grpc::Status BigQueryReadService::SplitReadStream(
    grpc::ServerContext* /*context*/,
    const bqs::SplitReadStreamRequest* request,
    bqs::SplitReadStreamResponse* response) {
  if (!(request->fraction() > 0.0 && request->fraction() < 1.0)) {
    return InvalidArgument(absl::StrCat(
        "fraction must be strictly between 0 and 1, got ", request->fraction()));
  }
  std::shared_ptr<const StreamState> stream =
      sessions_.FindStream(request->name());
  if (stream == nullptr) {
    return grpc::Status(
        grpc::StatusCode::NOT_FOUND,
        absl::StrCat("Not found: ReadStream ", BoundedEcho(request->name())));
  }
  auto split = SplitRange(stream->rows, stream->session->table->rows_per_chunk,
                          request->fraction());
  if (!split.has_value()) return grpc::Status::OK;  // too small: no streams
  response->mutable_primary_stream()->set_name(
      sessions_.AddStream(stream->session, split->first).name);
  response->mutable_remainder_stream()->set_name(
      sessions_.AddStream(stream->session, split->second).name);
  return grpc::Status::OK;
}

}  // namespace forkcheck
