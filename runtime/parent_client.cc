#include "runtime/parent_client.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "client/channel_factory.h"
#include "client/reference_reader.h"
#include "client/reference_writer.h"
#include "dataset/catalogue.h"
#include "dataset/injected_fault.h"
#include "google/cloud/bigquery/storage/v1/storage.grpc.pb.h"
#include "runtime/worker_process.h"
#include "runtime/worker_task.h"

namespace forkcheck {
namespace {

absl::StatusOr<google::cloud::bigquery::storage::v1::ReadSession> CreateSession(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& table,
    int streams, absl::Duration timeout) {
  ReaderOptions options;
  options.create_session_timeout = timeout;
  return ReferenceReader(channel, Catalogue::Default(), options)
      .CreateSession(table, streams);
}

// The write workload's check: a COMMITTED stream of `table`.
absl::Status CreateCommittedStream(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& table,
    absl::Duration timeout) {
  const auto stub =
      google::cloud::bigquery::storage::v1::BigQueryWrite::NewStub(channel);
  return CreateWriteStream(*stub, table, WriteStreamKind::kCommitted, timeout)
      .status();
}

void ReportParentCheck(const absl::Status& status,
                       const ModelContext& context) {
  context.parent->ParentCheck(static_cast<int>(status.code()),
                              std::string(status.message()));
}

}  // namespace

absl::StatusOr<google::cloud::bigquery::storage::v1::ReadSession>
CreateSessionOn(const std::shared_ptr<grpc::Channel>& channel,
                const ModelContext& context) {
  return CreateSession(channel, context.table, context.streams,
                       context.create_session_timeout);
}

absl::StatusOr<v1::WorkerTask> TaskOn(
    const std::shared_ptr<grpc::Channel>& channel,
    const ModelContext& context) {
  if (context.workload == Workload::kWrite) return WriteTask(context);
  auto session = CreateSessionOn(channel, context);
  if (!session.ok()) return session.status();
  return ReadTask(*session);
}

absl::StatusOr<v1::WorkerTask> TaskInHelper(const ModelContext& context) {
  if (context.workload == Workload::kWrite) return WriteTask(context);
  auto session = CreateSessionInHelper(context);
  if (!session.ok()) return session.status();
  return ReadTask(*session);
}

ParentChannel SetUpParentChannel(const ModelContext& context, ParentUse use) {
  ParentChannel parent;
  const bool used = use != ParentUse::kIdle;
  if (context.workload == Workload::kWrite) {
    parent.channel = NewChannel(context.target);
    parent.task = WriteTask(context);
    if (!used) return parent;
    const TableSpec* spec =
        Catalogue::Default().Find(context.parent_write_rows_of);
    if (spec == nullptr) {
      parent.task = absl::InvalidArgumentError(absl::StrCat(
          "the parent's rows are of \"", context.parent_write_rows_of,
          "\", which is not a catalogue table"));
      return parent;
    }
    const auto start_writes = [&] {
      return InFlightWrite::Start(
          parent.channel, context.parent_write_table, *spec,
          kParentAnsweredAppends,
          kParentAnsweredAppends + kParentInFlightAppends,
          context.create_session_timeout);
    };
    absl::StatusOr<std::unique_ptr<InFlightWrite>> writes = start_writes();
    // The parent's writes set the trial up, before any fork: a call the
    // fake ended on purpose (a fault script's append_* rules end every
    // stream's first) is opened once more, as the workers' writers resume
    // such a fault, so that the trial tests its workers rather than
    // failing in its set-up. Any other failure stays the parent's.
    if (!writes.ok() && IsInjectedFault(writes.status().message())) {
      writes = start_writes();
    }
    if (!writes.ok()) {
      parent.task = absl::Status(
          writes.status().code(),
          absl::StrCat("the parent's own writes: ", writes.status().message()));
      return parent;
    }
    parent.writes = *std::move(writes);
    return parent;
  }
  if (used) {
    parent.channel = NewChannel(context.target);
    parent.task = TaskOn(parent.channel, context);
  } else {
    // Before the channel exists, so the helper inherits no gRPC state.
    parent.task = TaskInHelper(context);
    parent.channel = NewChannel(context.target);
  }
  return parent;
}

absl::Status PutParentCallInFlight(ParentChannel& parent,
                                   const ModelContext& context) {
  if (parent.writes != nullptr) {
    return parent.writes->SendUnanswered(kParentInFlightAppends,
                                         context.create_session_timeout);
  }
  absl::StatusOr<std::unique_ptr<InFlightRead>> started = InFlightRead::Start(
      parent.channel, context.table, context.create_session_timeout);
  if (!started.ok()) return started.status();
  parent.in_flight_read = *std::move(started);
  return absl::OkStatus();
}

void DropParentChannel(ParentChannel& parent, const ModelContext& context) {
  if (parent.writes != nullptr) {
    parent.writes->Finish(context.parent_check_timeout);
    parent.writes.reset();
  }
  parent.channel.reset();
}

void FinishAndCheckParent(ParentChannel& parent, const ModelContext& context) {
  if (parent.in_flight_read != nullptr) {
    FinishInFlightAndCheckParent(*parent.in_flight_read, parent.channel,
                                 context);
    return;
  }
  if (parent.writes != nullptr) {
    if (const absl::Status finished =
            parent.writes->Finish(context.parent_check_timeout).status;
        !finished.ok()) {
      ReportParentCheck(finished, context);
      return;
    }
  }
  CheckParentClient(parent.channel, context);
}

absl::StatusOr<std::unique_ptr<BusyParentCall>> BusyParentCallIfAsked(
    const std::shared_ptr<grpc::Channel>& channel,
    const ModelContext& context) {
  if (!context.busy_parent_thread) return nullptr;
  return BusyParentCall::Start(channel, context.table,
                               context.create_session_timeout);
}

void CheckParentClient(const std::shared_ptr<grpc::Channel>& channel,
                       const ModelContext& context) {
  ReportParentCheck(
      context.workload == Workload::kWrite
          ? CreateCommittedStream(channel, context.parent_write_table,
                                  context.parent_check_timeout)
          : CreateSession(channel, context.table, /*streams=*/1,
                          context.parent_check_timeout)
                .status(),
      context);
}

void FinishInFlightAndCheckParent(InFlightRead& call,
                                  const std::shared_ptr<grpc::Channel>& channel,
                                  const ModelContext& context) {
  const InFlightAccount account = call.ReadToEnd(context.parent_check_timeout);
  absl::Status failure = account.status;
  if (failure.ok() && account.wrong_data()) {
    failure = absl::DataLossError(
        absl::StrCat("the parent's in-flight ReadRows delivered ",
                     account.misplaced_rows, " misplaced rows and ",
                     account.corrupt_responses, " undecodable responses"));
  }
  if (!failure.ok()) {
    ReportParentCheck(failure, context);
    return;
  }
  CheckParentClient(channel, context);
}

}  // namespace forkcheck
