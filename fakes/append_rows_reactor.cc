#include "fakes/append_rows_reactor.h"

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/grpc_handoff.h"
#include "fakes/echo.h"
#include "fakes/fault_status.h"
#include "fakes/proto_row_decoder.h"
#include "fakes/storage_error.h"

namespace forkcheck {
namespace {

namespace bqs = google::cloud::bigquery::storage::v1;

grpc::Status InvalidArgument(const std::string& message) {
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message);
}

const std::vector<FaultKind>& RefusingFaults() {
  static const auto* kinds = new std::vector<FaultKind>{
      FaultKind::kUnavailable, FaultKind::kRstStream,
      FaultKind::kResourceExhausted, FaultKind::kAborted};
  return *kinds;
}

// At any moment exactly one operation is outstanding: a read, a write, the
// scheduled wait of a stall, or the final Finish; each completion starts the
// next, so the steps never run concurrently; only OnCancel can, and it only
// cancels the wait. gRPC runs the steps on threads of its own, ordered by
// synchronisation ThreadSanitizer cannot see, hence the hand-offs
// (common/grpc_handoff.h).
class AppendRowsReactor final : public RawBidiReactor {
 public:
  AppendRowsReactor(WriteStore* store, FaultInjector* faults,
                    DelayScheduler* scheduler, CallbackServerContext* context)
      : store_(store),
        faults_(faults),
        scheduler_(scheduler),
        context_(context) {
    // OnCancel is ordered after construction only, not after any step; &mu_
    // is the key of that path.
    GrpcHandOff(&mu_);
    Read();
  }

  void OnReadDone(bool ok) override {
    GrpcTakeBack(this);
    if (!ok) {  // the client closed its side: every request was answered
      FinishCall(grpc::Status::OK);
      return;
    }
    response_.Clear();
    stall_millis_ = 0;
    if (grpc::Status status = Handle(); !status.ok()) {
      FinishCall(status);
      return;
    }
    bool own_buffer = false;
    raw_response_.Clear();  // the previous response's write is done
    if (!grpc::SerializationTraits<bqs::AppendRowsResponse>::Serialize(
             response_, &raw_response_, &own_buffer)
             .ok()) {
      FinishCall(grpc::Status(grpc::StatusCode::INTERNAL,
                              "forkcheck fake: cannot serialize a response"));
      return;
    }
    ++answered_;
    if (stall_millis_ == 0) {
      Write();
      return;
    }
    {
      // The scheduler never runs the callback inline, so holding the lock
      // here cannot deadlock; once it is released, `this` may be gone.
      std::lock_guard<std::mutex> lock(mu_);
      if (!cancelled_) {
        pending_wait_ =
            scheduler_->Schedule(std::chrono::steady_clock::now() +
                                     std::chrono::milliseconds(stall_millis_),
                                 [this](bool fired) { OnWaitDone(fired); });
        return;
      }
    }
    FinishCall(grpc::Status(grpc::StatusCode::CANCELLED,
                            "client cancelled before an injected stall"));
  }

  void OnCancel() override {
    GrpcTakeBack(&mu_);
    uint64_t wait;
    {
      std::lock_guard<std::mutex> lock(mu_);
      cancelled_ = true;
      wait = pending_wait_;
    }
    if (wait != 0) scheduler_->Cancel(wait);  // its callback finishes the call
    GrpcHandOff(&mu_);                        // OnDone comes after OnCancel
  }

  void OnWriteDone(bool ok) override {
    GrpcTakeBack(this);
    if (!ok) {
      FinishCall(grpc::Status(grpc::StatusCode::CANCELLED,
                              "client went away before its response"));
      return;
    }
    Read();
  }

  void OnDone() override {
    GrpcTakeBack(this);
    GrpcTakeBack(&mu_);
    delete this;
  }

 private:
  void OnWaitDone(bool fired) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      pending_wait_ = 0;
    }
    if (!fired) {
      FinishCall(grpc::Status(grpc::StatusCode::CANCELLED,
                              "client cancelled during an injected stall"));
      return;
    }
    Write();
  }

  void Write() {
    GrpcHandOff(this);
    StartWrite(&raw_response_);
  }

  void Read() {
    GrpcHandOff(this);
    StartRead(&raw_request_);
  }

  void FinishCall(const grpc::Status& status) {
    GrpcHandOff(this);
    Finish(WithStorageErrorTrailers(context_, status));
  }

  // Handles raw_request_: fills response_, or returns the status that ends
  // the call.
  grpc::Status Handle() {
    const size_t size = raw_request_.Length();
    if (size > static_cast<size_t>(kMaxAppendRequestBytes)) {
      return InvalidArgument(absl::StrCat(
          "AppendRows request too large: ", size, " limit ",
          kMaxAppendRequestBytes, " Entity: ", BoundedEcho(stream_)));
    }
    bqs::AppendRowsRequest request;
    if (!grpc::SerializationTraits<bqs::AppendRowsRequest>::Deserialize(
             &raw_request_, &request)
             .ok()) {
      return InvalidArgument(absl::StrCat(
          "the request (", size, " bytes) is not a valid AppendRowsRequest"));
    }
    const bool has_schema =
        request.has_proto_rows() && request.proto_rows().has_writer_schema();
    if (!request.write_stream().empty() && request.write_stream() != stream_) {
      if (grpc::Status status =
              SwitchStream(request.write_stream(), has_schema);
          !status.ok()) {
        return status;
      }
    }
    if (stream_.empty()) {
      return InvalidArgument(
          "write_stream is required in the first request of a connection");
    }
    if (has_schema) {
      descriptor_ = request.proto_rows().writer_schema().proto_descriptor();
      if (grpc::Status status = BuildDecoder(); !status.ok()) return status;
    }
    if (decoder_ == nullptr) {
      return InvalidArgument(absl::StrCat(
          "proto_rows.writer_schema is required in the first request of a "
          "connection Entity: ",
          BoundedEcho(stream_)));
    }
    response_.set_write_stream(stream_);
    const StreamNames names{table_->name, stream_, stream_};
    while (std::optional<PlannedFault> fault =
               faults_->Next(names, RefusingFaults(), answered_, answered_,
                             FaultRpc::kAppendRows)) {
      if (!faults_->TryFire(*fault)) continue;  // used up meanwhile: replan
      const grpc::Status injected = InjectedFaultStatus(
          *fault, absl::StrCat(" on ", BoundedEcho(stream_), " after ",
                               answered_, " appends"));
      if (fault->kind != FaultKind::kAborted) return injected;
      *response_.mutable_error() = ToRpcStatus(injected);
      return grpc::Status::OK;
    }
    if (std::optional<PlannedFault> stall =
            faults_->Next(names, {FaultKind::kStall}, answered_, answered_,
                          FaultRpc::kAppendRows);
        stall.has_value() && faults_->TryFire(*stall)) {
      stall_millis_ = stall->millis;
    }
    if (!request.has_proto_rows() ||
        request.proto_rows().rows().serialized_rows_size() == 0) {
      // The real service's first sentence (Google's system tests of the
      // Node client check it).
      *response_.mutable_error() = ToRpcStatus(InvalidArgument(absl::StrCat(
          "Rows must be specified. Entity: ", BoundedEcho(stream_))));
      return grpc::Status::OK;
    }
    const auto& rows = request.proto_rows().rows().serialized_rows();
    if (!CheckRows(rows)) {
      return grpc::Status::OK;  // row errors in response_, nothing appended
    }
    std::optional<int64_t> offset;
    if (request.has_offset()) offset = request.offset().value();
    std::optional<int64_t> first_offset;
    grpc::Status appended =
        store_->Append(stream_, offset,
                       decoder_->Keep(request.mutable_proto_rows()
                                          ->mutable_rows()
                                          ->mutable_serialized_rows()),
                       &first_offset);
    if (!appended.ok()) {
      *response_.mutable_error() = ToRpcStatus(appended);
      return grpc::Status::OK;
    }
    bqs::AppendRowsResponse::AppendResult* result =
        response_.mutable_append_result();
    if (first_offset.has_value()) {
      result->mutable_offset()->set_value(*first_offset);
    }
    return grpc::Status::OK;
  }

  // A new destination. Without a new schema the connection's schema must
  // fit the new table too.
  grpc::Status SwitchStream(const std::string& name, bool has_schema) {
    AppendTarget target;
    if (grpc::Status status = store_->ResolveAppendTarget(name, &target);
        !status.ok()) {
      return status;
    }
    stream_ = name;
    const bool same_table =
        table_ != nullptr && table_->name == target.table->name;
    table_ = std::move(target.table);
    if (!same_table && !has_schema && decoder_ != nullptr) {
      return BuildDecoder();
    }
    return grpc::Status::OK;
  }

  grpc::Status BuildDecoder() {
    decoder_.reset();
    return ProtoRowDecoder::Create(descriptor_, table_, stream_, &decoder_);
  }

  // True if every row passes the decoder's checks; otherwise the first
  // kMaxRowErrors bad rows in response_.row_errors and the request's error.
  bool CheckRows(const google::protobuf::RepeatedPtrField<std::string>& rows) {
    std::string error;
    for (int i = 0;
         i < rows.size() && response_.row_errors_size() < kMaxRowErrors; ++i) {
      if (decoder_->Check(rows.Get(i), &error)) continue;
      bqs::RowError* row_error = response_.add_row_errors();
      row_error->set_index(i);
      row_error->set_code(bqs::RowError::FIELDS_ERROR);
      row_error->set_message(error);
    }
    if (response_.row_errors_size() == 0) return true;
    // The real service's message, word for word (users report it).
    *response_.mutable_error() = ToRpcStatus(InvalidArgument(absl::StrCat(
        "Errors found while processing rows. Please refer to the row_errors "
        "field for details. The list may not be complete because of the size "
        "limitations. Entity: ",
        BoundedEcho(stream_))));
    return false;
  }

  WriteStore* const store_;
  FaultInjector* const faults_;
  DelayScheduler* const scheduler_;
  CallbackServerContext* const context_;  // the call's, for its trailers
  int64_t answered_ = 0;              // requests answered on this connection
  int64_t stall_millis_ = 0;          // an injected stall before this response
  grpc::ByteBuffer raw_request_;      // being read
  bqs::AppendRowsResponse response_;  // the answer to it
  grpc::ByteBuffer raw_response_;     // response_, serialized, being written

  std::string stream_;  // the connection's destination, "" before the first
  std::shared_ptr<const TableSpec> table_;        // its columns
  google::protobuf::DescriptorProto descriptor_;  // the last writer schema
  std::unique_ptr<ProtoRowDecoder> decoder_;

  std::mutex mu_;  // guards the two below, shared with OnCancel
  bool cancelled_ = false;
  uint64_t pending_wait_ = 0;  // the scheduled stall, if any
};

}  // namespace

RawBidiReactor* StartAppendRows(WriteStore* store, FaultInjector* faults,
                                DelayScheduler* scheduler,
                                CallbackServerContext* context) {
  return new AppendRowsReactor(store, faults, scheduler, context);
}

}  // namespace forkcheck
