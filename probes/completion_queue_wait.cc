#include "probes/completion_queue_wait.h"

namespace forkcheck {

TagWait WaitForTag(grpc::CompletionQueue& cq, void* tag, absl::Time deadline) {
  while (true) {
    void* got = nullptr;
    bool ok = false;
    switch (cq.AsyncNext(&got, &ok, absl::ToChronoTime(deadline))) {
      case grpc::CompletionQueue::SHUTDOWN:
        return TagWait::kShutdown;
      case grpc::CompletionQueue::TIMEOUT:
        return TagWait::kTimedOut;
      case grpc::CompletionQueue::GOT_EVENT:
        if (got == tag) return ok ? TagWait::kOk : TagWait::kNotOk;
        break;  // not ours: keep waiting for `tag`
    }
  }
}

bool ShutdownAndDrain(grpc::CompletionQueue& cq, absl::Time deadline) {
  cq.Shutdown();
  while (true) {
    void* got = nullptr;
    bool ok = false;
    switch (cq.AsyncNext(&got, &ok, absl::ToChronoTime(deadline))) {
      case grpc::CompletionQueue::SHUTDOWN:
        return true;
      case grpc::CompletionQueue::TIMEOUT:
        return false;
      case grpc::CompletionQueue::GOT_EVENT:
        break;
    }
  }
}

}  // namespace forkcheck
