#include "runtime/worker_task.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "runtime/share_reader.h"
#include "runtime/share_writer.h"

namespace forkcheck {

v1::WorkerTask ReadTask(
    const google::cloud::bigquery::storage::v1::ReadSession& session) {
  v1::WorkerTask task;
  *task.mutable_read_session() = session;
  return task;
}

v1::WorkerTask WriteTask(const ModelContext& context) {
  v1::WorkerTask task;
  v1::WriteTask* write = task.mutable_write();
  write->set_table(context.table);
  write->set_rows_of(context.write_rows_of);
  write->set_rows(context.write_rows);
  return task;
}

absl::StatusOr<v1::WorkerTask> ParseWorkerTask(const std::string& bytes,
                                               absl::string_view from) {
  v1::WorkerTask task;
  if (!task.ParseFromString(bytes)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the ", bytes.size(), " bytes from ", from, " are not a WorkerTask"));
  }
  if (task.task_case() == v1::WorkerTask::TASK_NOT_SET) {
    return absl::InvalidArgumentError(
        absl::StrCat("the WorkerTask from ", from, " asks for nothing"));
  }
  return task;
}

v1::WorkerResult RunWorkerTask(const std::shared_ptr<grpc::Channel>& channel,
                               const v1::WorkerTask& task,
                               const ShareOptions& options,
                               WorkerReporter& reporter) {
  switch (task.task_case()) {
    case v1::WorkerTask::kReadSession:
      return ReadShare(channel, task.read_session(), options, reporter);
    case v1::WorkerTask::kWrite:
      return WriteShare(channel, task.write(), options, reporter);
    case v1::WorkerTask::TASK_NOT_SET:
      break;
  }
  v1::WorkerResult result;
  SetResultStatus(absl::InternalError("the worker's task asks for nothing"),
                  &result);
  return SendResult(std::move(result), options, reporter);
}

}  // namespace forkcheck
