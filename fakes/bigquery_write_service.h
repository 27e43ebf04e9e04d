// The fake BigQueryWrite service: write streams of the writable tables
// (write_store.h), appends over AppendRows, and the finalize, commit and
// flush that make rows visible to the Read service on the same server.
#ifndef FORKCHECK_FAKES_BIGQUERY_WRITE_SERVICE_H_
#define FORKCHECK_FAKES_BIGQUERY_WRITE_SERVICE_H_

#include "fakes/append_rows_reactor.h"
#include "fakes/delay_scheduler.h"
#include "fakes/fault_injector.h"
#include "fakes/grpc_callback_compat.h"
#include "fakes/write_store.h"
#include "google/cloud/bigquery/storage/v1/storage.grpc.pb.h"

namespace forkcheck {

// The unary RPCs are synchronous handlers over the store; AppendRows uses
// the callback API (append_rows_reactor.h).
class BigQueryWriteService final
    : public AppendRowsRawCallbackService<
          google::cloud::bigquery::storage::v1::BigQueryWrite::Service> {
 public:
  // `store` and `faults` must outlive the service.
  BigQueryWriteService(WriteStore* store, FaultInjector* faults)
      : store_(store), faults_(faults) {}

  grpc::Status CreateWriteStream(
      grpc::ServerContext* context,
      const google::cloud::bigquery::storage::v1::CreateWriteStreamRequest*
          request,
      google::cloud::bigquery::storage::v1::WriteStream* response) override;

  RawBidiReactor* AppendRows(CallbackServerContext* context) override;

  grpc::Status GetWriteStream(
      grpc::ServerContext* context,
      const google::cloud::bigquery::storage::v1::GetWriteStreamRequest*
          request,
      google::cloud::bigquery::storage::v1::WriteStream* response) override;

  grpc::Status FinalizeWriteStream(
      grpc::ServerContext* context,
      const google::cloud::bigquery::storage::v1::FinalizeWriteStreamRequest*
          request,
      google::cloud::bigquery::storage::v1::FinalizeWriteStreamResponse*
          response) override;

  grpc::Status BatchCommitWriteStreams(
      grpc::ServerContext* context,
      const google::cloud::bigquery::storage::v1::
          BatchCommitWriteStreamsRequest* request,
      google::cloud::bigquery::storage::v1::BatchCommitWriteStreamsResponse*
          response) override;

  grpc::Status FlushRows(
      grpc::ServerContext* context,
      const google::cloud::bigquery::storage::v1::FlushRowsRequest* request,
      google::cloud::bigquery::storage::v1::FlushRowsResponse* response)
      override;

 private:
  WriteStore* const store_;
  FaultInjector* const faults_;
  DelayScheduler scheduler_;  // injected stalls
};

}  // namespace forkcheck

#endif  // FORKCHECK_FAKES_BIGQUERY_WRITE_SERVICE_H_
