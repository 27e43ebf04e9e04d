#include "environment/grpc_build_info.h"

#include <grpc/grpc.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <cstdlib>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "environment/elf_dynamic_symbols.h"
#include "environment/loaded_objects.h"

namespace forkcheck {
namespace {

// What a library calling pthread_atfork imports: the function itself, or,
// with glibc >= 2.34, __register_atfork (pthread_atfork is then linked into
// the library from libc_nonshared.a).
constexpr absl::string_view kAtforkImports[] = {"pthread_atfork",
                                                "__register_atfork"};

absl::string_view Basename(absl::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == absl::string_view::npos ? path : path.substr(slash + 1);
}

// gRPC core's shared object: libgrpc.so[.N] or libgrpc_unsecure.so[.N], not
// libgrpc++ (the C++ layer, which does not register fork handlers).
bool IsLibgrpc(absl::string_view path) {
  const absl::string_view name = Basename(path);
  return absl::StartsWith(name, "libgrpc.so") ||
         absl::StartsWith(name, "libgrpc_unsecure.so");
}

// The loaded libgrpc, or "" if there is none (gRPC linked statically).
std::string LoadedLibgrpcPath() {
  // Where grpc_init's code lives is the library in use, even if several
  // are loaded. In a non-PIE executable &grpc_init may be a PLT stub in the
  // executable itself, hence the scan as a fallback.
  const std::string containing =
      ObjectContaining(reinterpret_cast<const void*>(&grpc_init));
  if (IsLibgrpc(containing)) return containing;
  for (const std::string& path : LoadedObjectPaths()) {
    if (IsLibgrpc(path)) return path;
  }
  return "";
}

std::string EnvOrUnset(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "unset" : value;
}

}  // namespace

std::string AtforkRegistrationName(AtforkRegistration registration) {
  switch (registration) {
    case AtforkRegistration::kRegisters:
      return "registers";
    case AtforkRegistration::kDoesNotRegister:
      return "does_not_register";
    case AtforkRegistration::kUnknown:
      break;
  }
  return "unknown";
}

AtforkFinding FindAtforkRegistration(const std::string& library_path) {
  AtforkFinding finding;
  if (library_path.empty()) {
    finding.evidence =
        "no shared libgrpc is loaded (gRPC linked statically?), so there are "
        "no imports to read";
    return finding;
  }
  const absl::string_view name = Basename(library_path);
  absl::StatusOr<std::vector<std::string>> imports =
      UndefinedDynamicSymbols(library_path);
  if (!imports.ok()) {
    finding.evidence = absl::StrCat("cannot read the dynamic symbols of ", name,
                                    ": ", imports.status().message());
    return finding;
  }
  std::vector<absl::string_view> found;
  for (absl::string_view wanted : kAtforkImports) {
    if (std::find(imports->begin(), imports->end(), wanted) != imports->end()) {
      found.push_back(wanted);
    }
  }
  if (!found.empty()) {
    finding.registration = AtforkRegistration::kRegisters;
    finding.evidence =
        absl::StrCat(name, " imports ", absl::StrJoin(found, " and "),
                     ", so it registers fork handlers with pthread_atfork "
                     "(when fork support is enabled at grpc_init)");
  } else {
    finding.registration = AtforkRegistration::kDoesNotRegister;
    finding.evidence = absl::StrCat(
        name, " imports neither pthread_atfork nor __register_atfork (",
        imports->size(), " undefined dynamic symbols read)");
  }
  return finding;
}

absl::StatusOr<GrpcBuildInfo> ProbeGrpcBuild() {
  GrpcBuildInfo info;
  info.cpp_version = grpc::Version();
  const char* core_version = grpc_version_string();
  if (core_version != nullptr) info.core_version = core_version;
  if (info.cpp_version.empty() && info.core_version.empty()) {
    return absl::InternalError(
        "gRPC reports no version: neither grpc::Version() nor "
        "grpc_version_string() returned one");
  }
  info.library_path = LoadedLibgrpcPath();
  AtforkFinding atfork = FindAtforkRegistration(info.library_path);
  info.atfork = atfork.registration;
  info.evidence = std::move(atfork.evidence);
  info.fork_support_env = EnvOrUnset("GRPC_ENABLE_FORK_SUPPORT");
  info.poll_strategy_env = EnvOrUnset("GRPC_POLL_STRATEGY");
  return info;
}

std::string MajorMinor(absl::string_view version) {
  const size_t first_dot = version.find('.');
  if (first_dot == absl::string_view::npos) return std::string(version);
  size_t end = first_dot + 1;
  // The minor number: its digits only, so "1.51-pre1" gives "1.51".
  while (end < version.size() && version[end] >= '0' && version[end] <= '9') {
    ++end;
  }
  if (end == first_dot + 1) end = first_dot;  // "1." or "1.x": major only
  return std::string(version.substr(0, end));
}

}  // namespace forkcheck
