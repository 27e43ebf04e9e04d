// A worker's task, whatever the model: read its share of a session's
// streams (share_reader.h) or write its share of the rows
// (share_writer.h). Every way a parent starts workers (threads, forked
// children, spawned processes, a fork server's children) takes one
// v1::WorkerTask (protos/forkcheck/worker_task.proto), so a spawned worker
// or a fork server's receives it as bytes.
#ifndef FORKCHECK_RUNTIME_WORKER_TASK_H_
#define FORKCHECK_RUNTIME_WORKER_TASK_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "forkcheck/worker.pb.h"
#include "forkcheck/worker_task.pb.h"
#include "framing/worker_reporter.h"
#include "google/cloud/bigquery/storage/v1/stream.pb.h"
#include "grpcpp/channel.h"
#include "runtime/model.h"
#include "runtime/worker_report.h"

namespace forkcheck {

// Read every worker's share of `session`.
v1::WorkerTask ReadTask(
    const google::cloud::bigquery::storage::v1::ReadSession& session);

// Write context.write_rows rows of context.write_rows_of to context.table,
// each worker its share.
v1::WorkerTask WriteTask(const ModelContext& context);

// `bytes` (a serialized WorkerTask, received from `from`, e.g. "fd 5") as a
// task: INVALID_ARGUMENT naming `from` if they do not parse or ask for
// nothing.
absl::StatusOr<v1::WorkerTask> ParseWorkerTask(const std::string& bytes,
                                               absl::string_view from);

// In a worker that has sent PHASE_STARTED and whose `channel` now exists:
// ReadShare or WriteShare, as `task` says. Returns the result it sent.
v1::WorkerResult RunWorkerTask(const std::shared_ptr<grpc::Channel>& channel,
                               const v1::WorkerTask& task,
                               const ShareOptions& options,
                               WorkerReporter& reporter);

}  // namespace forkcheck

#endif  // FORKCHECK_RUNTIME_WORKER_TASK_H_
