// Bounded waits on a gRPC CompletionQueue, for the async calls of the fork
// suite: the waiting thread gives up at its own deadline even when gRPC (say,
// in a forked child) never completes the operation.
#ifndef FORKCHECK_PROBES_COMPLETION_QUEUE_WAIT_H_
#define FORKCHECK_PROBES_COMPLETION_QUEUE_WAIT_H_

#include "absl/time/time.h"
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

// Shuts `cq` down and drains it until `deadline`. Returns true once drained;
// only then may the queue be destroyed. False: something is still pending,
// and the caller must leak the queue (and the calls on it) instead.
bool ShutdownAndDrain(grpc::CompletionQueue& cq, absl::Time deadline);

}  // namespace forkcheck

#endif  // FORKCHECK_PROBES_COMPLETION_QUEUE_WAIT_H_
