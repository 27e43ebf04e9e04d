#include "client/reference_writer.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/append_builder.h"
#include "dataset/injected_fault.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/sync_stream.h"

namespace forkcheck {

namespace bqs = ::google::cloud::bigquery::storage::v1;

namespace {

absl::Status ToAbsl(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

absl::Status ToAbsl(const google::rpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.code()),
                      status.message());
}

bqs::WriteStream::Type StreamType(WriteStreamKind kind) {
  switch (kind) {
    case WriteStreamKind::kPending:
      return bqs::WriteStream::PENDING;
    case WriteStreamKind::kBuffered:
      return bqs::WriteStream::BUFFERED;
    case WriteStreamKind::kCommitted:
    case WriteStreamKind::kDefault:
      break;
  }
  return bqs::WriteStream::COMMITTED;
}

}  // namespace

absl::StatusOr<std::string> CreateWriteStream(
    bqs::BigQueryWrite::StubInterface& stub, const std::string& table,
    WriteStreamKind kind, absl::Duration timeout) {
  bqs::CreateWriteStreamRequest request;
  request.set_parent(table);
  request.mutable_write_stream()->set_type(StreamType(kind));
  bqs::WriteStream stream;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  const grpc::Status status =
      stub.CreateWriteStream(&context, request, &stream);
  if (!status.ok()) {
    return absl::Status(ToAbsl(status).code(),
                        absl::StrCat("CreateWriteStream on ", table, ": ",
                                     status.error_message()));
  }
  return stream.name();
}

namespace {

// In-band errors a writer retries on a new call, as the retry policy
// allows; any other in-band error ends the write.
bool IsTransient(absl::StatusCode code) {
  return code == absl::StatusCode::kAborted ||
         code == absl::StatusCode::kUnavailable ||
         code == absl::StatusCode::kResourceExhausted;
}

// A call's answers, read on a thread of their own: over an in-process
// channel a send completes only when the server takes the message, and the
// server may not take the next one before its answer to the last is read,
// so one thread that sends a window before reading waits forever.
class AnswerReader {
 public:
  using Call =
      grpc::ClientReaderWriter<bqs::AppendRowsRequest, bqs::AppendRowsResponse>;
  explicit AnswerReader(Call* call)
      : thread_([this, call] {
          bqs::AppendRowsResponse answer;
          while (call->Read(&answer)) {
            std::lock_guard<std::mutex> lock(mu_);
            answers_.push_back(std::move(answer));
            arrived_.notify_one();
          }
          std::lock_guard<std::mutex> lock(mu_);
          ended_ = true;
          arrived_.notify_one();
        }) {}
  ~AnswerReader() { Join(); }

  // The next answer, or nullopt once the call has ended without one (its
  // deadline bounds the wait).
  std::optional<bqs::AppendRowsResponse> Next() {
    std::unique_lock<std::mutex> lock(mu_);
    arrived_.wait(lock, [this] { return !answers_.empty() || ended_; });
    if (answers_.empty()) return std::nullopt;
    bqs::AppendRowsResponse answer = std::move(answers_.front());
    answers_.pop_front();
    return answer;
  }

  // After a half-close or a cancellation: the rest of the answers are read
  // (and dropped) until the call ends, so that Finish may follow.
  void Join() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable arrived_;
  std::deque<bqs::AppendRowsResponse> answers_;
  bool ended_ = false;
  std::thread thread_;  // last: it starts once the rest is ready
};

struct InFlight {
  int64_t offset = 0;
  int64_t rows = 0;
  int64_t bytes = 0;                           // its serialized rows
  std::chrono::steady_clock::time_point sent;  // before its Write
};

}  // namespace

std::string_view WriteStreamKindName(WriteStreamKind kind) {
  switch (kind) {
    case WriteStreamKind::kDefault:
      return "default";
    case WriteStreamKind::kCommitted:
      return "committed";
    case WriteStreamKind::kPending:
      return "pending";
    case WriteStreamKind::kBuffered:
      return "buffered";
  }
  return "unknown";
}

ReferenceWriter::ReferenceWriter(std::shared_ptr<grpc::Channel> channel,
                                 WriterOptions options)
    : channel_(std::move(channel)),
      stub_(bqs::BigQueryWrite::NewStub(channel_)),
      options_(std::move(options)) {}

ReferenceWriter::~ReferenceWriter() = default;

WriteAccount ReferenceWriter::Write(const std::string& table,
                                    const TableSpec& spec, int64_t begin,
                                    int64_t end, WriteStreamKind kind) {
  const absl::Time start = absl::Now();
  WriteAccount account;
  account.table = table;
  account.kind = kind;
  auto finish = [&](absl::Status error) {
    if (account.first_error.ok()) account.first_error = std::move(error);
    account.total_time = absl::Now() - start;
    return account;
  };
  if (begin < 0 || end < begin) {
    return finish(absl::InvalidArgumentError(
        absl::StrCat("rows [", begin, ", ", end, ") are not a range")));
  }
  if (options_.rows_per_append < 1 || options_.max_in_flight < 1) {
    return finish(absl::InvalidArgumentError(
        "rows_per_append and max_in_flight must be at least 1"));
  }
  account.rows_requested = end - begin;
  auto with_deadline = [this](grpc::ClientContext* context) {
    context->set_deadline(
        absl::ToChronoTime(absl::Now() + options_.call_timeout));
  };

  const bool offsets = kind != WriteStreamKind::kDefault;
  if (kind == WriteStreamKind::kDefault) {
    account.stream = absl::StrCat(table, "/streams/_default");
  } else {
    absl::StatusOr<std::string> stream =
        CreateWriteStream(*stub_, table, kind, options_.call_timeout);
    if (!stream.ok()) return finish(stream.status());
    account.stream = *std::move(stream);
  }

  AppendBuilder builder(spec, begin, end, options_.rows_per_append,
                        options_.max_request_bytes);
  RetryPolicy policy(options_.retry);
  int64_t acknowledged = 0;      // stream offset every row before is applied
  int64_t sent_before_call = 0;  // highest offset end sent by earlier calls
  while (acknowledged < builder.total()) {
    ++account.calls;
    const int64_t call_start = acknowledged;
    grpc::ClientContext context;
    with_deadline(&context);
    std::unique_ptr<grpc::ClientReaderWriter<bqs::AppendRowsRequest,
                                             bqs::AppendRowsResponse>>
        call = stub_->AppendRows(&context);
    AnswerReader answers(call.get());
    std::deque<InFlight> in_flight;
    int64_t next = acknowledged;
    absl::Status fatal;
    grpc::Status in_band_failure;  // OK unless a transient error answered
    bool first_of_call = true;
    while (acknowledged < builder.total()) {
      bool write_failed = false;
      while (static_cast<int>(in_flight.size()) < options_.max_in_flight &&
             next < builder.total()) {
        bqs::AppendRowsRequest request =
            builder.Build(next, offsets, first_of_call, account.stream);
        const int64_t rows = request.proto_rows().rows().serialized_rows_size();
        const auto sent = std::chrono::steady_clock::now();
        if (!call->Write(request)) {
          write_failed = true;
          break;
        }
        first_of_call = false;
        ++account.appends;
        in_flight.push_back({next, rows, SerializedRowBytes(request), sent});
        next += rows;
      }
      if (write_failed || in_flight.empty()) break;
      std::optional<bqs::AppendRowsResponse> answer = answers.Next();
      if (!answer.has_value()) break;
      const bqs::AppendRowsResponse& response = *answer;
      const InFlight append = in_flight.front();
      in_flight.pop_front();
      if (response.row_errors_size() > 0) {
        const bqs::RowError& row_error = response.row_errors(0);
        fatal = absl::InvalidArgumentError(absl::StrCat(
            "append at offset ", append.offset, ": ",
            response.row_errors_size(), " row errors, the first row ",
            row_error.index(), ": ", row_error.message()));
        break;
      }
      if (response.has_error()) {
        const absl::Status error = ToAbsl(response.error());
        // Applied by an attempt whose answer was lost.
        if (offsets && error.code() == absl::StatusCode::kAlreadyExists &&
            append.offset < sent_before_call) {
          ++account.already_existed;
          acknowledged = append.offset + append.rows;
          account.bytes_acknowledged += append.bytes;
          if (options_.on_append_answered) {
            options_.on_append_answered(absl::FromChrono(
                std::chrono::steady_clock::now() - append.sent));
          }
          continue;
        }
        // The service's transient refusals end this call as a failure the
        // retry policy judges; the appends in flight behind the refused one
        // would only be refused as out of range.
        if (IsTransient(error.code())) {
          in_band_failure =
              grpc::Status(static_cast<grpc::StatusCode>(error.code()),
                           absl::StrCat("append at offset ", append.offset,
                                        ": ", error.message()));
          break;
        }
        fatal = absl::Status(
            error.code(), absl::StrCat("append at offset ", append.offset, ": ",
                                       error.message()));
        break;
      }
      if (offsets && response.append_result().has_offset() &&
          response.append_result().offset().value() != append.offset) {
        fatal = absl::InternalError(
            absl::StrCat("the server acknowledged offset ",
                         response.append_result().offset().value(),
                         " for the append at ", append.offset));
        break;
      }
      acknowledged = append.offset + append.rows;
      account.rows_acknowledged = acknowledged;
      account.bytes_acknowledged += append.bytes;
      if (options_.on_append_answered) {
        options_.on_append_answered(
            absl::FromChrono(std::chrono::steady_clock::now() - append.sent));
      }
    }
    sent_before_call = std::max(sent_before_call, next);
    // A call ended by an error of ours is cancelled; otherwise the server
    // ends it once it has our half-close.
    if (!fatal.ok() || !in_band_failure.ok()) {
      context.TryCancel();
    } else {
      call->WritesDone();
    }
    answers.Join();
    const grpc::Status status = call->Finish();
    account.rows_acknowledged = acknowledged;
    if (!fatal.ok()) return finish(std::move(fatal));
    if (acknowledged >= builder.total()) break;

    grpc::Status failure = in_band_failure.ok() ? status : in_band_failure;
    if (failure.ok()) {
      failure =
          grpc::Status(grpc::StatusCode::UNKNOWN,
                       absl::StrCat("AppendRows ended with rows from offset ",
                                    acknowledged, " unacknowledged"));
    }
    const RetryDecision decision =
        policy.OnAppendFailed(failure, acknowledged > call_start);
    if (!decision.retry) {
      return finish(absl::Status(
          ToAbsl(failure).code(),
          absl::StrCat("AppendRows on ", account.stream, " at offset ",
                       acknowledged, ": ", decision.reason)));
    }
    if (account.first_retried_failure.ok()) {
      account.first_retried_failure = ToAbsl(failure);
    }
    // A fault the fake injected on purpose is resumed as designed; any
    // other failure is one the writer needed its retry for.
    if (IsInjectedFault(failure.error_message())) {
      ++account.injected_fault_retries;
    } else if (account.first_needed_retry.ok()) {
      account.first_needed_retry = ToAbsl(failure);
    }
    if (!offsets) account.rows_maybe_duplicated += next - acknowledged;
    account.retries = policy.retries();
    absl::SleepFor(decision.delay);
  }
  account.retries = policy.retries();

  if (kind == WriteStreamKind::kPending) {
    bqs::FinalizeWriteStreamRequest finalize;
    finalize.set_name(account.stream);
    bqs::FinalizeWriteStreamResponse finalized;
    grpc::ClientContext context;
    with_deadline(&context);
    grpc::Status status =
        stub_->FinalizeWriteStream(&context, finalize, &finalized);
    if (!status.ok()) {
      return finish(absl::Status(
          ToAbsl(status).code(),
          absl::StrCat("FinalizeWriteStream: ", status.error_message())));
    }
    account.finalized_rows = finalized.row_count();
    bqs::BatchCommitWriteStreamsRequest commit;
    commit.set_parent(table);
    commit.add_write_streams(account.stream);
    bqs::BatchCommitWriteStreamsResponse committed;
    grpc::ClientContext commit_context;
    with_deadline(&commit_context);
    status =
        stub_->BatchCommitWriteStreams(&commit_context, commit, &committed);
    if (!status.ok()) {
      return finish(absl::Status(
          ToAbsl(status).code(),
          absl::StrCat("BatchCommitWriteStreams: ", status.error_message())));
    }
    if (committed.stream_errors_size() > 0) {
      return finish(absl::FailedPreconditionError(
          absl::StrCat("BatchCommitWriteStreams: ",
                       committed.stream_errors(0).error_message())));
    }
    account.committed = committed.has_commit_time();
    if (!account.committed) {
      return finish(absl::InternalError(
          "BatchCommitWriteStreams returned neither errors nor a commit time"));
    }
  } else if (kind == WriteStreamKind::kBuffered && builder.total() > 0) {
    bqs::FlushRowsRequest flush;
    flush.set_write_stream(account.stream);
    flush.mutable_offset()->set_value(builder.total() - 1);
    bqs::FlushRowsResponse flushed;
    grpc::ClientContext context;
    with_deadline(&context);
    const grpc::Status status = stub_->FlushRows(&context, flush, &flushed);
    if (!status.ok()) {
      return finish(
          absl::Status(ToAbsl(status).code(),
                       absl::StrCat("FlushRows: ", status.error_message())));
    }
    account.flushed_offset = flushed.offset();
  }
  return finish(absl::OkStatus());
}

}  // namespace forkcheck
