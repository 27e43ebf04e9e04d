#include "bench/read_rows_drain.h"

#include <chrono>
#include <memory>

#include "absl/strings/str_cat.h"

namespace forkcheck {
namespace {

namespace bqs = google::cloud::bigquery::storage::v1;

absl::Status FromGrpc(const grpc::Status& status, absl::string_view what) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrCat(what, ": ", status.error_message()));
}

}  // namespace

absl::StatusOr<DrainResult> DrainReadRows(
    bqs::BigQueryRead::StubInterface& stub, const std::string& stream,
    absl::Duration timeout) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  bqs::ReadRowsRequest request;
  request.set_read_stream(stream);
  std::unique_ptr<grpc::ClientReaderInterface<bqs::ReadRowsResponse>> reader =
      stub.ReadRows(&context, request);
  DrainResult result;
  // One message reused for every response, as a real client would, so that
  // parsing reuses the payload string's capacity.
  bqs::ReadRowsResponse response;
  bool well_formed = true;
  while (reader->Read(&response)) {
    if (!result.first_response_at.has_value()) {
      result.first_response_at = std::chrono::steady_clock::now();
    }
    if (!response.has_avro_rows()) well_formed = false;
    ++result.responses;
    result.rows += response.row_count();
    result.payload_bytes += static_cast<int64_t>(
        response.avro_rows().serialized_binary_rows().size());
  }
  grpc::Status status = reader->Finish();
  if (!status.ok()) {
    return FromGrpc(status, absl::StrCat("ReadRows(\"", stream, "\")"));
  }
  if (!well_formed) {
    return absl::DataLossError(absl::StrCat(
        "ReadRows(\"", stream, "\"): a response had no avro_rows"));
  }
  return result;
}

absl::StatusOr<std::vector<std::string>> CreateSessionStreams(
    bqs::BigQueryRead::StubInterface& stub, const std::string& table,
    int max_stream_count, absl::Duration timeout) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  bqs::CreateReadSessionRequest request;
  // "projects/{p}/datasets/..." -> "projects/{p}".
  const size_t project_end = table.find('/', table.find('/') + 1);
  request.set_parent(table.substr(0, project_end));
  request.mutable_read_session()->set_table(table);
  request.mutable_read_session()->set_data_format(bqs::AVRO);
  request.set_max_stream_count(max_stream_count);
  bqs::ReadSession session;
  grpc::Status status = stub.CreateReadSession(&context, request, &session);
  if (!status.ok()) {
    return FromGrpc(status, absl::StrCat("CreateReadSession(\"", table, "\")"));
  }
  std::vector<std::string> streams;
  for (const bqs::ReadStream& stream : session.streams()) {
    streams.push_back(stream.name());
  }
  return streams;
}

absl::StatusOr<std::string> CreateSingleStreamSession(
    bqs::BigQueryRead::StubInterface& stub, const std::string& table,
    absl::Duration timeout) {
  absl::StatusOr<std::vector<std::string>> streams =
      CreateSessionStreams(stub, table, 1, timeout);
  if (!streams.ok()) return streams.status();
  if (streams->size() != 1) {
    return absl::InternalError(absl::StrCat("CreateReadSession(\"", table,
                                            "\"): expected 1 stream, got ",
                                            streams->size()));
  }
  return streams->front();
}

}  // namespace forkcheck
