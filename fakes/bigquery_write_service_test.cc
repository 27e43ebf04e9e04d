// The fake's Write API semantics, observed through plain generated stubs
// (no client library whose logic could mask a server bug), with a deadline
// on every call. Rows are the catalogue table "small"'s generated rows,
// serialized by compiled code (write_test_rows.proto) and read back through
// CreateReadSession/ReadRows, so each test checks exactly which rows became
// visible.
#include <chrono>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/avro_row_decoder.h"
#include "dataset/catalogue.h"
#include "dataset/injected_fault.h"
#include "dataset/row_generator.h"
#include "fakes/append_rows_reactor.h"
#include "fakes/fake_server.h"
#include "fakes/fault_injector.h"
#include "fakes/write_test_rows.pb.h"
#include "google/cloud/bigquery/storage/v1/storage.grpc.pb.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

namespace bqs = google::cloud::bigquery::storage::v1;
using StorageError = bqs::StorageError;

constexpr char kCatalogueSmall[] =
    "projects/forkcheck/datasets/synthetic/tables/small";

// The writable copy of "small" in `project`.
std::string WritableSmall(const std::string& project) {
  return absl::StrCat("projects/", project, "/datasets/writable/tables/small");
}

std::string DefaultStream(const std::string& table) {
  return table + "/streams/_default";
}

void SetDeadline(grpc::ClientContext* context) {
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::seconds(30));
}

// The StorageError in a status's details (grpc-status-details-bin or an
// AppendRowsResponse.error), if there is one.
std::optional<StorageError> StorageErrorIn(const google::rpc::Status& status) {
  for (const auto& detail : status.details()) {
    StorageError error;
    if (detail.UnpackTo(&error)) return error;
  }
  return std::nullopt;
}

std::optional<StorageError> StorageErrorIn(const grpc::Status& status) {
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return std::nullopt;
  return StorageErrorIn(details);
}

// The StorageErrors of a finished call's trailer
// google.cloud.bigquery.storage.v1.storageerror-bin, where the real service
// also sends them (the Node client's parseStorageErrors reads only there).
std::vector<StorageError> StorageErrorsInTrailer(
    const grpc::ClientContext& context) {
  std::vector<StorageError> errors;
  const auto range = context.GetServerTrailingMetadata().equal_range(
      "google.cloud.bigquery.storage.v1.storageerror-bin");
  for (auto it = range.first; it != range.second; ++it) {
    StorageError error;
    EXPECT_TRUE(error.ParseFromArray(it->second.data(), it->second.size()));
    errors.push_back(error);
  }
  return errors;
}

// Checks a status's codes: gRPC's and, unless `storage_code` is UNSPECIFIED,
// the StorageError's.
template <typename Status>
::testing::AssertionResult HasCodes(
    const Status& status, int code,
    StorageError::StorageErrorCode storage_code) {
  int actual = 0;
  std::string message;
  if constexpr (std::is_same_v<Status, grpc::Status>) {
    actual = status.error_code();
    message = status.error_message();
  } else {
    actual = status.code();
    message = status.message();
  }
  if (actual != code) {
    return ::testing::AssertionFailure()
           << "code " << actual << " (want " << code << "): " << message;
  }
  if (storage_code == StorageError::STORAGE_ERROR_CODE_UNSPECIFIED) {
    return ::testing::AssertionSuccess();
  }
  std::optional<StorageError> error = StorageErrorIn(status);
  if (!error.has_value()) {
    return ::testing::AssertionFailure() << "no StorageError in: " << message;
  }
  if (error->code() != storage_code) {
    return ::testing::AssertionFailure()
           << "StorageError "
           << StorageError::StorageErrorCode_Name(error->code()) << " (want "
           << StorageError::StorageErrorCode_Name(storage_code)
           << "): " << message;
  }
  return ::testing::AssertionSuccess();
}

// One AppendRows call: each Append writes a request and reads its response.
class Connection {
 public:
  explicit Connection(
      bqs::BigQueryWrite::Stub* stub,
      std::chrono::milliseconds deadline = std::chrono::seconds(30)) {
    context_.set_deadline(std::chrono::system_clock::now() + deadline);
    stream_ = stub->AppendRows(&context_);
  }

  // False if the call ended instead of answering.
  bool Append(const bqs::AppendRowsRequest& request,
              bqs::AppendRowsResponse* response) {
    return stream_->Write(request) && stream_->Read(response);
  }

  bqs::AppendRowsResponse MustAppend(const bqs::AppendRowsRequest& request) {
    bqs::AppendRowsResponse response;
    EXPECT_TRUE(Append(request, &response)) << Finish().error_message();
    return response;
  }

  // The call's context: its trailers once Finish has returned.
  const grpc::ClientContext& context() const { return context_; }

  // Ends the call; its status.
  grpc::Status Finish() {
    stream_->WritesDone();
    bqs::AppendRowsResponse extra;
    while (stream_->Read(&extra)) {
      ADD_FAILURE() << "unexpected response: " << extra.DebugString();
    }
    return stream_->Finish();
  }

 private:
  grpc::ClientContext context_;
  std::unique_ptr<
      grpc::ClientReaderWriter<bqs::AppendRowsRequest, bqs::AppendRowsResponse>>
      stream_;
};

class WriteServiceTest : public ::testing::Test {
 protected:
  // In-process by default: most tests are about the API, not the network.
  void SetUp() override { StartServer(""); }

  void StartServer(const std::string& listen_address) {
    FakeServerOptions options;
    options.listen_address = listen_address;
    auto server = FakeServer::Start(std::move(options));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    std::shared_ptr<grpc::Channel> channel =
        listen_address.empty()
            ? server_->InProcessChannel()
            : grpc::CreateChannel(server_->address(),
                                  grpc::InsecureChannelCredentials());
    write_ = bqs::BigQueryWrite::NewStub(channel);
    read_ = bqs::BigQueryRead::NewStub(channel);
  }

  // Row i of "small", serialized as SmallRow.
  std::string SerializedRow(int64_t i) const {
    Row row;
    generator_.FillRow(i, all_columns_, &row);
    testing::SmallRow message;
    message.set_row_id(row[0].int_value);
    message.set_int_col(row[1].int_value);
    message.set_string_col(row[2].bytes_value);
    message.set_double_col(row[3].double_value);
    message.set_bool_col(row[4].int_value != 0);
    message.set_timestamp_col(row[5].int_value);
    message.set_bytes_col(row[6].bytes_value);
    if (!row[7].is_null) message.set_nullable_string_col(row[7].bytes_value);
    return message.SerializeAsString();
  }

  static google::protobuf::DescriptorProto SmallRowDescriptor() {
    google::protobuf::DescriptorProto descriptor;
    testing::SmallRow::descriptor()->CopyTo(&descriptor);
    return descriptor;
  }

  // Rows [begin, end) of "small"; with_schema adds the writer schema.
  bqs::AppendRowsRequest Request(const std::string& stream, int64_t begin,
                                 int64_t end, bool with_schema = true,
                                 std::optional<int64_t> offset = {}) const {
    bqs::AppendRowsRequest request;
    request.set_write_stream(stream);
    if (offset.has_value()) request.mutable_offset()->set_value(*offset);
    auto* proto_rows = request.mutable_proto_rows();
    if (with_schema) {
      *proto_rows->mutable_writer_schema()->mutable_proto_descriptor() =
          SmallRowDescriptor();
    }
    for (int64_t i = begin; i < end; ++i) {
      proto_rows->mutable_rows()->add_serialized_rows(SerializedRow(i));
    }
    return request;
  }

  bqs::WriteStream MustCreateStream(const std::string& table,
                                    bqs::WriteStream::Type type) {
    grpc::ClientContext context;
    SetDeadline(&context);
    bqs::CreateWriteStreamRequest request;
    request.set_parent(table);
    request.mutable_write_stream()->set_type(type);
    bqs::WriteStream stream;
    grpc::Status status = write_->CreateWriteStream(&context, request, &stream);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return stream;
  }

  grpc::Status Finalize(const std::string& stream, int64_t* row_count) {
    grpc::ClientContext context;
    SetDeadline(&context);
    bqs::FinalizeWriteStreamRequest request;
    request.set_name(stream);
    bqs::FinalizeWriteStreamResponse response;
    grpc::Status status =
        write_->FinalizeWriteStream(&context, request, &response);
    *row_count = response.row_count();
    return status;
  }

  bqs::BatchCommitWriteStreamsResponse MustCommit(
      const std::string& table, const std::vector<std::string>& streams) {
    grpc::ClientContext context;
    SetDeadline(&context);
    bqs::BatchCommitWriteStreamsRequest request;
    request.set_parent(table);
    for (const std::string& stream : streams) request.add_write_streams(stream);
    bqs::BatchCommitWriteStreamsResponse response;
    grpc::Status status =
        write_->BatchCommitWriteStreams(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  grpc::Status Flush(const std::string& stream, std::optional<int64_t> offset,
                     int64_t* flushed = nullptr) {
    grpc::ClientContext context;
    SetDeadline(&context);
    bqs::FlushRowsRequest request;
    request.set_write_stream(stream);
    if (offset.has_value()) request.mutable_offset()->set_value(*offset);
    bqs::FlushRowsResponse response;
    grpc::Status status = write_->FlushRows(&context, request, &response);
    if (flushed != nullptr) *flushed = response.offset();
    return status;
  }

  // Every row a new read session of `table` sees, stream after stream.
  std::vector<Row> ReadBack(const std::string& table, int max_streams = 1) {
    std::vector<Row> rows;
    bqs::CreateReadSessionRequest request;
    request.set_parent("projects/reader");
    request.mutable_read_session()->set_table(table);
    request.mutable_read_session()->set_data_format(bqs::AVRO);
    request.set_max_stream_count(max_streams);
    bqs::ReadSession session;
    {
      grpc::ClientContext context;
      SetDeadline(&context);
      grpc::Status status =
          read_->CreateReadSession(&context, request, &session);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) return rows;
    }
    auto decoder = AvroRowDecoder::Create(session.avro_schema().schema());
    EXPECT_TRUE(decoder.ok()) << decoder.status();
    if (!decoder.ok()) return rows;
    for (const bqs::ReadStream& stream : session.streams()) {
      grpc::ClientContext context;
      SetDeadline(&context);
      bqs::ReadRowsRequest read_request;
      read_request.set_read_stream(stream.name());
      auto reader = read_->ReadRows(&context, read_request);
      bqs::ReadRowsResponse response;
      while (reader->Read(&response)) {
        absl::Status decoded = decoder->Decode(
            response.avro_rows().serialized_binary_rows(), response.row_count(),
            [&](const Row& row) { rows.push_back(row); });
        EXPECT_TRUE(decoded.ok()) << decoded;
      }
      grpc::Status status = reader->Finish();
      EXPECT_TRUE(status.ok()) << status.error_message();
    }
    return rows;
  }

  // Checks that `rows` are rows `ids` of "small", in that order.
  ::testing::AssertionResult AreRows(const std::vector<Row>& rows,
                                     const std::vector<int64_t>& ids) const {
    if (rows.size() != ids.size()) {
      return ::testing::AssertionFailure()
             << rows.size() << " rows, want " << ids.size();
    }
    Row expected;
    for (size_t k = 0; k < ids.size(); ++k) {
      generator_.FillRow(ids[k], all_columns_, &expected);
      if (rows[k] != expected) {
        return ::testing::AssertionFailure()
               << "row " << k << " is not row " << ids[k] << " of small";
      }
    }
    return ::testing::AssertionSuccess();
  }

  static std::vector<int64_t> Ids(int64_t begin, int64_t end) {
    std::vector<int64_t> ids;
    for (int64_t i = begin; i < end; ++i) ids.push_back(i);
    return ids;
  }

  const RowGenerator generator_{*Catalogue::Default().Find(kCatalogueSmall)};
  const std::vector<int> all_columns_{0, 1, 2, 3, 4, 5, 6, 7};
  std::unique_ptr<FakeServer> server_;
  std::unique_ptr<bqs::BigQueryWrite::Stub> write_;
  std::unique_ptr<bqs::BigQueryRead::Stub> read_;
};

TEST_F(WriteServiceTest, DefaultStreamRowsAreVisibleWhenAcknowledged) {
  const std::string table = WritableSmall("p-default");
  EXPECT_TRUE(AreRows(ReadBack(table), {}));  // exists, empty

  Connection connection(write_.get());
  bqs::AppendRowsResponse first =
      connection.MustAppend(Request(DefaultStream(table), 0, 10));
  EXPECT_EQ(first.response_case(), bqs::AppendRowsResponse::kAppendResult);
  EXPECT_FALSE(first.append_result().has_offset());  // none on _default
  EXPECT_EQ(first.write_stream(), DefaultStream(table));
  EXPECT_TRUE(AreRows(ReadBack(table), Ids(0, 10)));

  // Later requests may omit the stream and the schema.
  bqs::AppendRowsRequest later = Request("", 10, 25, /*with_schema=*/false);
  bqs::AppendRowsResponse second = connection.MustAppend(later);
  EXPECT_EQ(second.response_case(), bqs::AppendRowsResponse::kAppendResult);
  EXPECT_EQ(second.write_stream(), DefaultStream(table));
  EXPECT_TRUE(connection.Finish().ok());
  EXPECT_TRUE(AreRows(ReadBack(table, 4), Ids(0, 25)));
}

TEST_F(WriteServiceTest, DefaultStreamRefusesOffsetsAndStaysUsable) {
  const std::string table = WritableSmall("p-default-offset");
  Connection connection(write_.get());
  bqs::AppendRowsResponse refused = connection.MustAppend(
      Request(DefaultStream(table), 0, 5, true, /*offset=*/0));
  ASSERT_EQ(refused.response_case(), bqs::AppendRowsResponse::kError);
  EXPECT_TRUE(HasCodes(refused.error(), grpc::StatusCode::INVALID_ARGUMENT,
                       StorageError::STORAGE_ERROR_CODE_UNSPECIFIED));
  EXPECT_NE(refused.error().message().find("_default"), std::string::npos);
  EXPECT_TRUE(AreRows(ReadBack(table), {}));

  bqs::AppendRowsResponse accepted =
      connection.MustAppend(Request("", 0, 5, false));
  EXPECT_EQ(accepted.response_case(), bqs::AppendRowsResponse::kAppendResult);
  EXPECT_TRUE(connection.Finish().ok());
  EXPECT_TRUE(AreRows(ReadBack(table), Ids(0, 5)));
}

TEST_F(WriteServiceTest, CommittedStreamOffsets) {
  const std::string table = WritableSmall("p-offsets");
  const bqs::WriteStream stream =
      MustCreateStream(table, bqs::WriteStream::COMMITTED);
  EXPECT_EQ(stream.type(), bqs::WriteStream::COMMITTED);
  EXPECT_EQ(stream.name().rfind(table + "/streams/", 0), 0u) << stream.name();
  EXPECT_EQ(stream.table_schema().fields_size(), 8);

  Connection connection(write_.get());
  // Exactly at the next offset, then without one (at the end).
  EXPECT_EQ(connection.MustAppend(Request(stream.name(), 0, 10, true, 0))
                .append_result()
                .offset()
                .value(),
            0);
  EXPECT_EQ(connection.MustAppend(Request("", 10, 15, false))
                .append_result()
                .offset()
                .value(),
            10);
  EXPECT_TRUE(AreRows(ReadBack(table), Ids(0, 15)));  // visible on ack

  // A retried append (offset already written): ALREADY_EXISTS, nothing
  // appended twice.
  bqs::AppendRowsResponse retried =
      connection.MustAppend(Request("", 10, 15, false, 10));
  EXPECT_TRUE(HasCodes(retried.error(), grpc::StatusCode::ALREADY_EXISTS,
                       StorageError::OFFSET_ALREADY_EXISTS));
  // Beyond the end, and far beyond: OUT_OF_RANGE.
  for (int64_t offset : {int64_t{16}, std::numeric_limits<int64_t>::max()}) {
    bqs::AppendRowsResponse beyond =
        connection.MustAppend(Request("", 15, 20, false, offset));
    EXPECT_TRUE(HasCodes(beyond.error(), grpc::StatusCode::OUT_OF_RANGE,
                         StorageError::OFFSET_OUT_OF_RANGE))
        << offset;
  }
  bqs::AppendRowsResponse negative =
      connection.MustAppend(Request("", 15, 20, false, -1));
  EXPECT_TRUE(HasCodes(negative.error(), grpc::StatusCode::INVALID_ARGUMENT,
                       StorageError::STORAGE_ERROR_CODE_UNSPECIFIED));
  EXPECT_NE(negative.error().message().find("-1"), std::string::npos);

  // The connection still works, at the offset the errors left alone.
  EXPECT_EQ(connection.MustAppend(Request("", 15, 20, false, 15))
                .append_result()
                .offset()
                .value(),
            15);
  EXPECT_TRUE(connection.Finish().ok());
  EXPECT_TRUE(AreRows(ReadBack(table), Ids(0, 20)));
}

TEST_F(WriteServiceTest, PendingStreamIsInvisibleUntilFinalizedAndCommitted) {
  const std::string table = WritableSmall("p-pending");
  const bqs::WriteStream stream =
      MustCreateStream(table, bqs::WriteStream::PENDING);
  Connection connection(write_.get());
  EXPECT_EQ(connection.MustAppend(Request(stream.name(), 0, 30, true, 0))
                .append_result()
                .offset()
                .value(),
            0);
  EXPECT_TRUE(AreRows(ReadBack(table), {}));

  // Not finalized yet: the commit fails and commits nothing.
  bqs::BatchCommitWriteStreamsResponse early =
      MustCommit(table, {stream.name()});
  EXPECT_FALSE(early.has_commit_time());
  ASSERT_EQ(early.stream_errors_size(), 1);
  EXPECT_EQ(early.stream_errors(0).code(), StorageError::INVALID_STREAM_STATE);
  EXPECT_EQ(early.stream_errors(0).entity(), stream.name());
  EXPECT_TRUE(AreRows(ReadBack(table), {}));

  int64_t row_count = 0;
  ASSERT_TRUE(Finalize(stream.name(), &row_count).ok());
  EXPECT_EQ(row_count, 30);
  // Appends after finalize are refused in-band; the connection stays open.
  bqs::AppendRowsResponse late =
      connection.MustAppend(Request("", 30, 31, false));
  EXPECT_TRUE(HasCodes(late.error(), grpc::StatusCode::INVALID_ARGUMENT,
                       StorageError::STREAM_FINALIZED));
  EXPECT_TRUE(connection.Finish().ok());
  EXPECT_TRUE(AreRows(ReadBack(table), {}));

  bqs::BatchCommitWriteStreamsResponse committed =
      MustCommit(table, {stream.name()});
  EXPECT_TRUE(committed.has_commit_time());
  EXPECT_EQ(committed.stream_errors_size(), 0);
  EXPECT_TRUE(AreRows(ReadBack(table), Ids(0, 30)));

  bqs::BatchCommitWriteStreamsResponse again =
      MustCommit(table, {stream.name()});
  ASSERT_EQ(again.stream_errors_size(), 1);
  EXPECT_EQ(again.stream_errors(0).code(),
            StorageError::STREAM_ALREADY_COMMITTED);
  EXPECT_TRUE(AreRows(ReadBack(table), Ids(0, 30)));  // not twice

  grpc::ClientContext context;
  SetDeadline(&context);
  bqs::GetWriteStreamRequest get;
  get.set_name(stream.name());
  bqs::WriteStream got;
  ASSERT_TRUE(write_->GetWriteStream(&context, get, &got).ok());
  EXPECT_EQ(got.type(), bqs::WriteStream::PENDING);
  EXPECT_TRUE(got.has_commit_time());
  EXPECT_EQ(got.table_schema().fields_size(), 0);  // BASIC view
}

TEST_F(WriteServiceTest, BatchCommitIsAllOrNothing) {
  const std::string table = WritableSmall("p-batch");
  const bqs::WriteStream a = MustCreateStream(table, bqs::WriteStream::PENDING);
  const bqs::WriteStream b = MustCreateStream(table, bqs::WriteStream::PENDING);
  const bqs::WriteStream committed =
      MustCreateStream(table, bqs::WriteStream::COMMITTED);
  {
    Connection connection(write_.get());
    connection.MustAppend(Request(a.name(), 0, 10));
    connection.MustAppend(Request(b.name(), 10, 20));  // switches streams
    EXPECT_TRUE(connection.Finish().ok());
  }
  int64_t row_count = 0;
  ASSERT_TRUE(Finalize(a.name(), &row_count).ok());
  EXPECT_EQ(row_count, 10);
  const std::string unknown = table + "/streams/no-such-stream";
  bqs::BatchCommitWriteStreamsResponse failed =
      MustCommit(table, {a.name(), b.name(), unknown, committed.name()});
  EXPECT_FALSE(failed.has_commit_time());
  ASSERT_EQ(failed.stream_errors_size(), 3);
  EXPECT_EQ(failed.stream_errors(0).entity(), b.name());
  EXPECT_EQ(failed.stream_errors(0).code(), StorageError::INVALID_STREAM_STATE);
  EXPECT_EQ(failed.stream_errors(1).entity(), unknown);
  EXPECT_EQ(failed.stream_errors(1).code(), StorageError::STREAM_NOT_FOUND);
  EXPECT_EQ(failed.stream_errors(2).entity(), committed.name());
  EXPECT_EQ(failed.stream_errors(2).code(), StorageError::INVALID_STREAM_TYPE);
  EXPECT_TRUE(AreRows(ReadBack(table), {}));  // not even a's rows

  ASSERT_TRUE(Finalize(b.name(), &row_count).ok());
  bqs::BatchCommitWriteStreamsResponse done =
      MustCommit(table, {b.name(), a.name()});
  EXPECT_TRUE(done.has_commit_time());
  EXPECT_EQ(done.stream_errors_size(), 0);
  // In the order of the request's list.
  std::vector<int64_t> ids = Ids(10, 20);
  for (int64_t i : Ids(0, 10)) ids.push_back(i);
  EXPECT_TRUE(AreRows(ReadBack(table), ids));
}

TEST_F(WriteServiceTest, BufferedStreamIsVisibleUpToTheFlushedOffset) {
  const std::string table = WritableSmall("p-buffered");
  const bqs::WriteStream stream =
      MustCreateStream(table, bqs::WriteStream::BUFFERED);
  Connection connection(write_.get());
  connection.MustAppend(Request(stream.name(), 0, 10, true, 0));
  EXPECT_TRUE(AreRows(ReadBack(table), {}));

  int64_t flushed = -1;
  ASSERT_TRUE(Flush(stream.name(), 3, &flushed).ok());
  EXPECT_EQ(flushed, 3);
  EXPECT_TRUE(AreRows(ReadBack(table), Ids(0, 4)));  // inclusive
  ASSERT_TRUE(Flush(stream.name(), 1).ok());         // behind: changes nothing
  EXPECT_TRUE(AreRows(ReadBack(table), Ids(0, 4)));

  EXPECT_TRUE(HasCodes(Flush(stream.name(), 10), grpc::StatusCode::OUT_OF_RANGE,
                       StorageError::OFFSET_OUT_OF_RANGE));
  EXPECT_TRUE(HasCodes(Flush(stream.name(), -1),
                       grpc::StatusCode::INVALID_ARGUMENT,
                       StorageError::STORAGE_ERROR_CODE_UNSPECIFIED));
  EXPECT_TRUE(HasCodes(Flush(stream.name(), std::nullopt),
                       grpc::StatusCode::INVALID_ARGUMENT,
                       StorageError::STORAGE_ERROR_CODE_UNSPECIFIED));

  connection.MustAppend(Request("", 10, 12, false, 10));
  ASSERT_TRUE(Flush(stream.name(), 11).ok());
  EXPECT_TRUE(connection.Finish().ok());
  EXPECT_TRUE(AreRows(ReadBack(table), Ids(0, 12)));

  // Only BUFFERED streams flush.
  const bqs::WriteStream committed =
      MustCreateStream(table, bqs::WriteStream::COMMITTED);
  EXPECT_TRUE(HasCodes(Flush(committed.name(), 0),
                       grpc::StatusCode::INVALID_ARGUMENT,
                       StorageError::INVALID_STREAM_TYPE));
  EXPECT_TRUE(HasCodes(Flush(DefaultStream(table), 0),
                       grpc::StatusCode::INVALID_ARGUMENT,
                       StorageError::INVALID_STREAM_TYPE));
}

TEST_F(WriteServiceTest, ProjectsHaveTablesOfTheirOwn) {
  const std::string a = WritableSmall("trial-a");
  const std::string b = WritableSmall("trial-b");
  Connection to_a(write_.get());
  Connection to_b(write_.get());
  to_a.MustAppend(Request(DefaultStream(a), 0, 7));
  to_b.MustAppend(Request(DefaultStream(b), 100, 103));
  EXPECT_TRUE(to_a.Finish().ok());
  EXPECT_TRUE(to_b.Finish().ok());
  EXPECT_TRUE(AreRows(ReadBack(a), Ids(0, 7)));
  EXPECT_TRUE(AreRows(ReadBack(b), Ids(100, 103)));
  // The catalogue's own table is untouched: still its 1,000 generated rows.
  EXPECT_EQ(ReadBack(kCatalogueSmall, 4).size(), 1000u);
}

TEST_F(WriteServiceTest, BadRowsAreRowErrorsAndNothingIsAppended) {
  const std::string table = WritableSmall("p-row-errors");
  const bqs::WriteStream stream =
      MustCreateStream(table, bqs::WriteStream::COMMITTED);
  bqs::AppendRowsRequest request = Request(stream.name(), 0, 4, true, 0);
  auto* rows = request.mutable_proto_rows()->mutable_rows();
  testing::SmallRow missing_required;
  missing_required.ParseFromString(rows->serialized_rows(1));
  missing_required.clear_string_col();
  rows->set_serialized_rows(1, missing_required.SerializeAsString());
  rows->set_serialized_rows(2, std::string("\xff\xff\xff", 3));  // not a row
  testing::SmallRow bad_utf8;
  bad_utf8.ParseFromString(rows->serialized_rows(3));
  bad_utf8.set_string_col(std::string("\xc3\x28", 2));
  rows->set_serialized_rows(3, bad_utf8.SerializeAsString());

  Connection connection(write_.get());
  bqs::AppendRowsResponse response = connection.MustAppend(request);
  EXPECT_TRUE(HasCodes(response.error(), grpc::StatusCode::INVALID_ARGUMENT,
                       StorageError::STORAGE_ERROR_CODE_UNSPECIFIED));
  // The real service's message (Google's Node system test checks its first
  // sentence).
  EXPECT_EQ(response.error().message().rfind(
                "Errors found while processing rows. Please refer to the "
                "row_errors field for details.",
                0),
            0u)
      << response.error().message();
  ASSERT_EQ(response.row_errors_size(), 3);
  for (int k = 0; k < 3; ++k) {
    EXPECT_EQ(response.row_errors(k).index(), k + 1);
    EXPECT_EQ(response.row_errors(k).code(), bqs::RowError::FIELDS_ERROR);
  }
  EXPECT_NE(response.row_errors(0).message().find("string_col"),
            std::string::npos)
      << response.row_errors(0).message();
  EXPECT_NE(response.row_errors(1).message().find("not a valid"),
            std::string::npos)
      << response.row_errors(1).message();
  EXPECT_NE(response.row_errors(2).message().find("UTF-8"), std::string::npos)
      << response.row_errors(2).message();
  EXPECT_TRUE(AreRows(ReadBack(table), {}));  // not even row 0

  // Nothing was appended, so offset 0 is still the next one.
  EXPECT_EQ(connection.MustAppend(Request("", 0, 2, false, 0))
                .append_result()
                .offset()
                .value(),
            0);
  EXPECT_TRUE(connection.Finish().ok());
  EXPECT_TRUE(AreRows(ReadBack(table), Ids(0, 2)));
}

// A request of many bad rows is answered with the first kMaxRowErrors:
// all 200,000 would make an answer of about 11 MB, which a client with
// gRPC's default 4 MiB receive limit gets as RESOURCE_EXHAUSTED instead.
TEST_F(WriteServiceTest, RowErrorsStopAtTheCap) {
  const std::string table = WritableSmall("p-many-bad-rows");
  bqs::AppendRowsRequest request = Request(DefaultStream(table), 0, 1);
  auto* rows = request.mutable_proto_rows()->mutable_rows();
  rows->clear_serialized_rows();
  for (int k = 0; k < 200000; ++k) {
    rows->add_serialized_rows(std::string("\xff", 1));  // not a row
  }
  Connection connection(write_.get());
  bqs::AppendRowsResponse response = connection.MustAppend(request);
  EXPECT_TRUE(HasCodes(response.error(), grpc::StatusCode::INVALID_ARGUMENT,
                       StorageError::STORAGE_ERROR_CODE_UNSPECIFIED));
  ASSERT_EQ(response.row_errors_size(), kMaxRowErrors);
  for (int k = 0; k < kMaxRowErrors; ++k) {
    EXPECT_EQ(response.row_errors(k).index(), k);
  }
  EXPECT_LT(response.ByteSizeLong(), 64u << 10);
  // The connection goes on, with nothing of that request appended.
  EXPECT_EQ(connection.MustAppend(Request("", 0, 2, false)).response_case(),
            bqs::AppendRowsResponse::kAppendResult);
  EXPECT_TRUE(connection.Finish().ok());
  EXPECT_TRUE(AreRows(ReadBack(table), Ids(0, 2)));
}

TEST_F(WriteServiceTest, NullableColumnsMayBeLeftOutOfTheSchema) {
  const std::string table = WritableSmall("p-narrow-schema");
  google::protobuf::DescriptorProto narrow = SmallRowDescriptor();
  narrow.mutable_field()->RemoveLast();  // nullable_string_col
  bqs::AppendRowsRequest request = Request(DefaultStream(table), 0, 3);
  *request.mutable_proto_rows()
       ->mutable_writer_schema()
       ->mutable_proto_descriptor() = narrow;
  Connection connection(write_.get());
  // A row holding a field the writer schema does not declare is refused.
  bqs::AppendRowsResponse refused = connection.MustAppend(request);
  EXPECT_TRUE(HasCodes(refused.error(), grpc::StatusCode::INVALID_ARGUMENT,
                       StorageError::STORAGE_ERROR_CODE_UNSPECIFIED));
  EXPECT_GT(refused.row_errors_size(), 0);

  auto* rows = request.mutable_proto_rows()->mutable_rows();
  for (int k = 0; k < rows->serialized_rows_size(); ++k) {
    testing::SmallRow row;
    ASSERT_TRUE(row.ParseFromString(rows->serialized_rows(k)));
    row.clear_nullable_string_col();
    rows->set_serialized_rows(k, row.SerializeAsString());
  }
  EXPECT_EQ(connection.MustAppend(request).response_case(),
            bqs::AppendRowsResponse::kAppendResult);
  // A later request may bring a new schema: the full one again.
  EXPECT_EQ(connection.MustAppend(Request("", 3, 5, true)).response_case(),
            bqs::AppendRowsResponse::kAppendResult);
  EXPECT_TRUE(connection.Finish().ok());
  std::vector<Row> written = ReadBack(table);
  ASSERT_EQ(written.size(), 5u);
  for (int k = 0; k < 3; ++k) EXPECT_TRUE(written[k][7].is_null) << k;
  EXPECT_TRUE(AreRows({written.begin() + 3, written.end()}, Ids(3, 5)));
}

// First requests the service cannot append anything for end the call with
// the real status, and the server goes on serving other connections.
TEST_F(WriteServiceTest, BadFirstRequestsEndTheCall) {
  const std::string table = WritableSmall("p-bad-first");
  struct Case {
    std::string name;
    bqs::AppendRowsRequest request;
    grpc::StatusCode code;
    StorageError::StorageErrorCode storage_code;
    std::string in_message;
  };
  std::vector<Case> cases;
  cases.push_back({"no stream", Request("", 0, 1), grpc::INVALID_ARGUMENT,
                   StorageError::STORAGE_ERROR_CODE_UNSPECIFIED,
                   "write_stream is required"});
  cases.push_back({"no schema", Request(DefaultStream(table), 0, 1, false),
                   grpc::INVALID_ARGUMENT,
                   StorageError::STORAGE_ERROR_CODE_UNSPECIFIED,
                   "writer_schema is required"});
  cases.push_back({"unknown table",
                   Request(DefaultStream(WritableSmall("p").substr(
                                             0, WritableSmall("p").size() - 5) +
                                         "no_such_table"),
                           0, 1),
                   grpc::NOT_FOUND, StorageError::TABLE_NOT_FOUND,
                   "no_such_table"});
  cases.push_back(
      {"a read-only table", Request(DefaultStream(kCatalogueSmall), 0, 1),
       grpc::NOT_FOUND, StorageError::TABLE_NOT_FOUND, "datasets/writable"});
  cases.push_back({"unknown stream", Request(table + "/streams/nope", 0, 1),
                   grpc::NOT_FOUND, StorageError::STREAM_NOT_FOUND, "nope"});
  cases.push_back({"not a stream name", Request("streams/x", 0, 1),
                   grpc::INVALID_ARGUMENT,
                   StorageError::STORAGE_ERROR_CODE_UNSPECIFIED,
                   "not a write stream name"});
  {
    bqs::AppendRowsRequest request = Request(DefaultStream(table), 0, 1);
    auto* descriptor = request.mutable_proto_rows()
                           ->mutable_writer_schema()
                           ->mutable_proto_descriptor();
    auto* extra = descriptor->add_field();
    extra->set_name("extra_col");
    extra->set_number(99);
    extra->set_type(google::protobuf::FieldDescriptorProto::TYPE_STRING);
    extra->set_label(google::protobuf::FieldDescriptorProto::LABEL_OPTIONAL);
    cases.push_back({"extra field", request, grpc::INVALID_ARGUMENT,
                     StorageError::SCHEMA_MISMATCH_EXTRA_FIELDS, "extra_col"});
  }
  {
    bqs::AppendRowsRequest request = Request(DefaultStream(table), 0, 1);
    auto* field = request.mutable_proto_rows()
                      ->mutable_writer_schema()
                      ->mutable_proto_descriptor()
                      ->mutable_field(1);  // int_col
    field->set_type(google::protobuf::FieldDescriptorProto::TYPE_MESSAGE);
    field->set_type_name(".NoSuchMessage");
    cases.push_back(
        {"descriptor does not build", request, grpc::INVALID_ARGUMENT,
         StorageError::STORAGE_ERROR_CODE_UNSPECIFIED, "NoSuchMessage"});
  }
  {
    bqs::AppendRowsRequest request = Request(DefaultStream(table), 0, 1);
    request.mutable_proto_rows()
        ->mutable_writer_schema()
        ->mutable_proto_descriptor()
        ->mutable_field(1)  // int_col
        ->set_type(google::protobuf::FieldDescriptorProto::TYPE_STRING);
    cases.push_back({"type does not fit the column", request,
                     grpc::INVALID_ARGUMENT,
                     StorageError::STORAGE_ERROR_CODE_UNSPECIFIED,
                     "field \"int_col\" has proto type string"});
  }
  {
    bqs::AppendRowsRequest request = Request(DefaultStream(table), 0, 1);
    request.mutable_proto_rows()
        ->mutable_writer_schema()
        ->mutable_proto_descriptor()
        ->clear_name();
    cases.push_back({"descriptor without a name", request,
                     grpc::INVALID_ARGUMENT,
                     StorageError::STORAGE_ERROR_CODE_UNSPECIFIED, "no name"});
  }
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Connection connection(write_.get());
    bqs::AppendRowsResponse response;
    EXPECT_FALSE(connection.Append(c.request, &response))
        << response.DebugString();
    grpc::Status status = connection.Finish();
    EXPECT_TRUE(HasCodes(status, c.code, c.storage_code));
    EXPECT_NE(status.error_message().find(c.in_message), std::string::npos)
        << status.error_message();
  }
  // Nothing of those requests is visible, and the server still serves.
  EXPECT_TRUE(AreRows(ReadBack(table), {}));
  Connection good(write_.get());
  good.MustAppend(Request(DefaultStream(table), 0, 2));
  EXPECT_TRUE(good.Finish().ok());
  EXPECT_TRUE(AreRows(ReadBack(table), Ids(0, 2)));
}

TEST_F(WriteServiceTest, RequestsOverTenMebibytesAreRefusedByName) {
  const std::string table = WritableSmall("p-too-large");
  bqs::AppendRowsRequest request = Request(DefaultStream(table), 0, 1);
  // One row whose bytes_col alone exceeds the limit.
  testing::SmallRow row;
  row.ParseFromString(request.proto_rows().rows().serialized_rows(0));
  row.set_bytes_col(std::string((10 << 20) + 1, 'x'));
  request.mutable_proto_rows()->mutable_rows()->set_serialized_rows(
      0, row.SerializeAsString());
  Connection connection(write_.get());
  bqs::AppendRowsResponse response;
  EXPECT_FALSE(connection.Append(request, &response));
  grpc::Status status = connection.Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << status.error_message();
  EXPECT_NE(status.error_message().find(absl::StrCat(
                "too large: ", request.ByteSizeLong(), " limit 10485760")),
            std::string::npos)
      << status.error_message();
  EXPECT_TRUE(AreRows(ReadBack(table), {}));

  Connection next(write_.get());
  next.MustAppend(Request(DefaultStream(table), 0, 1));
  EXPECT_TRUE(next.Finish().ok());
  EXPECT_TRUE(AreRows(ReadBack(table), Ids(0, 1)));
}

TEST_F(WriteServiceTest, EmptyRequestIsAnInBandError) {
  const std::string table = WritableSmall("p-empty");
  Connection connection(write_.get());
  bqs::AppendRowsResponse response =
      connection.MustAppend(Request(DefaultStream(table), 0, 0));
  EXPECT_TRUE(HasCodes(response.error(), grpc::StatusCode::INVALID_ARGUMENT,
                       StorageError::STORAGE_ERROR_CODE_UNSPECIFIED));
  // The real service's first sentence (Google's Node system test checks it).
  EXPECT_EQ(response.error().message().rfind("Rows must be specified.", 0), 0u)
      << response.error().message();
  EXPECT_EQ(connection.MustAppend(Request("", 0, 1, false)).response_case(),
            bqs::AppendRowsResponse::kAppendResult);
  EXPECT_TRUE(connection.Finish().ok());
}

TEST_F(WriteServiceTest, UnaryCallsOnBadNamesGetTheRealCodes) {
  const std::string table = WritableSmall("p-unary");
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    bqs::CreateWriteStreamRequest request;
    request.set_parent(
        WritableSmall("p").substr(0, WritableSmall("p").size() - 5) + "nope");
    request.mutable_write_stream()->set_type(bqs::WriteStream::COMMITTED);
    bqs::WriteStream stream;
    EXPECT_TRUE(HasCodes(write_->CreateWriteStream(&context, request, &stream),
                         grpc::StatusCode::NOT_FOUND,
                         StorageError::TABLE_NOT_FOUND));
  }
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    bqs::CreateWriteStreamRequest request;
    request.set_parent(table);  // type left TYPE_UNSPECIFIED
    bqs::WriteStream stream;
    grpc::Status status = write_->CreateWriteStream(&context, request, &stream);
    EXPECT_TRUE(HasCodes(status, grpc::StatusCode::INVALID_ARGUMENT,
                         StorageError::STORAGE_ERROR_CODE_UNSPECIFIED));
    EXPECT_NE(status.error_message().find("TYPE_UNSPECIFIED"),
              std::string::npos);
  }
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    bqs::GetWriteStreamRequest request;
    request.set_name(table + "/streams/missing");
    bqs::WriteStream stream;
    EXPECT_TRUE(HasCodes(write_->GetWriteStream(&context, request, &stream),
                         grpc::StatusCode::NOT_FOUND,
                         StorageError::STREAM_NOT_FOUND));
  }
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    bqs::GetWriteStreamRequest request;
    request.set_name(DefaultStream(table));
    request.set_view(bqs::FULL);
    bqs::WriteStream stream;
    ASSERT_TRUE(write_->GetWriteStream(&context, request, &stream).ok());
    EXPECT_EQ(stream.type(), bqs::WriteStream::COMMITTED);
    ASSERT_EQ(stream.table_schema().fields_size(), 8);
    EXPECT_EQ(stream.table_schema().fields(0).name(), "row_id");
    EXPECT_EQ(stream.table_schema().fields(7).mode(),
              bqs::TableFieldSchema::NULLABLE);
  }
  int64_t row_count = 0;
  EXPECT_TRUE(HasCodes(Finalize(DefaultStream(table), &row_count),
                       grpc::StatusCode::INVALID_ARGUMENT,
                       StorageError::INVALID_STREAM_TYPE));
  EXPECT_TRUE(HasCodes(Finalize(table + "/streams/missing", &row_count),
                       grpc::StatusCode::NOT_FOUND,
                       StorageError::STREAM_NOT_FOUND));
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    bqs::BatchCommitWriteStreamsRequest request;
    request.set_parent(table);
    bqs::BatchCommitWriteStreamsResponse response;
    EXPECT_TRUE(
        HasCodes(write_->BatchCommitWriteStreams(&context, request, &response),
                 grpc::StatusCode::INVALID_ARGUMENT,
                 StorageError::STORAGE_ERROR_CODE_UNSPECIFIED));
  }
}

// A call that ends with a StorageError also carries it in the trailer
// google.cloud.bigquery.storage.v1.storageerror-bin, as Google's servers send
// a status's details; the Node client finds it nowhere else. An error
// without one, or success, adds no such trailer.
TEST_F(WriteServiceTest, CallEndingStorageErrorsAreInTheirTrailerToo) {
  const std::string table = WritableSmall("p-trailers");
  {
    Connection connection(write_.get());
    bqs::AppendRowsResponse response;
    EXPECT_FALSE(
        connection.Append(Request(table + "/streams/nope", 0, 1), &response));
    EXPECT_TRUE(HasCodes(connection.Finish(), grpc::StatusCode::NOT_FOUND,
                         StorageError::STREAM_NOT_FOUND));
    const std::vector<StorageError> errors =
        StorageErrorsInTrailer(connection.context());
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].code(), StorageError::STREAM_NOT_FOUND);
    EXPECT_EQ(errors[0].entity(), table + "/streams/nope");
  }
  {
    // The status names the extra field; the StorageError's message is the
    // real service's, which Google's Node system test compares whole.
    bqs::AppendRowsRequest request = Request(DefaultStream(table), 0, 1);
    auto* extra = request.mutable_proto_rows()
                      ->mutable_writer_schema()
                      ->mutable_proto_descriptor()
                      ->add_field();
    extra->set_name("extra_col");
    extra->set_number(99);
    extra->set_type(google::protobuf::FieldDescriptorProto::TYPE_STRING);
    extra->set_label(google::protobuf::FieldDescriptorProto::LABEL_OPTIONAL);
    Connection connection(write_.get());
    bqs::AppendRowsResponse response;
    EXPECT_FALSE(connection.Append(request, &response));
    const grpc::Status status = connection.Finish();
    EXPECT_NE(status.error_message().find("extra fields: 'extra_col'"),
              std::string::npos)
        << status.error_message();
    const std::vector<StorageError> errors =
        StorageErrorsInTrailer(connection.context());
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].code(), StorageError::SCHEMA_MISMATCH_EXTRA_FIELDS);
    EXPECT_EQ(errors[0].error_message(),
              "Schema mismatch due to extra fields in user schema");
    ASSERT_TRUE(StorageErrorIn(status).has_value());
    EXPECT_EQ(StorageErrorIn(status)->error_message(),
              errors[0].error_message());
  }
  {
    Connection connection(write_.get());
    bqs::AppendRowsResponse response;
    EXPECT_FALSE(connection.Append(Request("", 0, 1), &response));
    EXPECT_EQ(connection.Finish().error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_TRUE(StorageErrorsInTrailer(connection.context()).empty());
  }
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    bqs::GetWriteStreamRequest request;
    request.set_name(table + "/streams/missing");
    bqs::WriteStream stream;
    EXPECT_TRUE(HasCodes(write_->GetWriteStream(&context, request, &stream),
                         grpc::StatusCode::NOT_FOUND,
                         StorageError::STREAM_NOT_FOUND));
    const std::vector<StorageError> errors = StorageErrorsInTrailer(context);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].code(), StorageError::STREAM_NOT_FOUND);
  }
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    bqs::GetWriteStreamRequest request;
    request.set_name(DefaultStream(table));
    bqs::WriteStream stream;
    ASSERT_TRUE(write_->GetWriteStream(&context, request, &stream).ok());
    EXPECT_TRUE(StorageErrorsInTrailer(context).empty());
  }
}

// Written rows read back through every stream of a session, like generated
// ones: the Read path's streams, offsets and projections apply.
TEST_F(WriteServiceTest, WrittenRowsReadBackThroughSeveralStreams) {
  const std::string table = WritableSmall("p-read-back");
  Connection connection(write_.get());
  for (int64_t begin = 0; begin < 1000; begin += 250) {
    connection.MustAppend(Request(DefaultStream(table), begin, begin + 250));
  }
  EXPECT_TRUE(connection.Finish().ok());
  EXPECT_TRUE(AreRows(ReadBack(table, 4), Ids(0, 1000)));

  bqs::CreateReadSessionRequest request;
  request.set_parent("projects/reader");
  request.mutable_read_session()->set_table(table);
  request.mutable_read_session()->set_data_format(bqs::AVRO);
  request.mutable_read_session()->mutable_read_options()->add_selected_fields(
      "string_col");
  request.set_max_stream_count(3);
  bqs::ReadSession session;
  grpc::ClientContext context;
  SetDeadline(&context);
  ASSERT_TRUE(read_->CreateReadSession(&context, request, &session).ok());
  EXPECT_EQ(session.streams_size(), 3);
  EXPECT_EQ(session.estimated_row_count(), 1000);
  EXPECT_EQ(session.table(), table);

  // The second stream resumed mid-way: rows from (first stream's length + 5)
  // on, of the projected column only.
  auto decoder = AvroRowDecoder::Create(session.avro_schema().schema());
  ASSERT_TRUE(decoder.ok());
  ASSERT_EQ(decoder->field_names(), std::vector<std::string>{"string_col"});
  auto read = [&](int stream, int64_t offset) {
    std::vector<std::string> values;
    grpc::ClientContext read_context;
    SetDeadline(&read_context);
    bqs::ReadRowsRequest read_request;
    read_request.set_read_stream(session.streams(stream).name());
    read_request.set_offset(offset);
    auto reader = read_->ReadRows(&read_context, read_request);
    bqs::ReadRowsResponse response;
    while (reader->Read(&response)) {
      EXPECT_TRUE(decoder
                      ->Decode(response.avro_rows().serialized_binary_rows(),
                               response.row_count(),
                               [&](const Row& row) {
                                 values.push_back(row[0].bytes_value);
                               })
                      .ok());
    }
    EXPECT_TRUE(reader->Finish().ok());
    return values;
  };
  const int64_t second_start = static_cast<int64_t>(read(0, 0).size());
  const std::vector<std::string> values = read(1, 5);
  ASSERT_FALSE(values.empty());
  FieldValue expected;
  for (size_t k = 0; k < values.size(); ++k) {
    generator_.FillCell(second_start + 5 + static_cast<int64_t>(k), 2,
                        &expected);
    ASSERT_EQ(values[k], expected.bytes_value) << k;
  }
}

// Writers of different projects on one server at once (what concurrent
// trials do), each with its own connection; under ThreadSanitizer this is
// where the store's locking is exercised.
TEST_F(WriteServiceTest, ConcurrentWritersOfDifferentProjects) {
  constexpr int kWriters = 4;
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([this, w] {
      const std::string table = WritableSmall(absl::StrCat("concurrent-", w));
      const bqs::WriteStream stream =
          MustCreateStream(table, bqs::WriteStream::COMMITTED);
      Connection connection(write_.get());
      for (int64_t begin = 0; begin < 100; begin += 20) {
        bqs::AppendRowsResponse response = connection.MustAppend(
            Request(begin == 0 ? stream.name() : "", begin, begin + 20,
                    begin == 0, begin));
        EXPECT_EQ(response.append_result().offset().value(), begin);
      }
      EXPECT_TRUE(connection.Finish().ok());
    });
  }
  for (std::thread& writer : writers) writer.join();
  for (int w = 0; w < kWriters; ++w) {
    EXPECT_TRUE(AreRows(ReadBack(WritableSmall(absl::StrCat("concurrent-", w))),
                        Ids(0, 100)))
        << w;
  }
}

FaultRule AppendFault(FaultKind kind, const std::string& target,
                      int64_t after_appends, int64_t millis = 0) {
  FaultRule rule{kind, target};
  rule.rpc = FaultRpc::kAppendRows;
  rule.after_appends = after_appends;
  rule.millis = millis;
  return rule;
}

TEST_F(WriteServiceTest, InjectedTerminatingFaultsEndTheCallBeforeTheAppend) {
  const std::string table = WritableSmall("p-fault-end");
  server_->faults().Add(AppendFault(FaultKind::kUnavailable, table, 2));
  const bqs::WriteStream stream =
      MustCreateStream(table, bqs::WriteStream::COMMITTED);
  {
    Connection connection(write_.get());
    connection.MustAppend(Request(stream.name(), 0, 5, true, 0));
    connection.MustAppend(Request("", 5, 10, false, 5));
    bqs::AppendRowsResponse response;
    EXPECT_FALSE(connection.Append(Request("", 10, 15, false, 10), &response));
    grpc::Status status = connection.Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
    EXPECT_NE(status.error_message().find(std::string(kInjectedFaultMarker)),
              std::string::npos)
        << status.error_message();
  }
  EXPECT_EQ(server_->faults().fired(FaultKind::kUnavailable), 1);
  EXPECT_TRUE(AreRows(ReadBack(table), Ids(0, 10)));  // the third not applied
  {
    // A writer that reconnects resends from its last acknowledged offset.
    Connection connection(write_.get());
    EXPECT_EQ(connection.MustAppend(Request(stream.name(), 10, 15, true, 10))
                  .append_result()
                  .offset()
                  .value(),
              10);
    EXPECT_TRUE(connection.Finish().ok());
  }
  EXPECT_TRUE(AreRows(ReadBack(table), Ids(0, 15)));

  server_->faults().Add(AppendFault(FaultKind::kRstStream, table, 0));
  Connection connection(write_.get());
  bqs::AppendRowsResponse response;
  EXPECT_FALSE(
      connection.Append(Request(DefaultStream(table), 15, 16), &response));
  grpc::Status status = connection.Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_NE(status.error_message().find("RST_STREAM"), std::string::npos);
  EXPECT_EQ(server_->faults().fired(FaultKind::kRstStream), 1);
  EXPECT_TRUE(AreRows(ReadBack(table), Ids(0, 15)));
}

TEST_F(WriteServiceTest, InjectedAbortRefusesOneAppendInBand) {
  const std::string table = WritableSmall("p-fault-aborted");
  const bqs::WriteStream stream =
      MustCreateStream(table, bqs::WriteStream::COMMITTED);
  server_->faults().Add(AppendFault(FaultKind::kAborted, stream.name(), 1));
  Connection connection(write_.get());
  connection.MustAppend(Request(stream.name(), 0, 5, true, 0));
  bqs::AppendRowsResponse aborted =
      connection.MustAppend(Request("", 5, 10, false, 5));
  EXPECT_TRUE(HasCodes(aborted.error(), grpc::StatusCode::ABORTED,
                       StorageError::STORAGE_ERROR_CODE_UNSPECIFIED));
  EXPECT_NE(aborted.error().message().find(std::string(kInjectedFaultMarker)),
            std::string::npos);
  // Retried at the same offset: accepted, nothing lost or doubled.
  EXPECT_EQ(connection.MustAppend(Request("", 5, 10, false, 5))
                .append_result()
                .offset()
                .value(),
            5);
  EXPECT_TRUE(connection.Finish().ok());
  EXPECT_EQ(server_->faults().fired(FaultKind::kAborted), 1);
  EXPECT_TRUE(AreRows(ReadBack(table), Ids(0, 10)));
}

TEST_F(WriteServiceTest, InjectedStallDelaysTheAcknowledgement) {
  const std::string table = WritableSmall("p-fault-stall");
  server_->faults().Add(AppendFault(FaultKind::kStall, table, 0, 300));
  Connection connection(write_.get());
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(connection.MustAppend(Request(DefaultStream(table), 0, 3))
                .response_case(),
            bqs::AppendRowsResponse::kAppendResult);
  EXPECT_GE(std::chrono::steady_clock::now() - start,
            std::chrono::milliseconds(250));
  EXPECT_TRUE(connection.Finish().ok());
  EXPECT_EQ(server_->faults().fired(FaultKind::kStall), 1);
  EXPECT_TRUE(AreRows(ReadBack(table), Ids(0, 3)));
}

// A client that gives up during a stall ends the wait at once: the call ends
// by its deadline, not the stall's minute, and the server shuts down promptly.
TEST_F(WriteServiceTest, ACancelledClientEndsAnInjectedStall) {
  const std::string table = WritableSmall("p-fault-stall-cancel");
  server_->faults().Add(AppendFault(FaultKind::kStall, table, 0, 60000));
  const auto start = std::chrono::steady_clock::now();
  {
    Connection connection(write_.get(), std::chrono::milliseconds(500));
    bqs::AppendRowsResponse response;
    EXPECT_FALSE(
        connection.Append(Request(DefaultStream(table), 0, 3), &response));
    EXPECT_EQ(connection.Finish().error_code(),
              grpc::StatusCode::DEADLINE_EXCEEDED);
  }
  server_->Shutdown(/*grace_millis=*/5000);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

// Over a real socket: one address serves both APIs, and the server receives
// a request over the 10 MiB limit (gRPC's default limit is 4 MiB) so that the
// service, not gRPC, answers it.
TEST_F(WriteServiceTest, OneTcpAddressServesBothApisAndLargeRequests) {
  server_.reset();
  StartServer("127.0.0.1:0");
  ASSERT_FALSE(server_->address().empty());
  const std::string table = WritableSmall("p-tcp");

  bqs::AppendRowsRequest large = Request(DefaultStream(table), 0, 1);
  testing::SmallRow row;
  ASSERT_TRUE(
      row.ParseFromString(large.proto_rows().rows().serialized_rows(0)));
  row.set_bytes_col(std::string(11 << 20, 'y'));
  large.mutable_proto_rows()->mutable_rows()->set_serialized_rows(
      0, row.SerializeAsString());
  {
    Connection connection(write_.get());
    bqs::AppendRowsResponse response;
    EXPECT_FALSE(connection.Append(large, &response));
    grpc::Status status = connection.Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << status.error_message();
    EXPECT_NE(status.error_message().find("limit 10485760"), std::string::npos)
        << status.error_message();
  }
  Connection connection(write_.get());
  connection.MustAppend(Request(DefaultStream(table), 0, 50));
  EXPECT_TRUE(connection.Finish().ok());
  EXPECT_TRUE(AreRows(ReadBack(table, 2), Ids(0, 50)));
}

// Over TCP, where the client limits the trailing metadata that carries a
// status (8 KiB): errors about a 9 KB name keep their own codes because the
// name is echoed bounded, in the message and in the StorageError alike.
TEST_F(WriteServiceTest, HugeNamesGetTheirOwnCodesOverTcp) {
  server_.reset();
  StartServer("127.0.0.1:0");
  const std::string huge_project(9 * 1024, 'x');
  const std::string table = WritableSmall(huge_project);  // a valid name
  auto expect_bounded = [](const grpc::Status& status, grpc::StatusCode code,
                           StorageError::StorageErrorCode storage_code,
                           const char* call) {
    EXPECT_TRUE(HasCodes(status, code, storage_code))
        << call << ": " << status.error_message().substr(0, 300);
    EXPECT_LT(status.error_message().size(), 1000u) << call;
    EXPECT_NE(status.error_message().find(" bytes)"), std::string::npos)
        << call << ": " << status.error_message().substr(0, 300);
  };
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    bqs::GetWriteStreamRequest request;
    request.set_name(table + "/streams/missing");
    bqs::WriteStream stream;
    expect_bounded(write_->GetWriteStream(&context, request, &stream),
                   grpc::StatusCode::NOT_FOUND, StorageError::STREAM_NOT_FOUND,
                   "GetWriteStream");
  }
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    bqs::CreateWriteStreamRequest request;
    request.set_parent("projects/" + huge_project +
                       "/datasets/synthetic/tables/small");
    request.mutable_write_stream()->set_type(bqs::WriteStream::PENDING);
    bqs::WriteStream stream;
    expect_bounded(write_->CreateWriteStream(&context, request, &stream),
                   grpc::StatusCode::NOT_FOUND, StorageError::TABLE_NOT_FOUND,
                   "CreateWriteStream");
  }
  {
    Connection connection(write_.get());
    bqs::AppendRowsResponse response;
    EXPECT_FALSE(connection.Append(Request(table + "/streams/missing", 0, 1),
                                   &response));
    expect_bounded(connection.Finish(), grpc::StatusCode::NOT_FOUND,
                   StorageError::STREAM_NOT_FOUND, "AppendRows");
  }
  {
    bqs::AppendRowsRequest request = Request(DefaultStream(table), 0, 1);
    auto* extra = request.mutable_proto_rows()
                      ->mutable_writer_schema()
                      ->mutable_proto_descriptor()
                      ->add_field();
    extra->set_name(std::string(9 * 1024, 'f'));
    extra->set_number(99);
    extra->set_type(google::protobuf::FieldDescriptorProto::TYPE_INT64);
    extra->set_label(google::protobuf::FieldDescriptorProto::LABEL_OPTIONAL);
    Connection connection(write_.get());
    bqs::AppendRowsResponse response;
    EXPECT_FALSE(connection.Append(request, &response));
    expect_bounded(connection.Finish(), grpc::StatusCode::INVALID_ARGUMENT,
                   StorageError::SCHEMA_MISMATCH_EXTRA_FIELDS,
                   "AppendRows with a 9 KB field name");
  }
  // And the table with the huge project works like any other.
  Connection connection(write_.get());
  connection.MustAppend(Request(DefaultStream(table), 0, 3));
  EXPECT_TRUE(connection.Finish().ok());
  EXPECT_TRUE(AreRows(ReadBack(table), Ids(0, 3)));
}

}  // namespace
}  // namespace forkcheck
