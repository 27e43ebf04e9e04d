#include "fakes/fake_server.h"

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/grpc_server.h"

namespace forkcheck {
namespace {

// gRPC's default limit on received messages is 4 MiB; a response must fit in
// it with room for the schema and the other fields.
constexpr int64_t kMaxBytesPerResponse = (4 << 20) - (64 << 10);

// The largest message the server receives. Above the Write API's 10 MiB
// request limit, so that a request over it reaches the service and gets the
// real service's INVALID_ARGUMENT naming its size, not gRPC's
// RESOURCE_EXHAUSTED; a request over this fails in gRPC before any handler.
constexpr int kMaxReceiveMessageBytes = 32 << 20;

absl::Status ValidateOptions(const FakeServerOptions& options) {
  if (options.rows_per_response < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "rows_per_response must not be negative, got ",
        options.rows_per_response));
  }
  if (options.bytes_per_response < 0 ||
      options.bytes_per_response > kMaxBytesPerResponse) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bytes_per_response must be in [0, ", kMaxBytesPerResponse, "], got ",
        options.bytes_per_response));
  }
  if (options.rows_per_response == 0 && options.bytes_per_response == 0) {
    return absl::InvalidArgumentError(
        "set rows_per_response or bytes_per_response (both are 0)");
  }
  if (options.default_stream_count < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "default_stream_count must be at least 1, got ",
        options.default_stream_count));
  }
  return absl::OkStatus();
}

}  // namespace

FakeServer::FakeServer(std::shared_ptr<const Catalogue> catalogue,
                       std::vector<FaultRule> faults,
                       ReadServiceOptions options)
    : catalogue_(std::move(catalogue)),
      faults_(std::move(faults)),
      written_(catalogue_.get()),
      service_(catalogue_.get(), &faults_, &written_, options),
      write_service_(&written_, &faults_) {}

absl::StatusOr<std::unique_ptr<FakeServer>> FakeServer::Start(
    FakeServerOptions options) {
  if (absl::Status status = ValidateOptions(options); !status.ok()) {
    return status;
  }
  std::shared_ptr<const Catalogue> catalogue = options.catalogue;
  if (catalogue == nullptr) {
    // Not owned: the default catalogue lives for the whole program.
    catalogue = std::shared_ptr<const Catalogue>(&Catalogue::Default(),
                                                 [](const Catalogue*) {});
  }
  ReadServiceOptions service_options;
  service_options.sizing.rows_per_response = options.rows_per_response;
  service_options.sizing.bytes_per_response = options.bytes_per_response;
  service_options.default_stream_count = options.default_stream_count;
  std::unique_ptr<FakeServer> server(new FakeServer(
      std::move(catalogue), std::move(options.faults), service_options));

  GrpcServerLimits limits;
  limits.max_receive_message_bytes = kMaxReceiveMessageBytes;
  auto started =
      StartGrpcServer({&server->service_, &server->write_service_},
                      options.listen_address, limits);
  if (!started.ok()) return started.status();
  server->server_ = std::move(started->server);
  server->address_ = std::move(started->address);
  return server;
}

FakeServer::~FakeServer() { Shutdown(); }

std::shared_ptr<grpc::Channel> FakeServer::InProcessChannel() {
  return server_->InProcessChannel(grpc::ChannelArguments());
}

void FakeServer::Shutdown(int grace_millis) {
  if (shut_down_ || server_ == nullptr) return;  // done, or never started
  shut_down_ = true;
  server_->Shutdown(std::chrono::system_clock::now() +
                    std::chrono::milliseconds(grace_millis));
  server_->Wait();
}

}  // namespace forkcheck
