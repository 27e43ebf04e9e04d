// What a call held open across a fork on the CompletionQueue API needs,
// whatever it streams (InFlightRead, InFlightWrite): its queue and context,
// a backstop deadline, operations each bounded by the waiting thread, and a
// release that collects the call, or leaks it when gRPC does not let go.
#ifndef FORKCHECK_PROBES_HELD_CALL_H_
#define FORKCHECK_PROBES_HELD_CALL_H_

#include <functional>
#include <memory>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/client_context.h"
#include "grpcpp/completion_queue.h"
#include "grpcpp/support/status.h"
#include "probes/completion_queue_wait.h"
#include "probes/unary_probe.h"

namespace forkcheck {

// The call's own deadline: a backstop only; the holder's waits bound what
// its caller sees.
inline constexpr absl::Duration kHeldCallLifetime = absl::Minutes(5);

// The parts every held call has; a holder's Call adds its stub and stream
// (destroyed before these).
struct HeldCallBase {
  HeldCallBase() {
    context.set_deadline(absl::ToChronoTime(absl::Now() + kHeldCallLifetime));
  }
  grpc::CompletionQueue cq;
  grpc::ClientContext context;
  grpc::Status status;  // Finish's
};

inline absl::Status HeldCallStatus(const HeldCallBase& call) {
  return absl::Status(static_cast<absl::StatusCode>(call.status.error_code()),
                      call.status.error_message());
}

// One operation of `*call` (`issue` gets its tag), as AwaitOperation with
// kAsyncGrace; kAbandoned leaks the call (`call` is then null).
template <typename Call>
AwaitedOp AwaitHeld(std::unique_ptr<Call>& call,
                    const std::function<void(void*)>& issue,
                    absl::Time deadline, bool* cancelled) {
  const AwaitedOp step =
      AwaitOperation(call->cq, call->context, call.get(), issue, deadline,
                     kAsyncGrace, cancelled);
  if (step == AwaitedOp::kAbandoned) {
    call.release();  // the operation is still pending on it
  }
  return step;
}

// For the holder's destructor: a call not yet ended is cancelled and its
// status collected (`finish` issues Finish; no other operation may be
// pending); then the queue is shut down and drained. What gRPC does not
// complete within kAsyncGrace is leaked rather than destroyed.
template <typename Call>
void ReleaseHeld(std::unique_ptr<Call>& call, bool ended,
                 const std::function<void(void*)>& finish) {
  if (call == nullptr) return;  // abandoned
  if (!ended) {
    call->context.TryCancel();
    bool cancelled = false;
    if (AwaitHeld(call, finish, absl::Now() + kAsyncGrace, &cancelled) ==
        AwaitedOp::kAbandoned) {
      return;
    }
  }
  if (!ShutdownAndDrain(call->cq, absl::Now() + kAsyncGrace)) {
    call.release();  // something is still pending: leak, don't destroy
  }
}

}  // namespace forkcheck

#endif  // FORKCHECK_PROBES_HELD_CALL_H_
