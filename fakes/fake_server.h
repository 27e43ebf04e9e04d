// A running fake BigQuery Storage server: the Read and Write services on one
// gRPC server, listening on TCP, a Unix socket, or only in process.
#ifndef FORKCHECK_FAKES_FAKE_SERVER_H_
#define FORKCHECK_FAKES_FAKE_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "fakes/bigquery_read_service.h"
#include "fakes/bigquery_write_service.h"
#include "dataset/catalogue.h"
#include "fakes/fault_injector.h"
#include "fakes/write_store.h"
#include "grpcpp/grpcpp.h"

namespace forkcheck {

struct FakeServerOptions {
  // The tables served; null serves Catalogue::Default().
  std::shared_ptr<const Catalogue> catalogue;
  // A response holds at most this many rows (0: no row limit) ...
  int64_t rows_per_response = 0;
  // ... and about this many bytes of rows (0: no byte limit). At least one
  // limit must be set; bytes stay below gRPC's default 4 MiB message limit.
  int64_t bytes_per_response = 256 << 10;
  // Streams per session when a request leaves max_stream_count at 0.
  int default_stream_count = 16;
  std::vector<FaultRule> faults;
  // "127.0.0.1:0" (a kernel-chosen port), "host:port", "unix:/path", or ""
  // to serve only in-process channels.
  std::string listen_address = "127.0.0.1:0";
};

class FakeServer {
 public:
  // INVALID_ARGUMENT for bad options, UNAVAILABLE if the address cannot be
  // bound.
  static absl::StatusOr<std::unique_ptr<FakeServer>> Start(
      FakeServerOptions options);

  ~FakeServer();  // shuts down

  // Where clients connect, as a gRPC target: "127.0.0.1:PORT" or
  // "unix:/path"; empty when serving in process only.
  const std::string& address() const { return address_; }

  // A channel to this server that bypasses the network.
  std::shared_ptr<grpc::Channel> InProcessChannel();

  const Catalogue& catalogue() const { return *catalogue_; }

  // Add rules at run time; read how often each kind fired.
  FaultInjector& faults() { return faults_; }

  // Stops accepting calls and cancels those in flight after `grace_millis`.
  // Idempotent.
  void Shutdown(int grace_millis = 1000);

 private:
  FakeServer(std::shared_ptr<const Catalogue> catalogue,
             std::vector<FaultRule> faults, ReadServiceOptions options);

  std::shared_ptr<const Catalogue> catalogue_;
  FaultInjector faults_;
  WriteStore written_;  // the writable tables, shared by both services
  BigQueryReadService service_;
  BigQueryWriteService write_service_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
  bool shut_down_ = false;
};

}  // namespace forkcheck

#endif  // FORKCHECK_FAKES_FAKE_SERVER_H_
