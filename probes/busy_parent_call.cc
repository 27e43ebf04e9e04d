#include "probes/busy_parent_call.h"

#include <chrono>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/cloud/bigquery/storage/v1/storage.grpc.pb.h"

namespace forkcheck {
namespace {

namespace bqs = google::cloud::bigquery::storage::v1;

constexpr auto kSettle = std::chrono::milliseconds(100);

}  // namespace

absl::StatusOr<std::unique_ptr<BusyParentCall>> BusyParentCall::Start(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& table,
    absl::Duration create_session_timeout) {
  auto stub = bqs::BigQueryRead::NewStub(channel);
  bqs::CreateReadSessionRequest request;
  request.set_parent(kBusyParentProject);
  request.set_max_stream_count(1);
  request.mutable_read_session()->set_table(table);
  request.mutable_read_session()->set_data_format(bqs::DataFormat::AVRO);
  grpc::ClientContext create_context;
  create_context.set_deadline(
      std::chrono::system_clock::now() +
      absl::ToChronoMilliseconds(create_session_timeout));
  bqs::ReadSession session;
  const grpc::Status created =
      stub->CreateReadSession(&create_context, request, &session);
  if (!created.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(created.error_code()),
                        absl::StrCat("busy parent thread's session: ",
                                     created.error_message()));
  }
  if (session.streams_size() == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("busy parent thread: ", table,
                     " has no rows, so no stream to stay inside"));
  }

  std::unique_ptr<BusyParentCall> busy(new BusyParentCall());
  BusyParentCall* self = busy.get();
  busy->thread_ = std::thread(
      [self, stub = std::shared_ptr<bqs::BigQueryRead::Stub>(std::move(stub)),
       stream = session.streams(0).name()] {
        bqs::ReadRowsRequest read;
        read.set_read_stream(stream);
        auto reader = stub->ReadRows(&self->context_, read);
        bqs::ReadRowsResponse response;
        self->in_call_ = true;
        while (reader->Read(&response)) {
        }
        reader->Finish().ok();
        self->returned_ = true;
      });
  // Until its thread is in the call: on a loaded machine a new thread may
  // wait long for a CPU (a fixed wait made that a set-up error), bounded
  // as the session's creation was.
  const auto started_by = std::chrono::steady_clock::now() +
                          absl::ToChronoMilliseconds(create_session_timeout);
  while (!busy->in_call_ && !busy->returned_ &&
         std::chrono::steady_clock::now() < started_by) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (!busy->in_call_) {
    return absl::DeadlineExceededError(absl::StrCat(
        "busy parent thread: its ReadRows call did not start within ",
        absl::FormatDuration(create_session_timeout)));
  }
  std::this_thread::sleep_for(kSettle);  // into the stalled read
  if (busy->returned_) {
    return absl::FailedPreconditionError(absl::StrCat(
        "busy parent thread: its ReadRows call ended within ", kSettle.count(),
        " ms; the server must stall the streams of ", kBusyParentProject,
        " (a fault script with that target)"));
  }
  return busy;
}

BusyParentCall::~BusyParentCall() {
  context_.TryCancel();
  if (thread_.joinable()) thread_.join();
}

}  // namespace forkcheck
