// One ReadRows call of the fake, served with gRPC's callback API.
//
// Responses go out as raw ByteBuffers whose row payload is a slice borrowed
// from the shared ResponseCache, not a copy: a synchronous handler would have
// to copy every payload into a ReadRowsResponse before gRPC serialized it
// (copying it again), and those copies made the fake measurably slower than a
// bare gRPC loop (bench/README.md). Injected stalls and delays wait in a
// DelayScheduler instead of a sleeping thread, and end when the client
// cancels.
#ifndef FORKCHECK_FAKES_READ_ROWS_REACTOR_H_
#define FORKCHECK_FAKES_READ_ROWS_REACTOR_H_

#include <memory>

#include "fakes/delay_scheduler.h"
#include "fakes/fault_injector.h"
#include "fakes/grpc_callback_compat.h"
#include "fakes/response_cache.h"
#include "fakes/session_store.h"
#include "grpcpp/grpcpp.h"

namespace forkcheck {

// Starts serving `stream` from `offset` (already validated: 0 <= offset <=
// the stream's row count). The reactor deletes itself when the call is done;
// `faults`, `cache` and `scheduler` must outlive every call (the server's
// Shutdown waits for them).
RawWriteReactor* StartReadRows(std::shared_ptr<const StreamState> stream,
                               int64_t offset, FaultInjector* faults,
                               ResponseCache* cache, DelayScheduler* scheduler);

// A reactor that only finishes the call with `status`.
RawWriteReactor* FinishReadRows(const grpc::Status& status);

}  // namespace forkcheck

#endif  // FORKCHECK_FAKES_READ_ROWS_REACTOR_H_
