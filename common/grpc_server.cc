#include "common/grpc_server.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace forkcheck {

absl::StatusOr<StartedServer> StartGrpcServer(
    grpc::Service* service, const std::string& listen_address) {
  constexpr absl::string_view kUnix = "unix:";
  // sockaddr_un::sun_path holds 108 bytes with the terminating NUL.
  constexpr size_t kMaxSocketPath = 107;
  const bool unix_socket = absl::StartsWith(listen_address, kUnix);
  if (unix_socket && listen_address.size() - kUnix.size() > kMaxSocketPath) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Unix socket path \"", listen_address.substr(kUnix.size()),
        "\" is longer than ", kMaxSocketPath, " bytes"));
  }
  grpc::ServerBuilder builder;
  builder.RegisterService(service);
  int port = 0;
  if (!listen_address.empty()) {
    builder.AddListeningPort(listen_address, grpc::InsecureServerCredentials(),
                             &port);
  }
  StartedServer started;
  started.server = builder.BuildAndStart();
  if (started.server == nullptr || (!listen_address.empty() && port == 0)) {
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on \"", listen_address,
        "\" (in use, not an address of this host, or a bad path?)"));
  }
  if (unix_socket) {
    started.address = listen_address;
  } else if (!listen_address.empty()) {
    // Replace the requested port (maybe 0) with the one bound.
    started.address = absl::StrCat(
        listen_address.substr(0, listen_address.rfind(':')), ":", port);
  }
  return started;
}

}  // namespace forkcheck
