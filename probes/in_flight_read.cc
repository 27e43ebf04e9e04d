#include "probes/in_flight_read.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "dataset/catalogue.h"
#include "google/cloud/bigquery/storage/v1/storage.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/completion_queue.h"
#include "probes/held_call.h"
#include "probes/unary_probe.h"

namespace forkcheck {

namespace bqs = google::cloud::bigquery::storage::v1;

// Destroyed in reverse order: response, reader, stub, then the base's.
struct InFlightRead::Call : HeldCallBase {
  std::unique_ptr<bqs::BigQueryRead::Stub> stub;
  std::unique_ptr<grpc::ClientAsyncReader<bqs::ReadRowsResponse>> reader;
  bqs::ReadRowsResponse response;
};

InFlightRead::InFlightRead(std::string stream, int64_t expected_rows,
                           AvroRowDecoder decoder)
    : stream_(std::move(stream)),
      expected_rows_(expected_rows),
      decoder_(std::move(decoder)),
      call_(std::make_unique<Call>()) {}

absl::StatusOr<std::unique_ptr<InFlightRead>> InFlightRead::Start(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& table,
    absl::Duration timeout) {
  const TableSpec* spec = Catalogue::Default().Find(table);
  if (spec == nullptr) {
    return absl::NotFoundError(absl::StrCat("in-flight read: table \"", table,
                                            "\" is not in the catalogue"));
  }
  absl::StatusOr<bqs::ReadSession> session =
      OneStreamSession(channel, table, CallApi::kBlocking, timeout);
  if (!session.ok()) {
    return absl::Status(
        session.status().code(),
        absl::StrCat("in-flight read's session: ", session.status().message()));
  }
  if (session->streams_size() != 1) {
    return absl::FailedPreconditionError(
        absl::StrCat("in-flight read: the session of \"", table, "\" has ",
                     session->streams_size(), " streams, not 1"));
  }
  absl::StatusOr<AvroRowDecoder> decoder =
      AvroRowDecoder::Create(session->avro_schema().schema());
  if (!decoder.ok()) {
    return absl::InternalError(
        absl::StrCat("in-flight read: the session's Avro schema: ",
                     decoder.status().message()));
  }
  std::unique_ptr<InFlightRead> read(new InFlightRead(
      session->streams(0).name(), spec->row_count, *std::move(decoder)));

  Call& call = *read->call_;
  call.stub = bqs::BigQueryRead::NewStub(channel);
  bqs::ReadRowsRequest request;
  request.set_read_stream(read->stream_);
  call.reader =
      call.stub->PrepareAsyncReadRows(&call.context, request, &call.cq);
  bool cancelled = false;
  Step step = read->Await([&call](void* tag) { call.reader->StartCall(tag); },
                          absl::Now() + timeout, &cancelled);
  if (step == Step::kOk) {
    step = read->Await(
        [&call](void* tag) { call.reader->Read(&call.response, tag); },
        absl::Now() + timeout, &cancelled);
  }
  if (step == Step::kOk && !cancelled) {
    read->CountResponse();
    return read;
  }
  // The destructor cancels and collects the call (or leaks it).
  if (step == Step::kNotOk && !cancelled) {
    return absl::UnavailableError(
        absl::StrCat("in-flight read: ReadRows of ", read->stream_,
                     " ended before its first response"));
  }
  return absl::DeadlineExceededError(
      absl::StrCat("in-flight read: no first response of ", read->stream_,
                   " within ", absl::FormatDuration(timeout),
                   step == Step::kAbandoned ? " (the call is abandoned)" : ""));
}

InFlightRead::~InFlightRead() {
  Call* call = call_.get();
  ReleaseHeld(call_, ended_,
              [call](void* tag) { call->reader->Finish(&call->status, tag); });
}

InFlightRead::Step InFlightRead::Await(const std::function<void(void*)>& issue,
                                       absl::Time deadline, bool* cancelled) {
  return AwaitHeld(call_, issue, deadline, cancelled);
}

void InFlightRead::CountResponse() {
  const bqs::ReadRowsResponse& response = call_->response;
  ++account_.responses;
  int64_t next = account_.rows;
  account_.rows += response.row_count();
  const absl::Status decoded =
      decoder_.Decode(response.avro_rows().serialized_binary_rows(),
                      response.row_count(), [this, &next](const Row& row) {
                        if (row.empty() || row[0].int_value != next)
                          ++account_.misplaced_rows;
                        ++next;
                      });
  if (!decoded.ok()) ++account_.corrupt_responses;
}

InFlightAccount InFlightRead::ReadToEnd(absl::Duration timeout) {
  if (ended_ || call_ == nullptr) return account_;
  bool cancelled = false;
  absl::Time deadline = absl::Now() + timeout;
  Step step = Step::kOk;
  while (true) {
    Call* call = call_.get();
    step =
        Await([call](void* tag) { call->reader->Read(&call->response, tag); },
              deadline, &cancelled);
    if (step != Step::kOk) break;
    if (cancelled) {
      deadline = std::min(deadline, absl::Now() + kAsyncGrace);
    }
    CountResponse();
  }
  if (step == Step::kNotOk) {
    Call* call = call_.get();
    step =
        Await([call](void* tag) { call->reader->Finish(&call->status, tag); },
              cancelled ? absl::Now() + kAsyncGrace : deadline, &cancelled);
  }
  ended_ = true;
  if (step == Step::kAbandoned) {
    account_.status = absl::DeadlineExceededError(
        absl::StrCat("the in-flight ReadRows of ", stream_,
                     " did not end within ", absl::FormatDuration(timeout),
                     ", nor after a cancel (the call is abandoned)"));
  } else {
    account_.status = EndStatus(cancelled, timeout);
  }
  return account_;
}

absl::Status InFlightRead::EndStatus(bool cancelled,
                                     absl::Duration timeout) const {
  if (cancelled) {
    return absl::DeadlineExceededError(absl::StrCat(
        "the in-flight ReadRows of ", stream_, " did not end within ",
        absl::FormatDuration(timeout), " and was cancelled after ",
        account_.rows,
        " rows (status then: ", HeldCallStatus(*call_).ToString(), ")"));
  }
  if (!call_->status.ok()) {
    const absl::Status status = HeldCallStatus(*call_);
    return absl::Status(
        status.code(),
        absl::StrCat("the in-flight ReadRows of ", stream_, " after ",
                     account_.rows, " rows: ", status.message()));
  }
  if (account_.rows != expected_rows_) {
    return absl::DataLossError(
        absl::StrCat("the in-flight ReadRows of ", stream_, " ended OK after ",
                     account_.rows, " rows; the stream has ", expected_rows_));
  }
  return absl::OkStatus();
}

}  // namespace forkcheck
