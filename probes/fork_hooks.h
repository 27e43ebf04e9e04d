// How the application forks: plainly, or wrapping fork() in gRPC's own fork
// handlers, as gRPC's fork support asks of applications whose gRPC build does
// not register them with pthread_atfork (environment/ records which the build
// in hand does; if it does, the application's calls come on top of them).
#ifndef FORKCHECK_PROBES_FORK_HOOKS_H_
#define FORKCHECK_PROBES_FORK_HOOKS_H_

#include <sys/types.h>

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace forkcheck {

enum class ForkHooks {
  kNone,         // fork() and nothing else
  kApplication,  // grpc_prefork(); fork(); grpc_postfork_{parent,child}()
};

// "none", "application".
absl::string_view ForkHooksName(ForkHooks hooks);
std::optional<ForkHooks> ParseForkHooks(absl::string_view name);

// fork() with `hooks` around it. Returns what fork() returned.
pid_t ForkWithHooks(ForkHooks hooks);

}  // namespace forkcheck

#endif  // FORKCHECK_PROBES_FORK_HOOKS_H_
