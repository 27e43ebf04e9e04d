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

AwaitedOp AwaitOperation(grpc::CompletionQueue& cq,
                         grpc::ClientContext& context, void* tag,
                         const std::function<void(void*)>& issue,
                         absl::Time deadline, absl::Duration grace,
                         bool* cancelled) {
  issue(tag);
  TagWait waited = WaitForTag(cq, tag, deadline);
  if (waited == TagWait::kTimedOut) {
    *cancelled = true;
    context.TryCancel();
    waited = WaitForTag(cq, tag, absl::Now() + grace);
  }
  switch (waited) {
    case TagWait::kOk:
      return AwaitedOp::kOk;
    case TagWait::kNotOk:
      return AwaitedOp::kNotOk;
    case TagWait::kTimedOut:
    case TagWait::kShutdown:
      break;
  }
  return AwaitedOp::kAbandoned;
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
