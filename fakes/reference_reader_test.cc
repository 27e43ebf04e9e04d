// End-to-end: the reference reader against the fake server, over an
// in-process channel and over TCP, at 1, 2, 4 and 8 threads.

#include "client/reference_reader.h"

#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/account_json.h"
#include "dataset/catalogue.h"
#include "fakes/fake_server.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

namespace bqs = ::google::cloud::bigquery::storage::v1;

constexpr char kTables[] = "projects/forkcheck/datasets/synthetic/tables/";

std::string Table(const std::string& short_name) {
  return absl::StrCat(kTables, short_name);
}

ReaderOptions TestOptions() {
  ReaderOptions options;
  options.create_session_timeout = absl::Seconds(10);
  // Generous: a slow machine (sanitizers, 2 cores) must not turn a long
  // stream into a deadline retry, which these tests count as unexpected.
  options.stream.call_timeout = absl::Seconds(60);
  options.stream.retry.initial_backoff = absl::Milliseconds(1);
  options.stream.retry.max_backoff = absl::Milliseconds(20);
  return options;
}

enum class Transport { kInProcess, kTcp };

class ReferenceReaderTest : public ::testing::TestWithParam<Transport> {
 protected:
  void SetUp() override {
    FakeServerOptions options;
    options.bytes_per_response = 64 << 10;  // several responses per stream
    options.listen_address = GetParam() == Transport::kTcp ? "127.0.0.1:0" : "";
    absl::StatusOr<std::unique_ptr<FakeServer>> server =
        FakeServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    std::shared_ptr<grpc::Channel> channel =
        GetParam() == Transport::kTcp
            ? grpc::CreateChannel(server_->address(),
                                  grpc::InsecureChannelCredentials())
            : server_->InProcessChannel();
    reader_ = std::make_unique<ReferenceReader>(channel, Catalogue::Default(),
                                                TestOptions());
  }

  void TearDown() override {
    reader_.reset();
    if (server_ != nullptr) server_->Shutdown(/*grace_millis=*/100);
  }

  bqs::ReadSession Session(const std::string& table, int streams,
                           std::vector<std::string> fields = {}) {
    absl::StatusOr<bqs::ReadSession> session =
        reader_->CreateSession(Table(table), streams, std::move(fields));
    EXPECT_TRUE(session.ok()) << session.status();
    return session.ok() ? *session : bqs::ReadSession();
  }

  std::unique_ptr<FakeServer> server_;
  std::unique_ptr<ReferenceReader> reader_;
};

// Checks every total of a full read that should have been exact.
void ExpectExactlyOnce(const ReadAccount& account, int64_t rows) {
  EXPECT_TRUE(account.first_error.ok()) << account.first_error;
  EXPECT_TRUE(account.full_read);
  EXPECT_EQ(account.table_rows_expected, rows);
  EXPECT_EQ(account.rows_received, rows);
  EXPECT_EQ(account.unique_rows, rows);
  EXPECT_EQ(account.duplicate_rows, 0);
  EXPECT_EQ(account.missing_rows, 0);
  EXPECT_EQ(account.corrupted_rows, 0);
  EXPECT_EQ(account.out_of_range_rows, 0);
  EXPECT_TRUE(account.ledger.exactly_once());
  EXPECT_TRUE(account.exactly_once())
      << ReadAccountToJson(account).dump(/*indent=*/1);
  int64_t stream_rows = 0;
  for (const StreamAccount& stream : account.streams) {
    EXPECT_TRUE(stream.ok()) << stream.status_message;
    EXPECT_EQ(stream.rows, stream.offset) << stream.stream;
    stream_rows += stream.rows;
  }
  EXPECT_EQ(stream_rows, rows);
}

// ThreadSanitizer checks every byte the client decodes; 160 MB of `medium`
// through it takes minutes on two cores, and adds no thread interleavings
// that all_types does not already exercise.
#ifdef __SANITIZE_THREAD__
constexpr bool kUnderTsan = true;
#else
constexpr bool kUnderTsan = false;
#endif

TEST_P(ReferenceReaderTest, FullReadsAreExactlyOnceAtAnyThreadCount) {
  std::vector<std::pair<std::string, int64_t>> tables = {
      {"empty", 0}, {"small", 1000}, {"all_types", 10000}};
  if (!kUnderTsan) tables.push_back({"medium", 200000});
  for (const auto& [table, rows] : tables) {
    for (int threads : {1, 2, 4, 8}) {
      SCOPED_TRACE(absl::StrCat(table, " at ", threads, " threads"));
      bqs::ReadSession session = Session(table, /*streams=*/8);
      ReadAccount account = reader_->Read(session, threads);
      ExpectExactlyOnce(account, rows);
      EXPECT_EQ(account.threads, threads);
      EXPECT_EQ(account.retries.total(), 0);
      EXPECT_EQ(account.streams.size(),
                static_cast<size_t>(session.streams_size()));
      if (rows > 0) {
        EXPECT_GT(account.bytes, 0);
        EXPECT_GE(account.responses, session.streams_size());
        EXPECT_LE(account.time_to_first_row, account.total_time);
      }
    }
  }
}

TEST_P(ReferenceReaderTest, ProjectionAddsRowIdAndVerifies) {
  bqs::ReadSession session =
      Session("all_types", 4, {"string_nullable", "float64_required"});
  ASSERT_EQ(session.read_options().selected_fields_size(), 3);
  EXPECT_EQ(session.read_options().selected_fields(0), "row_id");
  ReadAccount projected = reader_->Read(session, 2);
  ExpectExactlyOnce(projected, 10000);

  ReadAccount full = reader_->Read(Session("all_types", 4), 2);
  ExpectExactlyOnce(full, 10000);
  EXPECT_LT(projected.bytes, full.bytes);

  // Only row_id: identity alone still verifies.
  ExpectExactlyOnce(reader_->Read(Session("small", 3, {"row_id"}), 3), 1000);
}

TEST_P(ReferenceReaderTest, PartialReadsMergeIntoAFullOne) {
  bqs::ReadSession session = Session("small", 4);
  ASSERT_GE(session.streams_size(), 2);
  std::vector<std::string> first;
  std::vector<std::string> second;
  for (int i = 0; i < session.streams_size(); ++i) {
    (i % 2 == 0 ? first : second).push_back(session.streams(i).name());
  }
  ReadAccount a = reader_->ReadStreams(session, first, 2);
  ReadAccount b = reader_->ReadStreams(session, second, 1);
  EXPECT_FALSE(a.full_read);
  EXPECT_EQ(a.table_rows_expected, -1);
  EXPECT_EQ(a.missing_rows, 0);
  EXPECT_TRUE(a.exactly_once());
  EXPECT_TRUE(b.exactly_once());
  EXPECT_EQ(a.unique_rows + b.unique_rows, 1000);

  // What a supervisor does with ledgers shipped from two workers.
  absl::StatusOr<RowLedger> shipped =
      RowLedger::FromRanges(b.ledger.row_count(), b.ledger.SeenRanges(),
                            b.ledger.duplicates(), b.ledger.out_of_range());
  ASSERT_TRUE(shipped.ok()) << shipped.status();
  RowLedger merged = a.ledger;
  ASSERT_TRUE(merged.Merge(*shipped).ok());
  EXPECT_TRUE(merged.exactly_once());

  // Reading a stream twice is caught.
  ReadAccount twice = reader_->ReadStreams(session, {first[0], first[0]}, 2);
  EXPECT_GT(twice.duplicate_rows, 0);
  EXPECT_FALSE(twice.exactly_once());
}

TEST_P(ReferenceReaderTest, UnknownStreamIsAnErrorNotARetry) {
  bqs::ReadSession session = Session("small", 2);
  ReadAccount account = reader_->ReadStreams(
      session, {session.name() + "/streams/no-such-stream"}, 1);
  EXPECT_EQ(account.first_error.code(), absl::StatusCode::kNotFound)
      << account.first_error;
  EXPECT_NE(account.first_error.message().find("no-such-stream"),
            std::string::npos);
  EXPECT_EQ(account.retries.total(), 0);
  EXPECT_FALSE(account.exactly_once());
}

TEST_P(ReferenceReaderTest, CreateSessionErrorsKeepCodeAndMessage) {
  absl::StatusOr<bqs::ReadSession> unknown =
      reader_->CreateSession(Table("no_such_table"), 1);
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound)
      << unknown.status();
  EXPECT_NE(unknown.status().message().find("no_such_table"),
            std::string::npos);

  absl::StatusOr<bqs::ReadSession> malformed =
      reader_->CreateSession("datasets/d/tables/t", 1);
  EXPECT_EQ(malformed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(reader_->CreateSession(Table("small"), -1).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(ReferenceReaderTest, BadThreadCountAndUnknownTable) {
  bqs::ReadSession session = Session("small", 2);
  ReadAccount account = reader_->Read(session, 0);
  EXPECT_EQ(account.first_error.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(account.exactly_once());

  session.set_table(Table("not_in_catalogue"));
  account = reader_->Read(session, 1);
  EXPECT_EQ(account.first_error.code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(account.exactly_once());
}

TEST_P(ReferenceReaderTest, JsonAccount) {
  ReadAccount account = reader_->Read(Session("small", 2), 2);
  nlohmann::json json = ReadAccountToJson(account);
  EXPECT_EQ(json["exactly_once"], true);
  EXPECT_EQ(json["unique_rows"], 1000);
  EXPECT_EQ(json["error"], nullptr);
  EXPECT_EQ(json["retries"]["total"], 0);
  EXPECT_EQ(json["streams"].size(), account.streams.size());
  EXPECT_EQ(json["streams"][0]["status"], "OK");
  EXPECT_TRUE(json["time_to_first_row_seconds"].is_number());
}

INSTANTIATE_TEST_SUITE_P(Transports, ReferenceReaderTest,
                         ::testing::Values(Transport::kInProcess,
                                           Transport::kTcp),
                         [](const auto& info) {
                           return info.param == Transport::kTcp
                                      ? std::string("Tcp")
                                      : std::string("InProcess");
                         });

}  // namespace
}  // namespace forkcheck
