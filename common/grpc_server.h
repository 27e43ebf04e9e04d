// Starting a gRPC server the one way forkcheck does, so that every server it
// compares (the fake, the bare benchmark baseline) gets the same builder
// settings, and so that a bad listen address is a clear error.
#ifndef FORKCHECK_COMMON_GRPC_SERVER_H_
#define FORKCHECK_COMMON_GRPC_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/grpcpp.h"

namespace forkcheck {

struct StartedServer {
  std::unique_ptr<grpc::Server> server;
  // Where clients connect, as a gRPC target: "host:PORT" with the port bound
  // (also when 0 was asked for), "unix:/path", or empty for in-process only.
  std::string address;
};

// Serves `service` (which must outlive the server) on `listen_address`:
// "host:port" (port 0: the kernel chooses), "unix:/path", or "" for
// in-process channels only. INVALID_ARGUMENT for a Unix socket path longer
// than the kernel allows; UNAVAILABLE if the address cannot be bound.
absl::StatusOr<StartedServer> StartGrpcServer(grpc::Service* service,
                                              const std::string& listen_address);

}  // namespace forkcheck

#endif  // FORKCHECK_COMMON_GRPC_SERVER_H_
