#include "bench/append_rows_pump.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/proto_row_encoder.h"
#include "dataset/row_generator.h"
#include "grpcpp/grpcpp.h"

namespace forkcheck {
namespace {

namespace bqs = google::cloud::bigquery::storage::v1;

int64_t NanosSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now() - start)
      .count();
}

}  // namespace

absl::StatusOr<PreparedAppends> PrepareAppends(const TableSpec& spec,
                                               const std::string& write_stream,
                                               int64_t max_row_bytes,
                                               int64_t max_rows) {
  if (max_row_bytes < 1 || max_rows < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_row_bytes and max_rows must be at least 1, got ",
                     max_row_bytes, " and ", max_rows));
  }
  if (spec.columns.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("table ", spec.name, " has no columns"));
  }
  const RowGenerator generator(spec);
  const ProtoRowEncoder encoder(spec);
  std::vector<int> columns;
  for (size_t c = 0; c < spec.columns.size(); ++c) {
    columns.push_back(static_cast<int>(c));
  }
  PreparedAppends appends;
  bqs::ProtoRows* rows = appends.next.mutable_proto_rows()->mutable_rows();
  Row row;
  for (int64_t index = 0; index < max_rows; ++index) {
    generator.FillRow(index, columns, &row);
    std::string encoded = encoder.Encode(row);
    const int64_t size = static_cast<int64_t>(encoded.size());
    if (index > 0 && appends.row_bytes + size > max_row_bytes) break;
    appends.row_bytes += size;
    ++appends.rows;
    rows->add_serialized_rows(std::move(encoded));
  }
  appends.first = appends.next;
  appends.first.set_write_stream(write_stream);
  *appends.first.mutable_proto_rows()
       ->mutable_writer_schema()
       ->mutable_proto_descriptor() = encoder.descriptor();
  return appends;
}

absl::StatusOr<PumpResult> PumpAppendRows(bqs::BigQueryWrite::Stub& stub,
                                          const PreparedAppends& appends,
                                          const PumpOptions& options) {
  if (options.requests < 1 || options.window < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("requests and window must be at least 1, got ",
                     options.requests, " and ", options.window));
  }
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + options.call_timeout));
  std::unique_ptr<
      grpc::ClientReaderWriter<bqs::AppendRowsRequest, bqs::AppendRowsResponse>>
      call = stub.AppendRows(&context);

  // The answers are read on a thread of their own: over an in-process
  // channel a send completes only when the other side takes the message, so
  // one thread that writes a window of requests before reading would wait
  // for the server while the server waits for it to read an answer.
  std::mutex mu;
  std::condition_variable answered;
  std::deque<std::chrono::steady_clock::time_point> unanswered;  // mu
  bool reading = true;                                           // mu
  absl::Status refused;  // by the reader, before reading = false
  PumpResult result;     // by the reader
  std::thread reader([&] {
    bqs::AppendRowsResponse response;
    while (result.requests < options.requests && call->Read(&response)) {
      if (response.has_error() || response.row_errors_size() > 0) {
        refused = absl::InternalError(absl::StrCat(
            "request ", result.requests,
            " was refused: ", response.error().message(), " (",
            response.row_errors_size(), " row errors",
            response.row_errors_size() > 0 ? ", the first: " : "",
            response.row_errors_size() > 0 ? response.row_errors(0).message()
                                           : "",
            ")"));
        context.TryCancel();
        break;
      }
      std::lock_guard<std::mutex> lock(mu);
      if (options.latencies != nullptr) {
        options.latencies->Add(NanosSince(unanswered.front()));
      }
      unanswered.pop_front();
      ++result.requests;
      result.rows += appends.rows;
      result.row_bytes += appends.row_bytes;
      answered.notify_one();
    }
    std::lock_guard<std::mutex> lock(mu);
    reading = false;
    answered.notify_one();
  });

  bool writes_ok = true;
  for (int64_t sent = 0; sent < options.requests; ++sent) {
    {
      std::unique_lock<std::mutex> lock(mu);
      answered.wait(lock, [&] {
        return !reading || static_cast<int>(unanswered.size()) < options.window;
      });
      if (!reading) break;
      unanswered.push_back(std::chrono::steady_clock::now());
    }
    if (!call->Write(sent == 0 ? appends.first : appends.next)) {
      writes_ok = false;  // the call is over; the reader sees why
      break;
    }
  }
  if (writes_ok) call->WritesDone();
  reader.join();
  bqs::AppendRowsResponse ignored;
  while (call->Read(&ignored)) {
  }
  const grpc::Status status = call->Finish();
  if (!refused.ok()) return refused;
  if (!status.ok()) {
    return absl::Status(
        static_cast<absl::StatusCode>(status.error_code()),
        absl::StrCat("AppendRows after ", result.requests,
                     " answered requests: ", status.error_message()));
  }
  if (result.requests < options.requests) {
    return absl::InternalError(absl::StrCat("AppendRows ended after ",
                                            result.requests, " answers to ",
                                            options.requests, " requests"));
  }
  return result;
}

}  // namespace forkcheck
