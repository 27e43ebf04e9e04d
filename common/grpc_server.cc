#include "common/grpc_server.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace forkcheck {
namespace {

constexpr absl::string_view kUnix = "unix:";
// sockaddr_un::sun_path holds 108 bytes with the terminating NUL.
constexpr size_t kMaxSocketPath = 107;

absl::Status BadAddress(const std::string& listen_address,
                        absl::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat("listen address \"", listen_address, "\": ", problem,
                   " (expected host:port, e.g. 127.0.0.1:0, or unix:/path)"));
}

}  // namespace

absl::Status CheckListenAddress(const std::string& listen_address) {
  if (listen_address.empty()) return absl::OkStatus();
  if (absl::StartsWith(listen_address, kUnix)) {
    const absl::string_view path =
        absl::string_view(listen_address).substr(kUnix.size());
    if (path.empty()) return BadAddress(listen_address, "the path is empty");
    if (path.size() > kMaxSocketPath) {
      return absl::InvalidArgumentError(absl::StrCat("Unix socket path \"",
                                                     path, "\" is longer than ",
                                                     kMaxSocketPath, " bytes"));
    }
    return absl::OkStatus();
  }
  const size_t colon = listen_address.rfind(':');
  if (colon == std::string::npos) {
    return BadAddress(listen_address, "no port");
  }
  const absl::string_view host =
      absl::string_view(listen_address).substr(0, colon);
  const absl::string_view port =
      absl::string_view(listen_address).substr(colon + 1);
  if (host.empty()) {
    return BadAddress(listen_address,
                      "the host is empty (0.0.0.0 or [::] for every "
                      "interface)");
  }
  if (absl::StrContains(host, ':') &&
      !(absl::StartsWith(host, "[") && absl::EndsWith(host, "]"))) {
    return BadAddress(listen_address,
                      "an IPv6 host must be in brackets, e.g. [::1]:0");
  }
  if (port.empty()) return BadAddress(listen_address, "no port");
  int port_number = -1;
  const bool all_digits = std::all_of(
      port.begin(), port.end(), [](char c) { return absl::ascii_isdigit(c); });
  if (!all_digits || port.size() > 5 || !absl::SimpleAtoi(port, &port_number) ||
      port_number > 65535) {
    return BadAddress(
        listen_address,
        absl::StrCat("port \"", port, "\" is not a number in 0..65535"));
  }
  return absl::OkStatus();
}

absl::StatusOr<StartedServer> StartGrpcServer(
    grpc::Service* service, const std::string& listen_address) {
  return StartGrpcServer(std::vector<grpc::Service*>{service}, listen_address,
                         GrpcServerLimits());
}

absl::StatusOr<StartedServer> StartGrpcServer(
    const std::vector<grpc::Service*>& services,
    const std::string& listen_address, const GrpcServerLimits& limits) {
  if (absl::Status valid = CheckListenAddress(listen_address); !valid.ok()) {
    return valid;
  }
  grpc::ServerBuilder builder;
  // gRPC sets SO_REUSEPORT by default, so a second server on a port another
  // one listens on would bind it too and the kernel would split connections
  // between them (two fakes with different tables or faults). Off, the
  // second bind fails with EADDRINUSE.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  for (grpc::Service* service : services) builder.RegisterService(service);
  if (limits.max_receive_message_bytes != -1) {
    builder.SetMaxReceiveMessageSize(limits.max_receive_message_bytes);
  }
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
  if (absl::StartsWith(listen_address, kUnix)) {
    started.address = listen_address;
  } else if (!listen_address.empty()) {
    // Replace the requested port (maybe 0) with the one bound.
    started.address = absl::StrCat(
        listen_address.substr(0, listen_address.rfind(':')), ":", port);
  }
  return started;
}

}  // namespace forkcheck
