#include "probes/fork_hooks.h"

#include <unistd.h>

#include "grpc/fork.h"

namespace forkcheck {

absl::string_view ForkHooksName(ForkHooks hooks) {
  return hooks == ForkHooks::kApplication ? "application" : "none";
}

std::optional<ForkHooks> ParseForkHooks(absl::string_view name) {
  if (name == "none") return ForkHooks::kNone;
  if (name == "application") return ForkHooks::kApplication;
  return std::nullopt;
}

pid_t ForkWithHooks(ForkHooks hooks) {
  if (hooks == ForkHooks::kNone) return fork();
  // Safe without gRPC initialised: the handlers return at once then. With
  // fork support disabled they log that and do nothing, which is what an
  // application doing this would see.
  grpc_prefork();
  const pid_t pid = fork();
  if (pid == 0) {
    grpc_postfork_child();
  } else {
    grpc_postfork_parent();
  }
  return pid;
}

}  // namespace forkcheck
