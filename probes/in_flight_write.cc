#include "probes/in_flight_write.h"

#include <algorithm>
#include <deque>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/cloud/bigquery/storage/v1/storage.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/completion_queue.h"
#include "probes/held_call.h"

namespace forkcheck {

namespace bqs = google::cloud::bigquery::storage::v1;

// Destroyed in reverse order: its own members, then the base's.
struct InFlightWrite::Call : HeldCallBase {
  std::unique_ptr<bqs::BigQueryWrite::Stub> stub;
  std::unique_ptr<grpc::ClientAsyncReaderWriter<bqs::AppendRowsRequest,
                                                bqs::AppendRowsResponse>>
      stream;
  bqs::AppendRowsRequest request;  // the one being sent
  bqs::AppendRowsResponse response;
  std::deque<int64_t> owed;      // rows of each append sent and not answered
  bool ended_by_server = false;  // a Read found the call ended
};

InFlightWrite::InFlightWrite(const TableSpec& spec, std::string stream,
                             int max_appends)
    : builder_(spec, 0,
               std::min<int64_t>(spec.row_count,
                                 int64_t{max_appends} * kRowsPerAppend),
               kRowsPerAppend, /*max_request_bytes=*/8 << 20),
      stream_(std::move(stream)),
      call_(std::make_unique<Call>()) {}

absl::StatusOr<std::unique_ptr<InFlightWrite>> InFlightWrite::Start(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& table,
    const TableSpec& spec, int answered, int max_appends,
    absl::Duration timeout) {
  if (answered < 0 || max_appends < answered) {
    return absl::InvalidArgumentError(
        absl::StrCat("in-flight write: ", answered,
                     " answered appends of at most ", max_appends));
  }
  std::unique_ptr<InFlightWrite> write(new InFlightWrite(
      spec, absl::StrCat(table, "/streams/_default"), max_appends));
  Call& call = *write->call_;
  call.stub = bqs::BigQueryWrite::NewStub(channel);
  call.stream = call.stub->PrepareAsyncAppendRows(&call.context, &call.cq);
  bool cancelled = false;
  const absl::Time deadline = absl::Now() + timeout;
  if (write->Await([&call](void* tag) { call.stream->StartCall(tag); },
                   deadline, &cancelled) != Step::kOk ||
      cancelled) {
    return absl::DeadlineExceededError(
        absl::StrCat("in-flight write: AppendRows on ", write->stream_,
                     " did not start within ", absl::FormatDuration(timeout)));
  }
  for (int i = 0; i < answered; ++i) {
    if (!write->SendAppend(deadline, &cancelled) ||
        !write->ReadAnswer(deadline, &cancelled)) {
      // A call the server ended: its own status says why (a fault the fake
      // injected carries its marker, dataset/injected_fault.h). Otherwise
      // the destructor cancels and collects the call (or leaks it).
      const absl::Status failed =
          write->call_->ended_by_server
              ? write->Finish(std::max(deadline - absl::Now(),
                                       absl::ZeroDuration()))
                    .status
              : write->account_.status;
      return absl::Status(
          failed.code(), absl::StrCat("in-flight write, append ", i + 1, " of ",
                                      answered, ": ", failed.message()));
    }
  }
  return write;
}

InFlightWrite::~InFlightWrite() {
  Call* call = call_.get();
  ReleaseHeld(call_, ended_,
              [call](void* tag) { call->stream->Finish(&call->status, tag); });
}

InFlightWrite::Step InFlightWrite::Await(
    const std::function<void(void*)>& issue, absl::Time deadline,
    bool* cancelled) {
  return AwaitHeld(call_, issue, deadline, cancelled);
}

bool InFlightWrite::SendAppend(absl::Time deadline, bool* cancelled) {
  Call* call = call_.get();
  call->request = builder_.Build(account_.rows_sent, /*with_offset=*/false,
                                 account_.appends_sent == 0, stream_);
  const int64_t rows = call->request.proto_rows().rows().serialized_rows_size();
  if (rows == 0) {
    account_.status = absl::FailedPreconditionError(
        absl::StrCat("no rows left to append after ", account_.rows_sent));
    return false;
  }
  const Step step =
      Await([call](void* tag) { call->stream->Write(call->request, tag); },
            deadline, cancelled);
  if (step != Step::kOk || *cancelled) {
    account_.status = absl::UnavailableError(
        absl::StrCat("append ", account_.appends_sent + 1, " to ", stream_,
                     *cancelled ? " was not sent in time" : " was not sent"));
    return false;
  }
  ++account_.appends_sent;
  account_.rows_sent += rows;
  call->owed.push_back(rows);
  return true;
}

bool InFlightWrite::ReadAnswer(absl::Time deadline, bool* cancelled) {
  Call* call = call_.get();
  const Step step =
      Await([call](void* tag) { call->stream->Read(&call->response, tag); },
            deadline, cancelled);
  if (step == Step::kNotOk) call->ended_by_server = !*cancelled;
  if (step != Step::kOk || *cancelled) {
    account_.status = absl::UnavailableError(absl::StrCat(
        "no answer to append ", account_.appends_answered + 1, " of ", stream_,
        *cancelled ? " in time" : ": the call ended"));
    return false;
  }
  const int64_t rows = call->owed.front();
  call->owed.pop_front();
  ++account_.appends_answered;
  const bqs::AppendRowsResponse& response = call->response;
  if (response.row_errors_size() > 0) {
    account_.status = absl::InvalidArgumentError(absl::StrCat(
        "append ", account_.appends_answered, ": ", response.row_errors_size(),
        " row errors, the first: ", response.row_errors(0).message()));
    return false;
  }
  if (response.has_error()) {
    account_.status =
        absl::Status(static_cast<absl::StatusCode>(response.error().code()),
                     absl::StrCat("append ", account_.appends_answered, ": ",
                                  response.error().message()));
    return false;
  }
  account_.rows_acknowledged += rows;
  return true;
}

absl::Status InFlightWrite::SendUnanswered(int appends,
                                           absl::Duration timeout) {
  if (ended_ || call_ == nullptr) {
    return absl::FailedPreconditionError("the in-flight write has ended");
  }
  bool cancelled = false;
  const absl::Time deadline = absl::Now() + timeout;
  for (int i = 0; i < appends; ++i) {
    if (!SendAppend(deadline, &cancelled)) return account_.status;
  }
  return absl::OkStatus();
}

InFlightWriteAccount InFlightWrite::Finish(absl::Duration timeout) {
  if (ended_ || call_ == nullptr) return account_;
  bool cancelled = false;
  const absl::Time deadline = absl::Now() + timeout;
  bool answered = true;
  while (answered && call_ != nullptr && !call_->owed.empty()) {
    answered = ReadAnswer(deadline, &cancelled);
  }
  if (answered && call_ != nullptr) {
    Call* call = call_.get();
    Await([call](void* tag) { call->stream->WritesDone(tag); }, deadline,
          &cancelled);
  } else if (call_ != nullptr && !call_->ended_by_server) {
    call_->context.TryCancel();  // an error answer, or none in time
  }
  Step step = Step::kAbandoned;
  if (call_ != nullptr) {
    Call* call = call_.get();
    step =
        Await([call](void* tag) { call->stream->Finish(&call->status, tag); },
              cancelled ? absl::Now() + kAsyncGrace : deadline, &cancelled);
  }
  ended_ = true;
  if (step == Step::kAbandoned) {
    account_.status = absl::DeadlineExceededError(
        absl::StrCat("the parent's AppendRows on ", stream_,
                     " did not end within ", absl::FormatDuration(timeout),
                     ", nor after a cancel (the call is abandoned)"));
  } else if (cancelled) {
    account_.status = absl::DeadlineExceededError(absl::StrCat(
        "the parent's AppendRows on ", stream_, " did not end within ",
        absl::FormatDuration(timeout), " and was cancelled after ",
        account_.appends_answered, " of ", account_.appends_sent,
        " answers (status then: ", HeldCallStatus(*call_).ToString(), ")"));
  } else if (!answered && !call_->ended_by_server) {
    // An answer's error: account_.status already says which.
  } else if (!call_->status.ok()) {
    const absl::Status status = HeldCallStatus(*call_);
    account_.status = absl::Status(
        status.code(),
        absl::StrCat("the parent's AppendRows on ", stream_, " after ",
                     account_.appends_answered, " of ", account_.appends_sent,
                     " answers: ", status.message()));
  } else if (account_.appends_answered != account_.appends_sent) {
    account_.status = absl::DataLossError(
        absl::StrCat("the parent's AppendRows on ", stream_, " ended OK with ",
                     account_.appends_answered, " of ", account_.appends_sent,
                     " appends answered"));
  } else {
    account_.status = absl::OkStatus();
  }
  return account_;
}

}  // namespace forkcheck
