#include "bench/bare_write_server.h"

#include <chrono>
#include <utility>

#include "common/grpc_handoff.h"
#include "common/grpc_server.h"
#include "fakes/grpc_callback_compat.h"
#include "google/cloud/bigquery/storage/v1/storage.grpc.pb.h"

namespace forkcheck {
namespace {

namespace bqs = google::cloud::bigquery::storage::v1;

// The fake's receive limit (fakes/fake_server.cc): requests up to 32 MiB
// reach the handler, so both servers accept the same requests.
constexpr int kMaxReceiveMessageBytes = 32 << 20;

// One connection: read a request, write the prebuilt answer, read the next.
// As in the fake's reactor, exactly one operation is outstanding at a time,
// so the steps never run concurrently; the hand-offs tell ThreadSanitizer.
class BareAppendRowsReactor final : public RawBidiReactor {
 public:
  explicit BareAppendRowsReactor(const grpc::ByteBuffer& response)
      : response_(response) {  // shares the slices, copies no byte
    Read();
  }

  void OnReadDone(bool ok) override {
    GrpcTakeBack(this);
    if (!ok) {  // the client closed its side: every request was answered
      GrpcHandOff(this);
      Finish(grpc::Status::OK);
      return;
    }
    request_.Clear();  // never parsed: that is the point of the baseline
    GrpcHandOff(this);
    StartWrite(&response_);
  }

  void OnWriteDone(bool ok) override {
    GrpcTakeBack(this);
    if (!ok) {
      GrpcHandOff(this);
      Finish(grpc::Status(grpc::StatusCode::CANCELLED,
                          "client went away before its response"));
      return;
    }
    Read();
  }

  void OnDone() override {
    GrpcTakeBack(this);
    delete this;
  }

 private:
  void Read() {
    GrpcHandOff(this);
    StartRead(&request_);
  }

  grpc::ByteBuffer request_;
  const grpc::ByteBuffer response_;
};

class BareWriteService final
    : public AppendRowsRawCallbackService<bqs::BigQueryWrite::Service> {
 public:
  explicit BareWriteService(grpc::ByteBuffer response)
      : response_(std::move(response)) {}

  RawBidiReactor* AppendRows(CallbackServerContext* /*context*/) override {
    return new BareAppendRowsReactor(response_);
  }

 private:
  const grpc::ByteBuffer response_;  // read-only: shared by every call
};

}  // namespace

absl::StatusOr<std::unique_ptr<BareWriteServer>> BareWriteServer::Start(
    const std::string& listen_address, const std::string& write_stream) {
  bqs::AppendRowsResponse response;
  response.set_write_stream(write_stream);
  response.mutable_append_result();
  grpc::ByteBuffer serialized;
  bool own_buffer = false;
  if (!grpc::SerializationTraits<bqs::AppendRowsResponse>::Serialize(
           response, &serialized, &own_buffer)
           .ok()) {
    return absl::InternalError("cannot serialize the bare AppendRowsResponse");
  }
  std::unique_ptr<BareWriteServer> server(new BareWriteServer());
  server->service_ = std::make_unique<BareWriteService>(std::move(serialized));
  GrpcServerLimits limits;
  limits.max_receive_message_bytes = kMaxReceiveMessageBytes;
  absl::StatusOr<StartedServer> started =
      StartGrpcServer({server->service_.get()}, listen_address, limits);
  if (!started.ok()) return started.status();
  server->server_ = std::move(started->server);
  server->address_ = std::move(started->address);
  return server;
}

BareWriteServer::~BareWriteServer() {
  if (server_ == nullptr) return;
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  server_->Wait();
}

std::shared_ptr<grpc::Channel> BareWriteServer::InProcessChannel() {
  return server_->InProcessChannel(grpc::ChannelArguments());
}

}  // namespace forkcheck
