#include "fakes/grpc_callback_compat.h"

#include <cstdlib>
#include <string>

namespace forkcheck {

CallbackServingSupport::CallbackServingSupport() {
#ifdef FORKCHECK_GRPC_EXPERIMENTAL_CALLBACK_API
  constexpr char kPoller[] = "epoll1";
  const char* chosen = std::getenv("GRPC_POLL_STRATEGY");
  if (chosen != nullptr && *chosen != '\0' && std::string(chosen) != kPoller) {
    note_ = std::string("GRPC_POLL_STRATEGY=") + chosen +
            " replaced by epoll1: this gRPC serves callback methods only "
            "with it";
  }
  setenv("GRPC_POLL_STRATEGY", kPoller, /*overwrite=*/1);
  queue_ = std::make_unique<grpc::CompletionQueue>();
  poller_ = std::thread([queue = queue_.get()] {
    void* tag;
    bool ok;
    while (queue->Next(&tag, &ok)) {
    }  // nothing is ever queued: Next returns false once shut down
  });
#endif
}

CallbackServingSupport::~CallbackServingSupport() {
  if (queue_ == nullptr) return;
  queue_->Shutdown();
  poller_.join();
}

}  // namespace forkcheck
