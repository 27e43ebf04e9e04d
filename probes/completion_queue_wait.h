// Bounded waits on a gRPC CompletionQueue, for the async calls of the fork
// suite: the waiting thread gives up at its own deadline even when gRPC (say,
// in a forked child) never completes the operation.
#ifndef FORKCHECK_PROBES_COMPLETION_QUEUE_WAIT_H_
#define FORKCHECK_PROBES_COMPLETION_QUEUE_WAIT_H_

#include <functional>

#include "absl/time/time.h"
#include "grpcpp/client_context.h"
#include "grpcpp/completion_queue.h"

namespace forkcheck {

enum class TagWait {
  kOk,        // `tag` completed with ok = true
  kNotOk,     // `tag` completed with ok = false (e.g. no more messages)
  kTimedOut,  // `deadline` passed: the operation is still pending
  kShutdown,  // the queue is shut down and drained
};

// Waits until `tag` completes on `cq` or `deadline` passes. Completions of
// other tags are skipped (callers keep one operation pending at a time).
TagWait WaitForTag(grpc::CompletionQueue& cq, void* tag, absl::Time deadline);

enum class AwaitedOp {
  kOk,         // the operation completed with ok = true
  kNotOk,      // it completed with ok = false
  kAbandoned,  // it did not complete, even after a cancel
};

// Issues one operation of a call (`issue` gets `tag`) and waits for it on
// `cq` until `deadline`; if that passes, cancels the call (`context`), sets
// *cancelled and waits `grace` more. kAbandoned: the operation is still
// pending, so the caller must leak the call rather than destroy it.
AwaitedOp AwaitOperation(grpc::CompletionQueue& cq,
                         grpc::ClientContext& context, void* tag,
                         const std::function<void(void*)>& issue,
                         absl::Time deadline, absl::Duration grace,
                         bool* cancelled);

// Shuts `cq` down and drains it until `deadline`. Returns true once drained;
// only then may the queue be destroyed. False: something is still pending,
// and the caller must leak the queue (and the calls on it) instead.
bool ShutdownAndDrain(grpc::CompletionQueue& cq, absl::Time deadline);

}  // namespace forkcheck

#endif  // FORKCHECK_PROBES_COMPLETION_QUEUE_WAIT_H_
