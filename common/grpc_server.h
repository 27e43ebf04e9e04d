// Starting a gRPC server the one way forkcheck does, so that every server it
// compares (the fake, the bare benchmark baseline) gets the same builder
// settings, and so that a bad listen address is a clear error.
#ifndef FORKCHECK_COMMON_GRPC_SERVER_H_
#define FORKCHECK_COMMON_GRPC_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "grpcpp/grpcpp.h"

namespace forkcheck {

struct StartedServer {
  std::unique_ptr<grpc::Server> server;
  // Where clients connect, as a gRPC target: "host:PORT" with the port bound
  // (also when 0 was asked for), "unix:/path", or empty for in-process only.
  std::string address;
};

// OK if `listen_address` is one StartGrpcServer accepts: "" (in process
// only), "host:port" with a non-empty host ("[v6]" bracketed) and a decimal
// port in 0..65535 (0: the kernel chooses), or "unix:/path" with a non-empty
// path of at most 107 bytes. Otherwise INVALID_ARGUMENT naming the address
// and what is wrong with it: gRPC itself would bind something else (a port
// modulo 65536, 443 for a missing port, an abstract socket for "unix:").
absl::Status CheckListenAddress(const std::string& listen_address);

// Serves `service` (which must outlive the server) on `listen_address` (see
// CheckListenAddress; INVALID_ARGUMENT when that fails). The port is bound
// exclusively (no SO_REUSEPORT): UNAVAILABLE if the address cannot be bound,
// also when another server, of this process or another, listens on it.
absl::StatusOr<StartedServer> StartGrpcServer(grpc::Service* service,
                                              const std::string& listen_address);

struct GrpcServerLimits {
  // The largest message the server accepts, in bytes; -1 keeps gRPC's
  // default (4 MiB). Larger messages fail with RESOURCE_EXHAUSTED before any
  // handler sees them.
  int max_receive_message_bytes = -1;
};

// The same with several services on one server (one address serves them
// all) and explicit limits.
absl::StatusOr<StartedServer> StartGrpcServer(
    const std::vector<grpc::Service*>& services,
    const std::string& listen_address, const GrpcServerLimits& limits);

}  // namespace forkcheck

#endif  // FORKCHECK_COMMON_GRPC_SERVER_H_
