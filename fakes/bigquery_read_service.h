// The fake BigQueryRead service: sessions, streams, offsets, splits and
// injected faults over the synthetic tables of a Catalogue.
#ifndef FORKCHECK_FAKES_BIGQUERY_READ_SERVICE_H_
#define FORKCHECK_FAKES_BIGQUERY_READ_SERVICE_H_

#include <memory>

#include "dataset/catalogue.h"
#include "fakes/delay_scheduler.h"
#include "fakes/fault_injector.h"
#include "fakes/grpc_callback_compat.h"
#include "fakes/response_cache.h"
#include "fakes/session_store.h"
#include "fakes/write_store.h"
#include "google/cloud/bigquery/storage/v1/storage.grpc.pb.h"

namespace forkcheck {

struct ReadServiceOptions {
  ResponseSizing sizing;
  // Streams per session when the request leaves max_stream_count at 0.
  int default_stream_count = 16;
};

// CreateReadSession and SplitReadStream are synchronous handlers; ReadRows
// uses the callback API with raw buffers (see read_rows_reactor.h).
class BigQueryReadService final
    : public ReadRowsRawCallbackService<
          google::cloud::bigquery::storage::v1::BigQueryRead::Service> {
 public:
  // `catalogue`, `faults` and `written` must outlive the service. Tables
  // named in the writable dataset are read from `written` (write_store.h).
  BigQueryReadService(const Catalogue* catalogue, FaultInjector* faults,
                      WriteStore* written, ReadServiceOptions options);

  grpc::Status CreateReadSession(
      grpc::ServerContext* context,
      const google::cloud::bigquery::storage::v1::CreateReadSessionRequest*
          request,
      google::cloud::bigquery::storage::v1::ReadSession* response) override;

  RawWriteReactor* ReadRows(CallbackServerContext* context,
                            const grpc::ByteBuffer* request) override;

  grpc::Status SplitReadStream(
      grpc::ServerContext* context,
      const google::cloud::bigquery::storage::v1::SplitReadStreamRequest*
          request,
      google::cloud::bigquery::storage::v1::SplitReadStreamResponse* response)
      override;

 private:
  const Catalogue* const catalogue_;
  FaultInjector* const faults_;
  WriteStore* const written_;
  const ReadServiceOptions options_;
  SessionStore sessions_;
  ResponseCache cache_;
  DelayScheduler scheduler_;  // injected stalls and delays
};

}  // namespace forkcheck

#endif  // FORKCHECK_FAKES_BIGQUERY_READ_SERVICE_H_
