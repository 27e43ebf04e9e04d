// One AppendRows connection of the fake, served with gRPC's callback API.
//
// It reads and writes raw messages and (de)serializes them itself: so the
// 10 MiB limit applies to the bytes received, before any parsing, and gRPC
// never writes into a message of ours on a thread of its own (which
// ThreadSanitizer, blind to Debian's gRPC, would report as a race).
//
// Requests are handled one at a time, in order, each answered by exactly one
// response before the next is read (gRPC buffers what the client pipelines
// meanwhile), so responses come in request order as the real service
// promises. What a connection remembers: its stream (named by the first
// request, or a later one that switches streams) and its writer schema (sent
// first, and whenever it changes).
//
// Errors in one append (offsets, a finalized stream, rows that fail the
// schema, a request with no rows) are answered in AppendRowsResponse.error
// and the connection goes on. Errors that leave nothing to append to (no
// stream or schema yet, an unknown table or stream, a schema that does not
// build or does not fit the table, a request over the 10 MiB limit) end the
// call with that status, as the real service does (its StorageErrors also
// in the trailer, storage_error.h).
//
// Injected faults (fault_injector.h, rpc append_rows) hit the request that
// follows `after_appends` answered ones: a terminating fault ends the call
// before the request is applied, aborted refuses it in-band, a stall delays
// its response (the rows are appended: an acknowledgement that comes late).
// Stalls wait in a DelayScheduler and end when the client cancels.
#ifndef FORKCHECK_FAKES_APPEND_ROWS_REACTOR_H_
#define FORKCHECK_FAKES_APPEND_ROWS_REACTOR_H_

#include <cstdint>

#include "fakes/delay_scheduler.h"
#include "fakes/fault_injector.h"
#include "fakes/grpc_callback_compat.h"
#include "fakes/write_store.h"

namespace forkcheck {

// The real service's limit on one AppendRowsRequest: 10 MiB ("AppendRows
// request too large: N limit 10485760").
inline constexpr int64_t kMaxAppendRequestBytes = 10 << 20;

// At most this many row errors answer one request; checking stops there.
// The real service's message says the list "may not be complete because of
// the size limitations" (its cap is not documented). Without one, 200,000
// one-byte bad rows (600 KB) made an 11.6 MB answer, past a client's 4 MiB
// default receive limit: RESOURCE_EXHAUSTED instead of the row errors.
inline constexpr int kMaxRowErrors = 100;

// Starts serving one connection. The reactor deletes itself when the call
// is done; `store`, `faults` and `scheduler` must outlive every call (the
// server's Shutdown waits for them). `context` is the call's.
RawBidiReactor* StartAppendRows(WriteStore* store, FaultInjector* faults,
                                DelayScheduler* scheduler,
                                CallbackServerContext* context);

}  // namespace forkcheck

#endif  // FORKCHECK_FAKES_APPEND_ROWS_REACTOR_H_
