#include "client/stream_reader.h"

#include <optional>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "client/avro_row_decoder.h"
#include "dataset/injected_fault.h"
#include "dataset/row_generator.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/sync_stream.h"

namespace forkcheck {

namespace bqs = ::google::cloud::bigquery::storage::v1;

namespace {

// Servers older than the top-level ReadRowsResponse.row_count set only the
// deprecated AvroRows.row_count.
int64_t LegacyRowCount(const bqs::ReadRowsResponse& response) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  return response.avro_rows().row_count();
#pragma GCC diagnostic pop
}

}  // namespace

// Decodes one response's rows with the decoder of the current Avro schema and
// compares every row with what the RowGenerator says its row_id holds.
class StreamReader::Verifier {
 public:
  explicit Verifier(const TableSpec& table) : generator_(table) {}

  // Prepares to verify rows written with `schema`. An error means the schema
  // itself is unusable for this table (not a transmission error).
  absl::Status UseSchema(const std::string& schema) {
    if (decoder_.has_value() && schema == schema_) return absl::OkStatus();
    decoder_.reset();
    schema_.clear();
    if (schema.empty()) {
      return absl::FailedPreconditionError(
          "no Avro schema: neither the call's first response nor the read "
          "session carried one");
    }
    absl::StatusOr<AvroRowDecoder> decoder = AvroRowDecoder::Create(schema);
    if (!decoder.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("Avro schema: ", decoder.status().message()));
    }
    const TableSpec& table = generator_.spec();
    std::vector<int> columns;
    int row_id_field = -1;
    std::set<int> seen;
    for (size_t i = 0; i < decoder->columns().size(); ++i) {
      const ColumnSpec& field = decoder->columns()[i];
      const int column = table.ColumnIndex(field.name);
      if (column < 0) {
        return absl::FailedPreconditionError(
            absl::StrCat("Avro schema field \"", field.name,
                         "\" is not a column of table ", table.name));
      }
      if (!seen.insert(column).second) {
        return absl::FailedPreconditionError(absl::StrCat(
            "Avro schema field \"", field.name, "\" appears twice"));
      }
      if (field.type != table.columns[column].type) {
        return absl::FailedPreconditionError(absl::StrCat(
            "Avro schema field \"", field.name, "\" has type ",
            std::string(ColumnTypeName(field.type)),
            " but the table column is ",
            std::string(ColumnTypeName(table.columns[column].type))));
      }
      if (column == 0) row_id_field = static_cast<int>(i);
      columns.push_back(column);
    }
    if (row_id_field < 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "Avro schema has no \"", std::string(kRowIdColumnName),
          "\" field: rows cannot be verified without their identity"));
    }
    decoder_ = std::move(*decoder);
    schema_ = schema;
    columns_ = std::move(columns);
    row_id_field_ = row_id_field;
    return absl::OkStatus();
  }

  // Decodes and verifies `row_count` rows of `data`; on success *ids holds
  // their row ids in order. An error (DATA_LOSS) says what was corrupt.
  absl::Status Verify(std::string_view data, int64_t row_count,
                      std::vector<int64_t>* ids) {
    ids->clear();
    std::string problem;
    absl::Status decoded =
        decoder_->Decode(data, row_count, [&](const Row& row) {
          if (!problem.empty()) return;
          if (row.size() != columns_.size()) {
            problem = absl::StrCat("row ", ids->size(), " has ", row.size(),
                                   " cells, expected ", columns_.size());
            return;
          }
          const FieldValue& id_cell = row[row_id_field_];
          if (id_cell.is_null) {
            problem = absl::StrCat("row ", ids->size(), ": row_id is null");
            return;
          }
          const int64_t id = id_cell.int_value;
          generator_.FillRow(id, columns_, &expected_);
          for (size_t c = 0; c < columns_.size(); ++c) {
            if (row[c] != expected_[c]) {
              problem = absl::StrCat("row ", ids->size(), " (row_id ", id,
                                     "): column \"", decoder_->field_names()[c],
                                     "\" differs from the generated value");
              return;
            }
          }
          ids->push_back(id);
        });
    if (!decoded.ok()) {
      return absl::DataLossError(
          absl::StrCat("Avro decoding failed: ", decoded.message()));
    }
    if (!problem.empty()) return absl::DataLossError(problem);
    if (static_cast<int64_t>(ids->size()) != row_count) {
      return absl::DataLossError(absl::StrCat(
          "decoded ", ids->size(), " rows, row_count says ", row_count));
    }
    return absl::OkStatus();
  }

 private:
  RowGenerator generator_;
  std::string schema_;
  std::optional<AvroRowDecoder> decoder_;
  std::vector<int> columns_;  // table column of each decoder field
  int row_id_field_ = -1;
  Row expected_;
};

StreamReader::StreamReader(Stub* stub, const TableSpec* table,
                           std::string session_avro_schema,
                           StreamReaderOptions options)
    : stub_(stub),
      table_(table),
      session_avro_schema_(std::move(session_avro_schema)),
      options_(std::move(options)),
      verifier_(std::make_unique<Verifier>(*table)) {}

StreamReader::~StreamReader() = default;

StreamAccount StreamReader::Read(const std::string& stream_name,
                                 RowLedger* ledger) {
  StreamAccount account;
  account.stream = stream_name;
  account.started_at = absl::Now();
  RetryPolicy policy(options_.retry);
  std::vector<int64_t> ids;
  bqs::ReadRowsResponse response;

  while (true) {
    const int64_t call_start_offset = account.offset;
    grpc::ClientContext context;
    context.set_deadline(
        absl::ToChronoTime(absl::Now() + options_.call_timeout));
    bqs::ReadRowsRequest request;
    request.set_read_stream(stream_name);
    request.set_offset(account.offset);
    ++account.calls;
    std::unique_ptr<grpc::ClientReaderInterface<bqs::ReadRowsResponse>> reader =
        stub_->ReadRows(&context, request);

    std::string schema = session_avro_schema_;
    bool corrupt = false;  // a response to fetch again
    absl::Status fatal;    // stop reading this stream
    while (reader->Read(&response)) {
      ++account.responses;
      const std::string& data = response.avro_rows().serialized_binary_rows();
      account.bytes += static_cast<int64_t>(data.size());
      if (response.has_avro_schema()) schema = response.avro_schema().schema();
      int64_t rows = response.row_count();
      if (rows == 0) rows = LegacyRowCount(response);
      if (rows == 0 && data.empty()) continue;  // stats or schema only

      absl::Status status = verifier_->UseSchema(schema);
      if (!status.ok()) {
        fatal = std::move(status);
        break;
      }
      status =
          rows < 0
              ? absl::DataLossError(absl::StrCat("negative row_count ", rows))
              : verifier_->Verify(data, rows, &ids);
      if (!status.ok()) {
        ++account.corrupt_responses;
        account.last_corruption =
            absl::StrCat("response at offset ", account.offset, " (", rows,
                         " rows, ", data.size(), " bytes): ", status.message());
        if (options_.refetch_corrupt_responses || rows < 0) {
          corrupt = true;
          break;
        }
        account.corrupted_rows += rows;
        account.offset += rows;
        continue;
      }
      for (int64_t id : ids) ledger->Record(id);
      account.rows += static_cast<int64_t>(ids.size());
      account.offset += rows;
      if (!ids.empty() && account.first_row_at == absl::InfiniteFuture()) {
        account.first_row_at = absl::Now();
      }
    }
    if (corrupt || !fatal.ok()) {
      // Abandon the rest of this call; its status is then CANCELLED.
      context.TryCancel();
      while (reader->Read(&response)) {
      }
    }
    const grpc::Status status = reader->Finish();

    if (!fatal.ok()) {
      account.status_code = static_cast<grpc::StatusCode>(fatal.code());
      account.status_message =
          absl::StrCat("stream ", stream_name, ": ", fatal.message());
      break;
    }
    if (!corrupt && status.ok()) break;  // read to its end
    const bool progress = account.offset > call_start_offset;
    const RetryDecision decision = corrupt
                                       ? policy.OnCorruptResponse(progress)
                                       : policy.OnCallFailed(status, progress);
    if (!decision.retry) {
      if (corrupt) {
        account.status_code = grpc::StatusCode::DATA_LOSS;
        account.status_message =
            absl::StrCat("stream ", stream_name, ": corrupt ",
                         account.last_corruption, "; ", decision.reason);
      } else {
        account.status_code = status.error_code();
        account.status_message =
            absl::StrCat("stream ", stream_name, " at offset ", account.offset,
                         ": ", decision.reason);
      }
      break;
    }
    // A corrupt response has no status of its own: what was wrong with it
    // stands for one.
    const std::string message =
        corrupt ? account.last_corruption : status.error_message();
    if (IsInjectedFault(message)) {
      ++account.injected_fault_retries;
    } else if (account.first_retried_failure.ok()) {
      account.first_retried_failure = absl::Status(
          corrupt ? absl::StatusCode::kDataLoss
                  : static_cast<absl::StatusCode>(status.error_code()),
          message);
      account.first_retried_at = absl::Now();
    }
    absl::SleepFor(decision.delay);
    account.backoff_time += decision.delay;
  }
  account.retries = policy.retries();
  account.finished_at = absl::Now();
  return account;
}

}  // namespace forkcheck
