// The baseline for the fake's Write service: a BigQueryWrite server whose
// AppendRows answers every request with one prebuilt response without
// parsing the request (no decoding, no schema, no store), on a grpc::Server
// built as FakeServer builds its own (same builder calls, same 32 MiB
// receive limit).
#ifndef FORKCHECK_BENCH_BARE_WRITE_SERVER_H_
#define FORKCHECK_BENCH_BARE_WRITE_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/grpcpp.h"

namespace forkcheck {

class BareWriteServer {
 public:
  // Answers each AppendRows request, in order, with an AppendRowsResponse
  // holding an empty append_result and `write_stream` (what the fake answers
  // a successful append on a _default stream). Listens on `listen_address`
  // as FakeServerOptions::listen_address does; INVALID_ARGUMENT for a bad
  // address, UNAVAILABLE if it cannot be bound.
  static absl::StatusOr<std::unique_ptr<BareWriteServer>> Start(
      const std::string& listen_address, const std::string& write_stream);

  ~BareWriteServer();  // shuts down, cancelling calls still in flight

  // "127.0.0.1:PORT" or "unix:/path"; empty when serving in process only.
  const std::string& address() const { return address_; }

  // A channel to this server that bypasses the network.
  std::shared_ptr<grpc::Channel> InProcessChannel();

 private:
  BareWriteServer() = default;

  std::unique_ptr<grpc::Service> service_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
};

}  // namespace forkcheck

#endif  // FORKCHECK_BENCH_BARE_WRITE_SERVER_H_
