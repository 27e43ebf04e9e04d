#include "fakes/read_rows_reactor.h"

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/grpc_handoff.h"
#include "fakes/echo.h"
#include "fakes/fault_status.h"
#include "google/cloud/bigquery/storage/v1/storage.pb.h"
#include "google/protobuf/io/coded_stream.h"

namespace forkcheck {
namespace {

namespace bqs = google::cloud::bigquery::storage::v1;

// Wire-format tags: ReadRowsResponse.avro_rows (field 3) and
// AvroRows.serialized_binary_rows (field 1), both length-delimited.
constexpr char kAvroRowsTag = (3 << 3) | 2;
constexpr char kSerializedBinaryRowsTag = (1 << 3) | 2;

// Protobuf's base-128 varint, appended to `out`.
void AppendVarint(uint64_t value, std::string* out) {
  uint8_t bytes[10];
  const uint8_t* end =
      google::protobuf::io::CodedOutputStream::WriteVarint64ToArray(value,
                                                                    bytes);
  out->append(reinterpret_cast<const char*>(bytes), end - bytes);
}

// A slice that keeps `rows` alive, without copying it, until gRPC is done.
grpc::Slice BorrowedSlice(std::shared_ptr<const std::string> rows) {
  auto* owner = new std::shared_ptr<const std::string>(std::move(rows));
  char* const data = const_cast<char*>((*owner)->data());
  const size_t size = (*owner)->size();
  // After this thread's last use of `owner` (the two reads above): gRPC
  // destroys the slice on a thread of its own, and TSan once saw those
  // reads race with its delete when they followed the hand-off.
  GrpcHandOff(owner);
  return grpc::Slice(
      data, size,
      [](void* user_data) {
        GrpcTakeBack(user_data);
        delete static_cast<std::shared_ptr<const std::string>*>(user_data);
      },
      owner);
}

const std::vector<FaultKind>& TerminatingFaults() {
  static const auto* kinds = new std::vector<FaultKind>{
      FaultKind::kUnavailable, FaultKind::kRstStream,
      FaultKind::kResourceExhausted};
  return *kinds;
}

class FinishingReactor final : public RawWriteReactor {
 public:
  explicit FinishingReactor(const grpc::Status& status) {
    GrpcHandOff(this);
    Finish(status);
  }
  void OnDone() override {
    GrpcTakeBack(this);
    delete this;
  }
};

// At any moment exactly one of these is outstanding: a write, the scheduled
// wait of a stall or delay, or the final Finish. Each completion takes the
// next step, so the steps of one call never run concurrently; only OnCancel
// can, and it only cancels the wait. gRPC runs the steps on threads of its
// own, ordered by synchronisation ThreadSanitizer cannot see: each step hands
// the reactor off before StartWrite or Finish and takes it back when its
// completion runs (common/grpc_handoff.h).
class ReadRowsReactor final : public RawWriteReactor {
 public:
  ReadRowsReactor(std::shared_ptr<const StreamState> stream, int64_t offset,
                  FaultInjector* faults, ResponseCache* cache,
                  DelayScheduler* scheduler)
      : stream_(std::move(stream)),
        names_{stream_->session->table->name, stream_->session->name,
               stream_->name},
        size_(stream_->rows.size()),
        position_(offset),
        faults_(faults),
        cache_(cache),
        projection_(cache->ProjectionFor(*stream_->session)),
        scheduler_(scheduler),
        delay_(faults_->DelayPerResponseMicros(names_)) {
    header_.mutable_avro_schema()->set_schema(stream_->session->avro_schema);
    header_.mutable_throttle_state()->set_throttle_percent(0);
    // OnCancel is ordered after construction only, not after any step; &mu_
    // is the key of that path.
    GrpcHandOff(&mu_);
    NextStep();
  }

  void OnWriteDone(bool ok) override {
    GrpcTakeBack(this);
    if (!ok) {
      FinishCall(
          grpc::Status(grpc::StatusCode::CANCELLED,
                       "client went away while rows were being written"));
      return;
    }
    position_ += block_.end - block_.begin;
    NextStep();
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
    // OnDone comes after OnCancel.
    GrpcHandOff(&mu_);
  }

  void OnDone() override {
    GrpcTakeBack(this);
    GrpcTakeBack(&mu_);
    delete this;
  }

 private:
  // Every Finish of this call: the reactor goes to gRPC, whose OnDone
  // deletes it.
  void FinishCall(const grpc::Status& status) {
    GrpcHandOff(this);
    Finish(status);
  }

  // Decides what happens at position_: a terminating fault, the end, or the
  // next block (after any stall and delay).
  void NextStep() {
    std::optional<PlannedFault> fault;
    while (true) {
      fault = faults_->Next(names_, TerminatingFaults(), position_, size_);
      if (!fault.has_value() || fault->at_offset != position_) break;
      if (faults_->TryFire(*fault)) {
        FinishCall(InjectedFaultStatus(
            *fault,
            absl::StrCat(" on ", BoundedEcho(stream_->name), " at offset ",
                         position_)));
        return;
      }
      // Another call used the rule's last firing: plan again.
    }
    if (position_ == size_) {
      FinishCall(grpc::Status::OK);
      return;
    }
    // A terminating fault ahead cuts this block short, so that it fires
    // after exactly `at_offset` rows.
    const int64_t limit = fault.has_value() ? fault->at_offset : size_;
    block_ = cache_->BlockAt(*projection_, *stream_->session,
                             stream_->rows.begin + position_,
                             stream_->rows.begin + limit);
    const int64_t last = position_ + (block_.end - block_.begin) - 1;

    std::chrono::microseconds wait = delay_;
    if (std::optional<PlannedFault> stall =
            faults_->Next(names_, {FaultKind::kStall}, position_, last);
        stall.has_value() && faults_->TryFire(*stall)) {
      wait += std::chrono::milliseconds(stall->millis);
    }
    if (std::optional<PlannedFault> corrupt =
            faults_->Next(names_, {FaultKind::kCorruptPayload}, position_,
                          last);
        corrupt.has_value() && faults_->TryFire(*corrupt)) {
      auto corrupted = std::make_shared<std::string>(*block_.rows);
      (*corrupted)[corrupted->size() / 2] ^= 0xFF;
      block_.rows = std::move(corrupted);
    }
    if (wait.count() == 0) {
      Send();
      return;
    }
    {
      // The scheduler never runs the callback inline, so holding the lock
      // here cannot deadlock; once it is released, `this` may be gone.
      std::lock_guard<std::mutex> lock(mu_);
      if (!cancelled_) {
        pending_wait_ = scheduler_->Schedule(
            std::chrono::steady_clock::now() + wait,
            [this](bool fired) { OnWaitDone(fired); });
        return;
      }
    }
    // Finish outside the lock: OnDone may delete this as soon as it runs.
    FinishCall(grpc::Status(grpc::StatusCode::CANCELLED,
                            "client cancelled before an injected wait"));
  }

  void OnWaitDone(bool fired) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      pending_wait_ = 0;
    }
    if (!fired) {
      FinishCall(grpc::Status(grpc::StatusCode::CANCELLED,
                              "client cancelled during an injected wait"));
      return;
    }
    Send();
  }

  // Writes block_ as one ReadRowsResponse: the small fields serialized here,
  // then the avro_rows field whose payload is the cached block itself
  // (protobuf parsers accept fields in any order).
  void Send() {
    const int64_t rows = block_.end - block_.begin;
    header_.set_row_count(rows);
    auto* progress = header_.mutable_stats()->mutable_progress();
    progress->set_at_response_start(static_cast<double>(position_) / size_);
    progress->set_at_response_end(static_cast<double>(position_ + rows) /
                                  size_);
    std::string prefix = header_.SerializeAsString();
    const size_t payload = block_.rows->size();
    prefix.push_back(kAvroRowsTag);
    AppendVarint(
        1 +
            google::protobuf::io::CodedOutputStream::VarintSize64(payload) +
            payload,
        &prefix);
    prefix.push_back(kSerializedBinaryRowsTag);
    AppendVarint(payload, &prefix);
    grpc::Slice slices[] = {grpc::Slice(prefix), BorrowedSlice(block_.rows)};
    buffer_ = grpc::ByteBuffer(slices, 2);
    header_.clear_avro_schema();  // the schema comes in the first only
    GrpcHandOff(this);
    StartWrite(&buffer_);
  }

  const std::shared_ptr<const StreamState> stream_;
  const StreamNames names_;  // views into *stream_
  const int64_t size_;
  int64_t position_;
  FaultInjector* const faults_;
  ResponseCache* const cache_;
  const std::shared_ptr<ResponseCache::Projection> projection_;
  DelayScheduler* const scheduler_;
  const std::chrono::microseconds delay_;

  bqs::ReadRowsResponse header_;  // every field but avro_rows
  EncodedBlock block_;            // being written or waited for
  grpc::ByteBuffer buffer_;       // must live until OnWriteDone

  std::mutex mu_;  // guards the two below, shared with OnCancel
  bool cancelled_ = false;
  uint64_t pending_wait_ = 0;  // the scheduled wait, if any
};

}  // namespace

RawWriteReactor* StartReadRows(std::shared_ptr<const StreamState> stream,
                               int64_t offset, FaultInjector* faults,
                               ResponseCache* cache,
                               DelayScheduler* scheduler) {
  return new ReadRowsReactor(std::move(stream), offset, faults, cache,
                             scheduler);
}

RawWriteReactor* FinishReadRows(const grpc::Status& status) {
  return new FinishingReactor(status);
}

}  // namespace forkcheck
