#include "fakes/bigquery_write_service.h"

#include <optional>
#include <string>
#include <vector>

#include "fakes/storage_error.h"

namespace forkcheck {

namespace bqs = google::cloud::bigquery::storage::v1;

grpc::Status BigQueryWriteService::CreateWriteStream(
    grpc::ServerContext* context, const bqs::CreateWriteStreamRequest* request,
    bqs::WriteStream* response) {
  return WithStorageErrorTrailers(
      context, store_->CreateWriteStream(request->parent(),
                                         request->write_stream(), response));
}

RawBidiReactor* BigQueryWriteService::AppendRows(
    CallbackServerContext* context) {
  return StartAppendRows(store_, faults_, &scheduler_, context);
}

grpc::Status BigQueryWriteService::GetWriteStream(
    grpc::ServerContext* context, const bqs::GetWriteStreamRequest* request,
    bqs::WriteStream* response) {
  return WithStorageErrorTrailers(
      context,
      store_->GetWriteStream(request->name(), request->view(), response));
}

grpc::Status BigQueryWriteService::FinalizeWriteStream(
    grpc::ServerContext* context,
    const bqs::FinalizeWriteStreamRequest* request,
    bqs::FinalizeWriteStreamResponse* response) {
  int64_t row_count = 0;
  grpc::Status status =
      store_->FinalizeWriteStream(request->name(), &row_count);
  if (status.ok()) response->set_row_count(row_count);
  return WithStorageErrorTrailers(context, status);
}

grpc::Status BigQueryWriteService::BatchCommitWriteStreams(
    grpc::ServerContext* context,
    const bqs::BatchCommitWriteStreamsRequest* request,
    bqs::BatchCommitWriteStreamsResponse* response) {
  const std::vector<std::string> names(request->write_streams().begin(),
                                       request->write_streams().end());
  return WithStorageErrorTrailers(
      context,
      store_->BatchCommitWriteStreams(request->parent(), names, response));
}

grpc::Status BigQueryWriteService::FlushRows(
    grpc::ServerContext* context, const bqs::FlushRowsRequest* request,
    bqs::FlushRowsResponse* response) {
  std::optional<int64_t> offset;
  if (request->has_offset()) offset = request->offset().value();
  int64_t flushed = 0;
  grpc::Status status =
      store_->FlushRows(request->write_stream(), offset, &flushed);
  if (status.ok()) response->set_offset(flushed);
  return WithStorageErrorTrailers(context, status);
}

}  // namespace forkcheck
