#include "fakes/grpc_callback_compat.h"

#include <cstdlib>
#include <string>

namespace forkcheck {

std::string SelectPollerForCallbackApi() {
#ifdef GRPC_CALLBACK_API_NONEXPERIMENTAL
  constexpr char kPoller[] = "epoll1";
  const char* chosen = std::getenv("GRPC_POLL_STRATEGY");
  const std::string previous = chosen == nullptr ? "" : chosen;
  if (previous == kPoller) return "";
  setenv("GRPC_POLL_STRATEGY", kPoller, /*overwrite=*/1);
  if (previous.empty()) return "";
  return "GRPC_POLL_STRATEGY=" + previous +
         " replaced by epoll1: this gRPC serves callback methods only with it";
#else
  return "";
#endif
}

}  // namespace forkcheck
