#include "fakes/bigquery_read_service.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "fakes/avro_encoder.h"
#include "fakes/stream_plan.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace forkcheck {
namespace {

namespace bqs = google::cloud::bigquery::storage::v1;

// The real service's session lifetime.
constexpr auto kSessionLifetime = std::chrono::hours(6);
// The location the fake pretends to serve from (part of session names).
constexpr absl::string_view kLocation = "us";
// How often a stall checks whether the client has gone away.
constexpr auto kStallPollInterval = std::chrono::milliseconds(5);

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

// Sleeps `duration`, returning early (false) if the call is cancelled, so a
// stalled handler never outlives its client by more than a poll interval.
bool SleepUnlessCancelled(grpc::ServerContext* context,
                          std::chrono::microseconds duration) {
  const auto deadline = std::chrono::steady_clock::now() + duration;
  while (true) {
    if (context->IsCancelled()) return false;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return true;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        deadline - now, kStallPollInterval));
  }
}

grpc::Status FaultStatus(const PlannedFault& fault, const std::string& stream,
                         int64_t offset) {
  switch (fault.kind) {
    case FaultKind::kUnavailable:
      return grpc::Status(
          grpc::StatusCode::UNAVAILABLE,
          absl::StrCat("forkcheck fake: injected UNAVAILABLE on ", stream,
                       " at offset ", offset));
    case FaultKind::kRstStream:
      // The message real clients match to decide the error is retryable.
      return grpc::Status(
          grpc::StatusCode::INTERNAL,
          absl::StrCat("Received RST_STREAM with error code 2 (forkcheck fake:"
                       " injected on ",
                       stream, " at offset ", offset, ")"));
    case FaultKind::kResourceExhausted: {
      google::rpc::RetryInfo retry;
      retry.mutable_retry_delay()->set_seconds(fault.millis / 1000);
      retry.mutable_retry_delay()->set_nanos(
          static_cast<int32_t>((fault.millis % 1000) * 1000000));
      google::rpc::Status details;
      details.set_code(grpc::StatusCode::RESOURCE_EXHAUSTED);
      details.set_message(absl::StrCat(
          "forkcheck fake: injected RESOURCE_EXHAUSTED on ", stream,
          " at offset ", offset));
      details.add_details()->PackFrom(retry);
      return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                          details.message(), details.SerializeAsString());
    }
    default:
      return grpc::Status(grpc::StatusCode::INTERNAL,
                          "forkcheck fake: not a terminating fault");
  }
}

const std::vector<FaultKind>& TerminatingFaults() {
  static const auto* kinds = new std::vector<FaultKind>{
      FaultKind::kUnavailable, FaultKind::kRstStream,
      FaultKind::kResourceExhausted};
  return *kinds;
}

// Writes `response` with `rows` as its payload. The copy into the message
// reuses the message's buffer; lending the cached string to the message
// instead (set_allocated/release) is not safe: protobuf's debug builds move
// from and delete the string handed to set_allocated.
bool WriteWithPayload(grpc::ServerWriter<bqs::ReadRowsResponse>* writer,
                      bqs::ReadRowsResponse* response,
                      const std::string& rows) {
  response->mutable_avro_rows()->mutable_serialized_binary_rows()->assign(rows);
  return writer->Write(*response);
}

}  // namespace

BigQueryReadService::BigQueryReadService(const Catalogue* catalogue,
                                         FaultInjector* faults,
                                         ReadServiceOptions options)
    : catalogue_(catalogue),
      faults_(faults),
      options_(options),
      cache_(options.sizing) {}

grpc::Status BigQueryReadService::CreateReadSession(
    grpc::ServerContext* /*context*/,
    const bqs::CreateReadSessionRequest* request,
    bqs::ReadSession* response) {
  std::optional<std::string> project = ProjectOfParent(request->parent());
  if (!project.has_value()) {
    return InvalidArgument(absl::StrCat(
        "parent must be \"projects/{project}\", got \"", request->parent(),
        "\""));
  }
  const bqs::ReadSession& requested = request->read_session();
  if (requested.table().empty()) {
    return InvalidArgument("read_session.table is required");
  }
  const TableSpec* table = catalogue_->Find(requested.table());
  if (table == nullptr) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        absl::StrCat("Not found: Table ", requested.table()));
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
          "read_options.selected_fields: no column \"", field, "\" in table ",
          table->name));
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
  session.generator = std::make_shared<const RowGenerator>(*table);

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

grpc::Status BigQueryReadService::ReadRows(
    grpc::ServerContext* context, const bqs::ReadRowsRequest* request,
    grpc::ServerWriter<bqs::ReadRowsResponse>* writer) {
  if (request->read_stream().empty()) {
    return InvalidArgument("read_stream is required");
  }
  std::shared_ptr<const StreamState> stream =
      sessions_.FindStream(request->read_stream());
  if (stream == nullptr) {
    return grpc::Status(
        grpc::StatusCode::NOT_FOUND,
        absl::StrCat("Not found: ReadStream ", request->read_stream()));
  }
  const SessionState& session = *stream->session;
  const int64_t size = stream->rows.size();
  const int64_t offset = request->offset();
  if (offset < 0) {
    return InvalidArgument(
        absl::StrCat("offset must not be negative, got ", offset));
  }
  if (offset > size) {
    return grpc::Status(
        grpc::StatusCode::FAILED_PRECONDITION,
        absl::StrCat("offset ", offset, " is beyond the end of stream ",
                     stream->name, " (", size, " rows)"));
  }

  const StreamNames names{session.table->name, session.name, stream->name};
  const auto delay =
      std::chrono::microseconds(faults_->DelayPerResponseMicros(names));
  bqs::ReadRowsResponse response;
  response.mutable_avro_schema()->set_schema(session.avro_schema);
  response.mutable_throttle_state()->set_throttle_percent(0);
  bool first = true;
  int64_t position = offset;
  while (true) {
    // A terminating fault due at or before the end of what is left cuts the
    // next response short so that it fires after exactly `at_offset` rows.
    std::optional<PlannedFault> fault =
        faults_->Next(names, TerminatingFaults(), position, size);
    if (fault.has_value() && fault->at_offset == position) {
      if (faults_->TryFire(*fault)) {
        return FaultStatus(*fault, stream->name, position);
      }
      continue;  // another call used its last firing: plan again
    }
    if (position == size) break;
    const int64_t limit = fault.has_value() ? fault->at_offset : size;
    EncodedBlock block = cache_.BlockAt(
        session, stream->rows.begin + position, stream->rows.begin + limit);
    const int64_t rows = block.end - block.begin;

    if (std::optional<PlannedFault> stall =
            faults_->Next(names, {FaultKind::kStall}, position,
                          position + rows - 1);
        stall.has_value() && faults_->TryFire(*stall)) {
      if (!SleepUnlessCancelled(context,
                                std::chrono::milliseconds(stall->millis))) {
        return grpc::Status(grpc::StatusCode::CANCELLED,
                            "client cancelled during an injected stall");
      }
    }
    if (delay.count() > 0 && !SleepUnlessCancelled(context, delay)) {
      return grpc::Status(grpc::StatusCode::CANCELLED,
                          "client cancelled during an injected delay");
    }
    std::string corrupted;
    const std::string* payload = block.rows.get();
    if (std::optional<PlannedFault> corrupt =
            faults_->Next(names, {FaultKind::kCorruptPayload}, position,
                          position + rows - 1);
        corrupt.has_value() && faults_->TryFire(*corrupt)) {
      corrupted = *payload;
      corrupted[corrupted.size() / 2] ^= 0xFF;
      payload = &corrupted;
    }

    response.set_row_count(rows);
    auto* progress = response.mutable_stats()->mutable_progress();
    progress->set_at_response_start(static_cast<double>(position) / size);
    progress->set_at_response_end(static_cast<double>(position + rows) / size);
    if (!WriteWithPayload(writer, &response, *payload)) {
      return grpc::Status(grpc::StatusCode::CANCELLED,
                          "client went away while rows were being written");
    }
    if (first) {
      response.clear_avro_schema();  // the schema comes in the first only
      first = false;
    }
    position += rows;
  }
  return grpc::Status::OK;
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
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        absl::StrCat("Not found: ReadStream ", request->name()));
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
