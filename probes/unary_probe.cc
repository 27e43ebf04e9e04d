#include "probes/unary_probe.h"

#include "absl/strings/str_cat.h"
#include "google/cloud/bigquery/storage/v1/storage.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/completion_queue.h"
#include "probes/completion_queue_wait.h"

namespace forkcheck {
namespace {

namespace bqs = google::cloud::bigquery::storage::v1;

absl::Status ToAbsl(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

// Everything an async call touches, on the heap so that an abandoned call
// can be leaked whole. Destroyed in reverse order: reader, context, queue.
struct AsyncUnary {
  grpc::CompletionQueue cq;
  grpc::ClientContext context;
  bqs::ReadSession response;
  grpc::Status status;
  std::unique_ptr<grpc::ClientAsyncResponseReader<bqs::ReadSession>> reader;
};

absl::StatusOr<bqs::ReadSession> CallAsync(
    bqs::BigQueryRead::Stub& stub, const bqs::CreateReadSessionRequest& request,
    absl::Duration timeout) {
  auto call = std::make_unique<AsyncUnary>();
  call->context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  call->reader =
      stub.AsyncCreateReadSession(&call->context, request, &call->cq);
  void* const tag = call.get();
  call->reader->Finish(&call->response, &call->status, tag);
  TagWait waited =
      WaitForTag(call->cq, tag, absl::Now() + timeout + kAsyncGrace);
  // gRPC's own deadline did not end the call (as in a child whose timers
  // died with the fork): this thread's cancel did.
  const bool cancelled = waited == TagWait::kTimedOut;
  if (cancelled) {
    call->context.TryCancel();
    waited = WaitForTag(call->cq, tag, absl::Now() + kAsyncGrace);
    if (waited == TagWait::kTimedOut) {
      call.release();  // still pending: destroying it would be worse
      return absl::DeadlineExceededError(
          absl::StrCat("async CreateReadSession: no completion within ",
                       absl::FormatDuration(timeout + kAsyncGrace),
                       ", nor after a cancel (the call is abandoned)"));
    }
  }
  if (!ShutdownAndDrain(call->cq, absl::Now() + kAsyncGrace)) {
    call.release();
    return absl::InternalError(
        "async CreateReadSession: its completion queue did not drain");
  }
  if (waited != TagWait::kOk) {
    return absl::InternalError(
        "async CreateReadSession: Finish completed with ok = false");
  }
  if (cancelled) {
    return absl::DeadlineExceededError(absl::StrCat(
        "async CreateReadSession: no completion within ",
        absl::FormatDuration(timeout + kAsyncGrace),
        " (its deadline: ", absl::FormatDuration(timeout),
        "); cancelled, it ended with ", ToAbsl(call->status).ToString()));
  }
  if (!call->status.ok()) return ToAbsl(call->status);
  return std::move(call->response);
}

}  // namespace

absl::string_view CallApiName(CallApi api) {
  return api == CallApi::kAsync ? "async" : "blocking";
}

absl::StatusOr<bqs::ReadSession> OneStreamSession(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& table,
    CallApi api, absl::Duration timeout) {
  const size_t datasets = table.find("/datasets/");
  if (table.rfind("projects/", 0) != 0 || datasets == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "table \"", table,
        "\": expected projects/{project}/datasets/{dataset}/tables/{table}"));
  }
  bqs::CreateReadSessionRequest request;
  request.set_parent(table.substr(0, datasets));
  request.set_max_stream_count(1);
  request.mutable_read_session()->set_table(table);
  request.mutable_read_session()->set_data_format(bqs::DataFormat::AVRO);

  std::unique_ptr<bqs::BigQueryRead::Stub> stub =
      bqs::BigQueryRead::NewStub(channel);
  if (api == CallApi::kAsync) return CallAsync(*stub, request, timeout);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  bqs::ReadSession response;
  const grpc::Status status =
      stub->CreateReadSession(&context, request, &response);
  if (!status.ok()) return ToAbsl(status);
  return response;
}

}  // namespace forkcheck
