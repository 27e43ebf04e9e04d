#include "client/reference_reader.h"

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "grpcpp/client_context.h"

namespace forkcheck {

namespace bqs = ::google::cloud::bigquery::storage::v1;

namespace {

// "projects/p/datasets/d/tables/t" -> "projects/p"; empty if malformed.
std::string ParentOf(const std::string& table) {
  constexpr std::string_view kPrefix = "projects/";
  if (table.compare(0, kPrefix.size(), kPrefix) != 0) return "";
  const size_t slash = table.find('/', kPrefix.size());
  if (slash == std::string::npos || slash == kPrefix.size()) return "";
  return table.substr(0, slash);
}

absl::Status ToAbsl(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

}  // namespace

bool ReadAccount::exactly_once() const {
  if (!first_error.ok() || duplicate_rows != 0 || out_of_range_rows != 0 ||
      corrupted_rows != 0) {
    return false;
  }
  for (const StreamAccount& stream : streams) {
    if (!stream.ok()) return false;
  }
  if (full_read) {
    return missing_rows == 0 && unique_rows == table_rows_expected;
  }
  return true;
}

ReferenceReader::ReferenceReader(std::shared_ptr<grpc::Channel> channel,
                                 const Catalogue& catalogue,
                                 ReaderOptions options)
    : channel_(std::move(channel)),
      stub_(bqs::BigQueryRead::NewStub(channel_)),
      catalogue_(catalogue),
      options_(std::move(options)) {}

ReferenceReader::~ReferenceReader() = default;

absl::StatusOr<bqs::ReadSession> ReferenceReader::CreateSession(
    const std::string& table, int max_stream_count,
    std::vector<std::string> selected_fields, int preferred_min_stream_count) {
  const std::string parent = ParentOf(table);
  if (parent.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("table \"", table,
                     "\": expected projects/{project}/datasets/{dataset}/"
                     "tables/{table}"));
  }
  if (max_stream_count < 0 || preferred_min_stream_count < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_stream_count (", max_stream_count,
                     ") and preferred_min_stream_count (",
                     preferred_min_stream_count, ") must be >= 0"));
  }
  if (!selected_fields.empty() &&
      std::find(selected_fields.begin(), selected_fields.end(),
                kRowIdColumnName) == selected_fields.end()) {
    selected_fields.insert(selected_fields.begin(),
                           std::string(kRowIdColumnName));
  }

  bqs::CreateReadSessionRequest request;
  request.set_parent(parent);
  request.set_max_stream_count(max_stream_count);
  request.set_preferred_min_stream_count(preferred_min_stream_count);
  bqs::ReadSession* session = request.mutable_read_session();
  session->set_table(table);
  session->set_data_format(bqs::DataFormat::AVRO);
  for (std::string& field : selected_fields) {
    session->mutable_read_options()->add_selected_fields(std::move(field));
  }

  grpc::ClientContext context;
  context.set_deadline(
      absl::ToChronoTime(absl::Now() + options_.create_session_timeout));
  bqs::ReadSession response;
  grpc::Status status = stub_->CreateReadSession(&context, request, &response);
  if (!status.ok()) return ToAbsl(status);
  return response;
}

ReadAccount ReferenceReader::Read(const bqs::ReadSession& session,
                                  int threads) {
  std::vector<std::string> names;
  names.reserve(session.streams_size());
  for (const bqs::ReadStream& stream : session.streams()) {
    names.push_back(stream.name());
  }
  return ReadStreams(session, names, threads);
}

ReadAccount ReferenceReader::ReadStreams(
    const bqs::ReadSession& session,
    const std::vector<std::string>& stream_names, int threads) {
  const absl::Time start = absl::Now();
  ReadAccount account;
  account.table = session.table();
  account.threads = threads;
  {
    std::set<std::string> asked(stream_names.begin(), stream_names.end());
    std::set<std::string> all;
    for (const bqs::ReadStream& stream : session.streams()) {
      all.insert(stream.name());
    }
    account.full_read = asked == all;
  }

  const TableSpec* table = catalogue_.Find(session.table());
  if (table == nullptr) {
    account.first_error = absl::NotFoundError(
        absl::StrCat("session table \"", session.table(),
                     "\" is not in the catalogue: its rows cannot be "
                     "verified"));
  } else if (threads < 1) {
    account.first_error = absl::InvalidArgumentError(
        absl::StrCat("threads: ", threads, " must be >= 1"));
  }
  if (!account.first_error.ok()) {
    account.full_read = false;
    account.total_time = absl::Now() - start;
    return account;
  }
  if (account.full_read) account.table_rows_expected = table->row_count;

  const size_t workers =
      std::min(static_cast<size_t>(threads), stream_names.size());
  std::vector<RowLedger> ledgers(std::max<size_t>(workers, 1),
                                 RowLedger(table->row_count));
  account.streams.resize(stream_names.size());
  std::atomic<size_t> next{0};
  // Each worker writes only its own ledger and the accounts of the streams
  // it took from the queue; the join publishes them.
  auto work = [&](size_t worker) {
    StreamReader reader(stub_.get(), table, session.avro_schema().schema(),
                        options_.stream);
    for (size_t i = next.fetch_add(1); i < stream_names.size();
         i = next.fetch_add(1)) {
      account.streams[i] = reader.Read(stream_names[i], &ledgers[worker]);
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(workers);
  for (size_t w = 0; w < workers; ++w) pool.emplace_back(work, w);
  for (std::thread& thread : pool) thread.join();

  account.ledger = std::move(ledgers[0]);
  for (size_t w = 1; w < ledgers.size(); ++w) {
    // Same row_count by construction, so Merge cannot fail.
    account.ledger.Merge(ledgers[w]).IgnoreError();
  }

  absl::Time first_row = absl::InfiniteFuture();
  absl::Time first_error_at = absl::InfiniteFuture();
  absl::Time first_retried_at = absl::InfiniteFuture();
  for (const StreamAccount& stream : account.streams) {
    account.corrupted_rows += stream.corrupted_rows;
    account.corrupt_responses += stream.corrupt_responses;
    account.bytes += stream.bytes;
    account.responses += stream.responses;
    account.retries.Add(stream.retries);
    account.injected_fault_retries += stream.injected_fault_retries;
    if (stream.first_retried_at < first_retried_at) {
      first_retried_at = stream.first_retried_at;
      account.first_retried_failure = stream.first_retried_failure;
    }
    account.backoff_time += stream.backoff_time;
    first_row = std::min(first_row, stream.first_row_at);
    if (!stream.ok() && stream.finished_at < first_error_at) {
      first_error_at = stream.finished_at;
      account.first_error =
          absl::Status(static_cast<absl::StatusCode>(stream.status_code),
                       stream.status_message);
    }
  }
  account.rows_received = account.ledger.recorded();
  account.unique_rows = account.ledger.unique();
  account.duplicate_rows = account.ledger.duplicates();
  account.out_of_range_rows = account.ledger.out_of_range();
  account.missing_rows = account.full_read ? account.ledger.missing() : 0;
  if (first_row != absl::InfiniteFuture()) {
    account.time_to_first_row = first_row - start;
  }
  account.total_time = absl::Now() - start;
  return account;
}

}  // namespace forkcheck
