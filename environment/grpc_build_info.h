// Facts about the gRPC build this process runs against, for reports: a
// reader compares versions, and whether the build itself installs gRPC's
// fork handlers explains many fork outcomes.
#ifndef FORKCHECK_ENVIRONMENT_GRPC_BUILD_INFO_H_
#define FORKCHECK_ENVIRONMENT_GRPC_BUILD_INFO_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace forkcheck {

// Whether libgrpc can register grpc_prefork / grpc_postfork_parent /
// grpc_postfork_child with pthread_atfork. Builds compiled with
// GRPC_POSIX_FORK_ALLOW_PTHREAD_ATFORK do (grpcio's Python wheels); Debian's
// CMake build does not, so there a program must call them itself. Even a
// registering build registers only if fork support is enabled when gRPC
// initialises (GRPC_ENABLE_FORK_SUPPORT).
enum class AtforkRegistration { kRegisters, kDoesNotRegister, kUnknown };

// "registers", "does_not_register", "unknown".
std::string AtforkRegistrationName(AtforkRegistration registration);

struct AtforkFinding {
  AtforkRegistration registration = AtforkRegistration::kUnknown;
  // One sentence saying how it was decided, e.g. "libgrpc.so.29 imports
  // __register_atfork".
  std::string evidence;
};

// Decides from the undefined dynamic symbols of the libgrpc file at
// `library_path`: importing pthread_atfork or __register_atfork (what
// pthread_atfork becomes with glibc >= 2.34, which links it statically from
// libc_nonshared.a) means kRegisters, importing neither kDoesNotRegister.
// "" (gRPC linked statically) or an unreadable file: kUnknown.
AtforkFinding FindAtforkRegistration(const std::string& library_path);

struct GrpcBuildInfo {
  std::string cpp_version;   // grpc::Version(), e.g. "1.51.1"
  std::string core_version;  // grpc_version_string(), e.g. "29.0.0"
  // The loaded libgrpc as the loader names it, e.g.
  // "/lib/x86_64-linux-gnu/libgrpc.so.29"; "" if gRPC is linked statically.
  std::string library_path;
  AtforkRegistration atfork = AtforkRegistration::kUnknown;
  std::string evidence;  // how `atfork` was decided, one sentence
  // The environment at probe time; "unset" if a variable is not set.
  std::string fork_support_env;   // GRPC_ENABLE_FORK_SUPPORT
  std::string poll_strategy_env;  // GRPC_POLL_STRATEGY
};

// Probes the gRPC build linked into this process. Never crashes and needs no
// grpc_init(): what it cannot find out it reports as unknown, saying why. An
// error only if gRPC reports no version at all.
absl::StatusOr<GrpcBuildInfo> ProbeGrpcBuild();

// "1.51" from "1.51.1" (and from "1.51.0-pre1", "1.51"): the key under which
// expectations are filed. A version without a dot comes back whole.
std::string MajorMinor(absl::string_view version);

}  // namespace forkcheck

#endif  // FORKCHECK_ENVIRONMENT_GRPC_BUILD_INFO_H_
