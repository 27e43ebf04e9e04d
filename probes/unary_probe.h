// The fork suite's unary call: CreateReadSession of a one-stream session of
// a table, made with the blocking stub or with the CompletionQueue API.
#ifndef FORKCHECK_PROBES_UNARY_PROBE_H_
#define FORKCHECK_PROBES_UNARY_PROBE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/cloud/bigquery/storage/v1/stream.pb.h"
#include "grpcpp/channel.h"

namespace forkcheck {

enum class CallApi { kBlocking, kAsync };

absl::string_view CallApiName(CallApi api);  // "blocking", "async"

// How long an async call may overrun its own deadline before this thread
// stops waiting for it, and then how long it waits for the cancellation.
inline constexpr absl::Duration kAsyncGrace = absl::Seconds(1);

// Creates an AVRO read session of `table` ("projects/p/datasets/d/tables/t")
// with max_stream_count 1 on `channel`, `timeout` being the call's deadline.
// kBlocking: the generated stub's blocking call (which waits as long as gRPC
// does: a gRPC that never fires the deadline hangs it, for the supervisor's
// watchdog to see). kAsync: this thread waits on a CompletionQueue for at
// most `timeout` + kAsyncGrace, then cancels the call and waits kAsyncGrace
// more. Either way the result is then DEADLINE_EXCEEDED (saying how the
// cancelled call ended); a call still pending is abandoned (leaked, since
// gRPC forbids destroying it). gRPC errors keep their code and message.
absl::StatusOr<google::cloud::bigquery::storage::v1::ReadSession>
OneStreamSession(const std::shared_ptr<grpc::Channel>& channel,
                 const std::string& table, CallApi api, absl::Duration timeout);

}  // namespace forkcheck

#endif  // FORKCHECK_PROBES_UNARY_PROBE_H_
