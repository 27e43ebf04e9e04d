// Prints what ProbeGrpcBuild finds, one `key: value` line per fact, for
// people and CI logs. Exit 0, or 1 (with the error on stderr) if gRPC reports
// no version.
#include <iostream>

#include "environment/grpc_build_info.h"

int main() {
  absl::StatusOr<forkcheck::GrpcBuildInfo> info = forkcheck::ProbeGrpcBuild();
  if (!info.ok()) {
    std::cerr << "print_grpc_build_info: " << info.status() << "\n";
    return 1;
  }
  std::cout << "grpc_cpp_version: " << info->cpp_version << "\n"
            << "grpc_core_version: " << info->core_version << "\n"
            << "expectations_key: " << forkcheck::MajorMinor(info->cpp_version)
            << "\n"
            << "libgrpc_path: "
            << (info->library_path.empty() ? "(static)" : info->library_path)
            << "\n"
            << "atfork_registration: "
            << forkcheck::AtforkRegistrationName(info->atfork) << "\n"
            << "atfork_evidence: " << info->evidence << "\n"
            << "GRPC_ENABLE_FORK_SUPPORT: " << info->fork_support_env << "\n"
            << "GRPC_POLL_STRATEGY: " << info->poll_strategy_env << "\n";
  return 0;
}
