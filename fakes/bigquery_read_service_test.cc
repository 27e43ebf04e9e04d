// The fake's API semantics, observed through a plain generated stub (not the
// reference client, so that client logic cannot mask a server bug).
#include <unistd.h>

#include <chrono>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/avro_row_decoder.h"
#include "fakes/fake_server.h"
#include "google/cloud/bigquery/storage/v1/storage.grpc.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

namespace bqs = google::cloud::bigquery::storage::v1;

constexpr char kSmall[] = "projects/forkcheck/datasets/synthetic/tables/small";
constexpr char kMedium[] =
    "projects/forkcheck/datasets/synthetic/tables/medium";
constexpr char kEmpty[] = "projects/forkcheck/datasets/synthetic/tables/empty";

struct ReadResult {
  std::vector<bqs::ReadRowsResponse> responses;
  grpc::Status status;
  std::vector<int64_t> row_ids;  // decoded from the responses, in order
};

class ReadServiceTest : public ::testing::Test {
 protected:
  void StartServer(FakeServerOptions options = {}) {
    options.listen_address = "";  // in-process: these tests are about the API
    auto server = FakeServer::Start(std::move(options));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    stub_ = bqs::BigQueryRead::NewStub(server_->InProcessChannel());
  }

  void SetUp() override { StartServer(); }

  static bqs::CreateReadSessionRequest SessionRequest(const std::string& table,
                                                      int max_streams) {
    bqs::CreateReadSessionRequest request;
    request.set_parent("projects/forkcheck");
    request.mutable_read_session()->set_table(table);
    request.mutable_read_session()->set_data_format(bqs::AVRO);
    request.set_max_stream_count(max_streams);
    return request;
  }

  grpc::Status CreateSession(const bqs::CreateReadSessionRequest& request,
                             bqs::ReadSession* session) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(30));
    return stub_->CreateReadSession(&context, request, session);
  }

  bqs::ReadSession MustCreate(const std::string& table, int max_streams) {
    bqs::ReadSession session;
    grpc::Status status =
        CreateSession(SessionRequest(table, max_streams), &session);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return session;
  }

  // Reads `stream` from `offset`; decodes row ids with `schema` (the
  // session's), which the first response must repeat.
  ReadResult Read(const std::string& stream, int64_t offset,
                  const std::string& schema) {
    ReadResult result;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(30));
    bqs::ReadRowsRequest request;
    request.set_read_stream(stream);
    request.set_offset(offset);
    auto reader = stub_->ReadRows(&context, request);
    bqs::ReadRowsResponse response;
    auto decoder = AvroRowDecoder::Create(schema);
    EXPECT_TRUE(decoder.ok()) << decoder.status();
    while (reader->Read(&response)) {
      absl::Status decoded = decoder->Decode(
          response.avro_rows().serialized_binary_rows(), response.row_count(),
          [&](const Row& row) { result.row_ids.push_back(row[0].int_value); });
      EXPECT_TRUE(decoded.ok()) << decoded;
      result.responses.push_back(response);
    }
    result.status = reader->Finish();
    return result;
  }

  std::unique_ptr<FakeServer> server_;
  std::unique_ptr<bqs::BigQueryRead::Stub> stub_;
};

TEST_F(ReadServiceTest, SessionHasRealNamesAndEstimates) {
  bqs::ReadSession session = MustCreate(kSmall, 3);
  EXPECT_TRUE(std::regex_match(
      session.name(),
      std::regex("projects/forkcheck/locations/[a-z0-9-]+/sessions/[^/]+")))
      << session.name();
  ASSERT_EQ(session.streams_size(), 3);
  for (const auto& stream : session.streams()) {
    EXPECT_EQ(stream.name().rfind(session.name() + "/streams/", 0), 0u)
        << stream.name();
  }
  EXPECT_EQ(session.table(), kSmall);
  EXPECT_EQ(session.data_format(), bqs::AVRO);
  EXPECT_EQ(session.estimated_row_count(), 1000);
  EXPECT_GT(session.expire_time().seconds(),
            std::chrono::duration_cast<std::chrono::seconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count());
  EXPECT_NE(session.avro_schema().schema().find("\"row_id\""),
            std::string::npos);
}

TEST_F(ReadServiceTest, StreamCountIsClampedAndChosen) {
  // small: 1000 rows in chunks of 100 -> at most 10 streams.
  EXPECT_EQ(MustCreate(kSmall, 0).streams_size(), 10);  // server's choice
  EXPECT_EQ(MustCreate(kSmall, 4).streams_size(), 4);
  EXPECT_EQ(MustCreate(kSmall, 999).streams_size(), 10);
  // medium: 200000 rows in chunks of 5000 -> 40 chunks.
  EXPECT_EQ(MustCreate(kMedium, 0).streams_size(), 16);  // the default
  EXPECT_EQ(MustCreate(kMedium, 5000).streams_size(), 40);
  bqs::CreateReadSessionRequest request = SessionRequest(kMedium, 0);
  request.set_preferred_min_stream_count(30);
  bqs::ReadSession session;
  ASSERT_TRUE(CreateSession(request, &session).ok());
  EXPECT_EQ(session.streams_size(), 30);
  EXPECT_EQ(MustCreate(kEmpty, 0).streams_size(), 0);
}

TEST_F(ReadServiceTest, StreamsCoverEveryRowExactlyOnce) {
  bqs::ReadSession session = MustCreate(kSmall, 3);
  std::multiset<int64_t> seen;
  for (const auto& stream : session.streams()) {
    ReadResult result = Read(stream.name(), 0, session.avro_schema().schema());
    ASSERT_TRUE(result.status.ok()) << result.status.error_message();
    seen.insert(result.row_ids.begin(), result.row_ids.end());
  }
  ASSERT_EQ(seen.size(), 1000u);
  int64_t expected = 0;
  for (int64_t id : seen) EXPECT_EQ(id, expected++);
}

TEST_F(ReadServiceTest, ResponsesCarryCountsProgressAndSchemaOnlyFirst) {
  server_.reset();
  FakeServerOptions options;
  options.rows_per_response = 30;
  StartServer(options);
  bqs::ReadSession session = MustCreate(kSmall, 1);
  ReadResult result =
      Read(session.streams(0).name(), 0, session.avro_schema().schema());
  ASSERT_TRUE(result.status.ok());
  ASSERT_GT(result.responses.size(), 1u);
  double previous_end = 0;
  for (size_t i = 0; i < result.responses.size(); ++i) {
    const auto& response = result.responses[i];
    EXPECT_GT(response.row_count(), 0);
    EXPECT_LE(response.row_count(), 30);
    EXPECT_EQ(response.has_avro_schema(), i == 0) << "response " << i;
    EXPECT_TRUE(response.has_throttle_state());
    EXPECT_DOUBLE_EQ(response.stats().progress().at_response_start(),
                     previous_end);
    EXPECT_GT(response.stats().progress().at_response_end(), previous_end);
    previous_end = response.stats().progress().at_response_end();
  }
  EXPECT_DOUBLE_EQ(previous_end, 1.0);
}

TEST_F(ReadServiceTest, BytesPerResponseBoundsResponseSize) {
  server_.reset();
  FakeServerOptions options;
  options.bytes_per_response = 4096;
  StartServer(options);
  bqs::ReadSession session = MustCreate(kSmall, 1);
  ReadResult result =
      Read(session.streams(0).name(), 0, session.avro_schema().schema());
  ASSERT_TRUE(result.status.ok());
  for (const auto& response : result.responses) {
    // A block closes on the row that reaches the target.
    EXPECT_LT(response.avro_rows().serialized_binary_rows().size(), 4096u + 1024u);
  }
  EXPECT_GT(result.responses.size(), 5u);
}

TEST_F(ReadServiceTest, OffsetsResumeWithinTheStream) {
  bqs::ReadSession session = MustCreate(kSmall, 2);  // 500 rows per stream
  const std::string stream = session.streams(1).name();
  const std::string schema = session.avro_schema().schema();
  ReadResult from_start = Read(stream, 0, schema);
  ASSERT_TRUE(from_start.status.ok());
  ASSERT_EQ(from_start.row_ids.size(), 500u);

  ReadResult resumed = Read(stream, 123, schema);
  ASSERT_TRUE(resumed.status.ok());
  std::vector<int64_t> expected(from_start.row_ids.begin() + 123,
                                from_start.row_ids.end());
  EXPECT_EQ(resumed.row_ids, expected);
  EXPECT_TRUE(resumed.responses.at(0).has_avro_schema());

  ReadResult at_end = Read(stream, 500, schema);
  EXPECT_TRUE(at_end.status.ok());
  EXPECT_TRUE(at_end.responses.empty());

  EXPECT_EQ(Read(stream, 501, schema).status.error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Read(stream, -1, schema).status.error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Read(session.name() + "/streams/nope", 0, schema).status.error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Read("", 0, schema).status.error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ReadServiceTest, ProjectionKeepsTableOrderAndRowId) {
  bqs::CreateReadSessionRequest request = SessionRequest(kSmall, 1);
  auto* fields =
      request.mutable_read_session()->mutable_read_options()->mutable_selected_fields();
  fields->Add("string_col");
  fields->Add("row_id");
  fields->Add("int_col");
  bqs::ReadSession session;
  ASSERT_TRUE(CreateSession(request, &session).ok());
  auto decoder = AvroRowDecoder::Create(session.avro_schema().schema());
  ASSERT_TRUE(decoder.ok());
  EXPECT_EQ(decoder->field_names(),
            (std::vector<std::string>{"row_id", "int_col", "string_col"}));
  ReadResult result =
      Read(session.streams(0).name(), 0, session.avro_schema().schema());
  EXPECT_TRUE(result.status.ok());
  EXPECT_EQ(result.row_ids.size(), 1000u);
}

TEST_F(ReadServiceTest, BadSessionRequestsGetTheRightCodes) {
  struct Case {
    const char* name;
    bqs::CreateReadSessionRequest request;
    grpc::StatusCode code;
  };
  std::vector<Case> cases;
  cases.push_back({"unknown table",
                   SessionRequest("projects/p/datasets/d/tables/none", 1),
                   grpc::StatusCode::NOT_FOUND});
  Case unspecified{"format unspecified", SessionRequest(kSmall, 1),
                   grpc::StatusCode::INVALID_ARGUMENT};
  unspecified.request.mutable_read_session()->set_data_format(
      bqs::DATA_FORMAT_UNSPECIFIED);
  cases.push_back(unspecified);
  cases.push_back({"negative max", SessionRequest(kSmall, -1),
                   grpc::StatusCode::INVALID_ARGUMENT});
  Case negative_min{"negative min", SessionRequest(kSmall, 0),
                    grpc::StatusCode::INVALID_ARGUMENT};
  negative_min.request.set_preferred_min_stream_count(-2);
  cases.push_back(negative_min);
  Case max_below_min{"max < min", SessionRequest(kSmall, 2),
                     grpc::StatusCode::INVALID_ARGUMENT};
  max_below_min.request.set_preferred_min_stream_count(3);
  cases.push_back(max_below_min);
  Case unknown_column{"unknown column", SessionRequest(kSmall, 1),
                      grpc::StatusCode::INVALID_ARGUMENT};
  unknown_column.request.mutable_read_session()
      ->mutable_read_options()
      ->add_selected_fields("no_such_column");
  cases.push_back(unknown_column);
  Case bad_parent{"bad parent", SessionRequest(kSmall, 1),
                  grpc::StatusCode::INVALID_ARGUMENT};
  bad_parent.request.set_parent("forkcheck");
  cases.push_back(bad_parent);
  Case no_table{"no table", SessionRequest("", 1),
                grpc::StatusCode::INVALID_ARGUMENT};
  cases.push_back(no_table);
  for (const Case& c : cases) {
    bqs::ReadSession session;
    grpc::Status status = CreateSession(c.request, &session);
    EXPECT_EQ(status.error_code(), c.code) << c.name << ": "
                                           << status.error_message();
    EXPECT_FALSE(status.error_message().empty()) << c.name;
  }
}

TEST_F(ReadServiceTest, SplitGivesContiguousPartsAndKeepsTheOriginal) {
  bqs::ReadSession session = MustCreate(kSmall, 1);  // one 1000-row stream
  const std::string schema = session.avro_schema().schema();
  const std::string original = session.streams(0).name();
  bqs::SplitReadStreamRequest request;
  request.set_name(original);
  request.set_fraction(0.3);
  bqs::SplitReadStreamResponse response;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->SplitReadStream(&context, request, &response).ok());
  }
  ReadResult primary = Read(response.primary_stream().name(), 0, schema);
  ReadResult remainder = Read(response.remainder_stream().name(), 0, schema);
  ASSERT_TRUE(primary.status.ok());
  ASSERT_TRUE(remainder.status.ok());
  EXPECT_EQ(primary.row_ids.size(), 300u);  // at the chunk boundary (100s)
  std::vector<int64_t> joined = primary.row_ids;
  joined.insert(joined.end(), remainder.row_ids.begin(),
                remainder.row_ids.end());
  EXPECT_EQ(joined, Read(original, 0, schema).row_ids);
  EXPECT_EQ(joined.size(), 1000u);

  for (double fraction : {0.0, 1.0, -0.5, 2.0}) {
    grpc::ClientContext context;
    request.set_fraction(fraction);
    EXPECT_EQ(stub_->SplitReadStream(&context, request, &response).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT)
        << fraction;
  }
  // A one-chunk stream cannot be split: an empty response.
  request.set_name(primary.responses.empty() ? ""
                                             : response.primary_stream().name());
  bqs::ReadSession tiny = MustCreate(kSmall, 10);  // 100 rows = 1 chunk each
  request.set_name(tiny.streams(0).name());
  request.set_fraction(0.5);
  bqs::SplitReadStreamResponse empty;
  grpc::ClientContext context;
  ASSERT_TRUE(stub_->SplitReadStream(&context, request, &empty).ok());
  EXPECT_FALSE(empty.has_primary_stream());
  EXPECT_FALSE(empty.has_remainder_stream());
  grpc::ClientContext unknown_context;
  request.set_name(tiny.name() + "/streams/unknown");
  EXPECT_EQ(stub_->SplitReadStream(&unknown_context, request, &empty)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(ReadServiceTest, TerminatingFaultsEndAfterExactlyNRows) {
  bqs::ReadSession session = MustCreate(kSmall, 1);
  const std::string stream = session.streams(0).name();
  const std::string schema = session.avro_schema().schema();
  server_->faults().Add({FaultKind::kUnavailable, stream, 137});
  ReadResult broken = Read(stream, 0, schema);
  EXPECT_EQ(broken.status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(broken.row_ids.size(), 137u);
  EXPECT_EQ(server_->faults().fired(FaultKind::kUnavailable), 1);
  ReadResult again = Read(stream, 137, schema);  // fired once: now clean
  EXPECT_TRUE(again.status.ok());
  EXPECT_EQ(again.row_ids.size(), 1000u - 137u);

  server_->faults().Add({FaultKind::kRstStream, session.name(), 400});
  ReadResult reset = Read(stream, 0, schema);
  EXPECT_EQ(reset.status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_NE(reset.status.error_message().find("RST_STREAM"), std::string::npos);
  EXPECT_EQ(reset.row_ids.size(), 400u);
}

TEST_F(ReadServiceTest, ResourceExhaustedCarriesRetryInfo) {
  bqs::ReadSession session = MustCreate(kSmall, 1);
  server_->faults().Add(
      {FaultKind::kResourceExhausted, kSmall, 10, /*millis=*/1500});
  ReadResult result =
      Read(session.streams(0).name(), 0, session.avro_schema().schema());
  ASSERT_EQ(result.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(result.row_ids.size(), 10u);
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(result.status.error_details()));
  ASSERT_EQ(details.details_size(), 1);
  google::rpc::RetryInfo retry;
  ASSERT_TRUE(details.details(0).UnpackTo(&retry));
  EXPECT_EQ(retry.retry_delay().seconds(), 1);
  EXPECT_EQ(retry.retry_delay().nanos(), 500000000);
}

TEST_F(ReadServiceTest, StallsDelaysAndCorruptionDisturbWithoutEnding) {
  bqs::ReadSession session = MustCreate(kSmall, 1);
  const std::string stream = session.streams(0).name();
  const std::string schema = session.avro_schema().schema();
  ReadResult clean = Read(stream, 0, schema);

  server_->faults().Add({FaultKind::kStall, stream, 500, /*millis=*/300});
  auto start = std::chrono::steady_clock::now();
  ReadResult stalled = Read(stream, 0, schema);
  EXPECT_GE(std::chrono::steady_clock::now() - start,
            std::chrono::milliseconds(300));
  EXPECT_TRUE(stalled.status.ok());
  EXPECT_EQ(stalled.row_ids, clean.row_ids);
  EXPECT_EQ(server_->faults().fired(FaultKind::kStall), 1);

  server_->faults().Add({FaultKind::kCorruptPayload, stream, 0});
  grpc::ClientContext context;
  bqs::ReadRowsRequest request;
  request.set_read_stream(stream);
  auto reader = stub_->ReadRows(&context, request);
  bqs::ReadRowsResponse corrupted;
  ASSERT_TRUE(reader->Read(&corrupted));
  EXPECT_NE(corrupted.avro_rows().serialized_binary_rows(),
            clean.responses[0].avro_rows().serialized_binary_rows());
  EXPECT_EQ(corrupted.avro_rows().serialized_binary_rows().size(),
            clean.responses[0].avro_rows().serialized_binary_rows().size());
  context.TryCancel();
  reader->Finish();
  EXPECT_EQ(server_->faults().fired(FaultKind::kCorruptPayload), 1);

  server_->faults().Clear();
  server_->faults().Add(
      {FaultKind::kDelayPerResponse, stream, 0, 0, /*micros=*/20000});
  start = std::chrono::steady_clock::now();
  ReadResult delayed = Read(stream, 0, schema);
  EXPECT_TRUE(delayed.status.ok());
  EXPECT_GE(std::chrono::steady_clock::now() - start,
            std::chrono::milliseconds(20) * delayed.responses.size());
}

// Many sessions and streams at once; under --config=tsan this is the race
// check for the service, its cache and its fault injector.
TEST_F(ReadServiceTest, ConcurrentSessionsAndStreams) {
  server_->faults().Add({FaultKind::kUnavailable, "", 50, 0, 0, 5});
  std::vector<std::thread> threads;
  std::atomic<int64_t> rows{0};
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      bqs::ReadSession session = MustCreate(kSmall, 1 + t % 4);
      for (const auto& stream : session.streams()) {
        int64_t offset = 0;
        for (int attempt = 0; attempt < 20; ++attempt) {
          ReadResult result =
              Read(stream.name(), offset, session.avro_schema().schema());
          offset += static_cast<int64_t>(result.row_ids.size());
          if (result.status.ok()) break;
          if (result.status.error_code() != grpc::StatusCode::UNAVAILABLE) {
            ++failures;
            break;
          }
        }
        rows += offset;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(rows.load(), 8 * 1000);
  EXPECT_EQ(server_->faults().fired(FaultKind::kUnavailable), 5);
}

TEST(FakeServerTest, RejectsBadOptionsAndAddresses) {
  FakeServerOptions options;
  options.bytes_per_response = 0;
  EXPECT_EQ(FakeServer::Start(options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options = {};
  options.bytes_per_response = 64 << 20;
  EXPECT_EQ(FakeServer::Start(options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options = {};
  options.default_stream_count = 0;
  EXPECT_FALSE(FakeServer::Start(options).ok());
  options = {};
  options.listen_address = "unix:/nonexistent-dir/forkcheck.sock";
  EXPECT_EQ(FakeServer::Start(options).status().code(),
            absl::StatusCode::kUnavailable);
  options.listen_address = "unix:/tmp/" + std::string(200, 'x');
  auto too_long = FakeServer::Start(options);
  EXPECT_EQ(too_long.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(too_long.status().message().find("107"), std::string::npos)
      << too_long.status();
}

TEST(FakeServerTest, ServesOverTcpAndUnixSockets) {
  // Not under TEST_TMPDIR: socket paths are limited to 107 bytes.
  const std::string socket =
      "unix:/tmp/forkcheck-fake-server-test-" + std::to_string(getpid());
  for (const std::string& address : {std::string("127.0.0.1:0"), socket}) {
    FakeServerOptions options;
    options.listen_address = address;
    auto server = FakeServer::Start(options);
    ASSERT_TRUE(server.ok()) << address << ": " << server.status();
    if (address.rfind("unix:", 0) == 0) {
      EXPECT_EQ((*server)->address(), address);
    } else {
      EXPECT_TRUE(std::regex_match((*server)->address(),
                                   std::regex(R"(127\.0\.0\.1:[1-9][0-9]*)")))
          << (*server)->address();
    }
    auto stub = bqs::BigQueryRead::NewStub(grpc::CreateChannel(
        (*server)->address(), grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    bqs::CreateReadSessionRequest request;
    request.set_parent("projects/forkcheck");
    request.mutable_read_session()->set_table(kSmall);
    request.mutable_read_session()->set_data_format(bqs::AVRO);
    bqs::ReadSession session;
    grpc::Status status = stub->CreateReadSession(&context, request, &session);
    EXPECT_TRUE(status.ok()) << address << ": " << status.error_message();
  }
}

// Over TCP, where the client limits the trailing metadata that carries the
// status message (8 KiB): a status echoing a 9 KB name whole would arrive as
// RESOURCE_EXHAUSTED ("initial metadata size exceeds limit").
TEST(FakeServerTest, AHugeNameGetsItsOwnCodeAndABoundedMessage) {
  FakeServerOptions options;
  options.listen_address = "127.0.0.1:0";
  auto server = FakeServer::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  auto stub = bqs::BigQueryRead::NewStub(grpc::CreateChannel(
      (*server)->address(), grpc::InsecureChannelCredentials()));
  const std::string huge(9 * 1024, 'x');
  auto deadline = [] {
    return std::chrono::system_clock::now() + std::chrono::seconds(10);
  };
  auto expect_bounded = [&](const grpc::Status& status, grpc::StatusCode code,
                            const char* call) {
    EXPECT_EQ(status.error_code(), code)
        << call << ": " << status.error_message().substr(0, 300);
    EXPECT_LT(status.error_message().size(), 400u) << call;
    EXPECT_NE(status.error_message().find("(9216 bytes)"), std::string::npos)
        << call << ": " << status.error_message().substr(0, 300);
  };
  {
    bqs::ReadRowsRequest request;
    request.set_read_stream(huge);
    grpc::ClientContext context;
    context.set_deadline(deadline());
    auto reader = stub->ReadRows(&context, request);
    bqs::ReadRowsResponse response;
    while (reader->Read(&response)) {
    }
    expect_bounded(reader->Finish(), grpc::StatusCode::NOT_FOUND, "ReadRows");
  }
  {
    bqs::SplitReadStreamRequest request;
    request.set_name(huge);
    request.set_fraction(0.5);
    bqs::SplitReadStreamResponse response;
    grpc::ClientContext context;
    context.set_deadline(deadline());
    expect_bounded(stub->SplitReadStream(&context, request, &response),
                   grpc::StatusCode::NOT_FOUND, "SplitReadStream");
  }
  for (const char* field : {"table", "parent", "selected_fields"}) {
    bqs::CreateReadSessionRequest request;
    request.set_parent("projects/forkcheck");
    request.mutable_read_session()->set_table(kSmall);
    request.mutable_read_session()->set_data_format(bqs::AVRO);
    grpc::StatusCode code = grpc::StatusCode::INVALID_ARGUMENT;
    if (std::string(field) == "table") {
      request.mutable_read_session()->set_table(huge);
      code = grpc::StatusCode::NOT_FOUND;
    } else if (std::string(field) == "parent") {
      request.set_parent(huge);
    } else {
      request.mutable_read_session()
          ->mutable_read_options()
          ->add_selected_fields(huge);
    }
    bqs::ReadSession session;
    grpc::ClientContext context;
    context.set_deadline(deadline());
    expect_bounded(stub->CreateReadSession(&context, request, &session), code,
                   field);
  }
  {
    // A writable table's name is the client's, project and all: quoted
    // bounded too when a selected field is not one of its columns.
    const std::string project(9 * 1024 - 40, 'x');
    const std::string table =
        absl::StrCat("projects/", project, "/datasets/writable/tables/small");
    ASSERT_EQ(table.size(), huge.size());
    bqs::CreateReadSessionRequest request;
    request.set_parent("projects/forkcheck");
    request.mutable_read_session()->set_table(table);
    request.mutable_read_session()->set_data_format(bqs::AVRO);
    request.mutable_read_session()->mutable_read_options()->add_selected_fields(
        "nope");
    bqs::ReadSession session;
    grpc::ClientContext context;
    context.set_deadline(deadline());
    expect_bounded(stub->CreateReadSession(&context, request, &session),
                   grpc::StatusCode::INVALID_ARGUMENT, "a writable table");
  }
}

}  // namespace
}  // namespace forkcheck
