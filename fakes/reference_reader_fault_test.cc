// End-to-end under injected faults: each fault kind the fake server injects
// must end in an exactly-once read with the retry counted, and failures the
// retry policy cannot absorb must end in a clear error and an account that
// says what is missing.

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/account_json.h"
#include "client/reference_reader.h"
#include "dataset/catalogue.h"
#include "fakes/fake_server.h"
#include "fakes/fault_injector.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

namespace bqs = ::google::cloud::bigquery::storage::v1;

constexpr char kSmall[] = "projects/forkcheck/datasets/synthetic/tables/small";
constexpr int64_t kSmallRows = 1000;
// The fake splits small's 10 chunks of 100 rows evenly: 5 streams of 200.
constexpr int kStreams = 5;
constexpr int64_t kStreamRows = 200;

class ReferenceReaderFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FakeServerOptions options;
    options.rows_per_response = 25;  // several responses per stream
    options.bytes_per_response = 0;
    options.listen_address = "";
    absl::StatusOr<std::unique_ptr<FakeServer>> server =
        FakeServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    options_.create_session_timeout = absl::Seconds(10);
    options_.stream.call_timeout = absl::Seconds(10);
    options_.stream.retry.initial_backoff = absl::Milliseconds(1);
    options_.stream.retry.max_backoff = absl::Milliseconds(10);
  }

  void TearDown() override { server_->Shutdown(/*grace_millis=*/100); }

  // Reads the small table (5 streams of 200 rows) with 2 threads.
  ReadAccount ReadSmall() {
    ReferenceReader reader(server_->InProcessChannel(), Catalogue::Default(),
                           options_);
    absl::StatusOr<bqs::ReadSession> session =
        reader.CreateSession(kSmall, kStreams);
    EXPECT_TRUE(session.ok()) << session.status();
    if (!session.ok()) return ReadAccount();
    EXPECT_EQ(session->streams_size(), kStreams);
    return reader.Read(*session, /*threads=*/2);
  }

  static std::string Dump(const ReadAccount& account) {
    return ReadAccountToJson(account).dump(/*indent=*/1);
  }

  void ExpectExactlyOnce(const ReadAccount& account) {
    EXPECT_TRUE(account.exactly_once()) << Dump(account);
    EXPECT_EQ(account.unique_rows, kSmallRows);
    EXPECT_EQ(account.rows_received, kSmallRows);
  }

  std::unique_ptr<FakeServer> server_;
  ReaderOptions options_;
};

FaultRule Rule(FaultKind kind, int64_t after_rows) {
  FaultRule rule;
  rule.kind = kind;
  rule.target = kSmall;
  rule.after_rows = after_rows;
  return rule;
}

TEST_F(ReferenceReaderFaultTest, UnavailableAfterRowsIsResumed) {
  server_->faults().Add(Rule(FaultKind::kUnavailable, 60));
  ReadAccount account = ReadSmall();
  ExpectExactlyOnce(account);
  EXPECT_EQ(server_->faults().fired(FaultKind::kUnavailable), 1);
  EXPECT_EQ(account.retries[RetryCause::kUnavailable], 1) << Dump(account);
  EXPECT_EQ(account.retries.total(), 1);
}

TEST_F(ReferenceReaderFaultTest, UnavailableBeforeAnyRowIsRetried) {
  FaultRule rule = Rule(FaultKind::kUnavailable, 0);
  rule.max_fires = 3;
  server_->faults().Add(rule);
  ReadAccount account = ReadSmall();
  ExpectExactlyOnce(account);
  EXPECT_EQ(server_->faults().fired(FaultKind::kUnavailable), 3);
  EXPECT_EQ(account.retries[RetryCause::kUnavailable], 3) << Dump(account);
  // Faults of the fake's script: designed, so no failure to report.
  EXPECT_EQ(account.injected_fault_retries, 3);
  EXPECT_TRUE(account.first_retried_failure.ok())
      << account.first_retried_failure;
}

TEST_F(ReferenceReaderFaultTest, RstStreamIsResumed) {
  server_->faults().Add(Rule(FaultKind::kRstStream, 110));
  ReadAccount account = ReadSmall();
  ExpectExactlyOnce(account);
  EXPECT_EQ(server_->faults().fired(FaultKind::kRstStream), 1);
  EXPECT_EQ(account.retries[RetryCause::kRstStream], 1) << Dump(account);
  EXPECT_EQ(account.injected_fault_retries, 1);
  EXPECT_TRUE(account.first_retried_failure.ok())
      << account.first_retried_failure;
}

TEST_F(ReferenceReaderFaultTest, ResourceExhaustedHonoursRetryInfo) {
  FaultRule rule = Rule(FaultKind::kResourceExhausted, 30);
  rule.millis = 400;
  server_->faults().Add(rule);
  ReadAccount account = ReadSmall();
  ExpectExactlyOnce(account);
  EXPECT_EQ(server_->faults().fired(FaultKind::kResourceExhausted), 1);
  EXPECT_EQ(account.retries[RetryCause::kResourceExhausted], 1);
  // The backoff alone would have been 1 ms.
  EXPECT_EQ(account.backoff_time, absl::Milliseconds(400)) << Dump(account);
  EXPECT_GE(account.total_time, absl::Milliseconds(400));
  bool found = false;
  for (const StreamAccount& stream : account.streams) {
    if (stream.retries[RetryCause::kResourceExhausted] == 0) continue;
    found = true;
    EXPECT_GE(stream.finished_at - stream.started_at, absl::Milliseconds(400));
  }
  EXPECT_TRUE(found);
}

TEST_F(ReferenceReaderFaultTest, StallShorterThanTheDeadlineIsWaitedOut) {
  FaultRule rule = Rule(FaultKind::kStall, 50);
  rule.millis = 300;
  server_->faults().Add(rule);
  options_.stream.call_timeout = absl::Seconds(5);
  ReadAccount account = ReadSmall();
  ExpectExactlyOnce(account);
  EXPECT_EQ(server_->faults().fired(FaultKind::kStall), 1);
  EXPECT_EQ(account.retries.total(), 0) << Dump(account);
  EXPECT_GE(account.total_time, absl::Milliseconds(300));
}

TEST_F(ReferenceReaderFaultTest, StallLongerThanTheDeadlineIsRetried) {
  FaultRule rule = Rule(FaultKind::kStall, 50);
  rule.millis = 20000;
  server_->faults().Add(rule);
  options_.stream.call_timeout = absl::Seconds(2);
  ReadAccount account = ReadSmall();
  ExpectExactlyOnce(account);
  EXPECT_EQ(server_->faults().fired(FaultKind::kStall), 1);
  // At least the stalled call; on a loaded machine another may run out of
  // its 2 s too, and is resumed the same way.
  EXPECT_GE(account.retries[RetryCause::kDeadlineExceeded], 1) << Dump(account);
  EXPECT_LT(account.total_time, absl::Seconds(12));  // did not wait it out
  // The call ran out of the reader's own deadline: no fault message says it
  // was injected, so it is a retry the read needed, and the first failure.
  EXPECT_EQ(account.injected_fault_retries, 0);
  EXPECT_EQ(account.first_retried_failure.code(),
            absl::StatusCode::kDeadlineExceeded)
      << account.first_retried_failure;
  int with_failure = 0;
  for (const StreamAccount& stream : account.streams) {
    if (stream.first_retried_failure.ok()) continue;
    ++with_failure;
    EXPECT_EQ(stream.first_retried_failure, account.first_retried_failure);
    EXPECT_GE(stream.retries.total(), 1);
  }
  EXPECT_GE(with_failure, 1);
  EXPECT_EQ(ReadAccountToJson(account)["first_retried_failure"]["code"],
            "DEADLINE_EXCEEDED");
}

TEST_F(ReferenceReaderFaultTest, StallBeforeTheFirstRowIsRetried) {
  FaultRule rule = Rule(FaultKind::kStall, 0);
  rule.millis = 20000;
  server_->faults().Add(rule);
  options_.stream.call_timeout = absl::Seconds(2);
  ReadAccount account = ReadSmall();
  ExpectExactlyOnce(account);
  EXPECT_GE(account.retries[RetryCause::kDeadlineExceeded], 1) << Dump(account);
  EXPECT_EQ(server_->faults().fired(FaultKind::kStall), 1);
}

TEST_F(ReferenceReaderFaultTest, CorruptPayloadIsRefetched) {
  server_->faults().Add(Rule(FaultKind::kCorruptPayload, 130));
  ReadAccount account = ReadSmall();
  ExpectExactlyOnce(account);
  EXPECT_EQ(server_->faults().fired(FaultKind::kCorruptPayload), 1);
  EXPECT_EQ(account.corrupt_responses, 1);
  EXPECT_EQ(account.corrupted_rows, 0);
  EXPECT_EQ(account.retries[RetryCause::kCorruptResponse], 1) << Dump(account);
  // A corrupt response carries no marker: its description is the failure.
  EXPECT_EQ(account.injected_fault_retries, 0);
  EXPECT_EQ(account.first_retried_failure.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(
      account.first_retried_failure.message().find("response at offset 125"),
      std::string::npos)
      << account.first_retried_failure;
  bool described = false;
  for (const StreamAccount& stream : account.streams) {
    if (stream.corrupt_responses == 0) continue;
    // The corrupt response is the one holding stream offset 130.
    EXPECT_NE(stream.last_corruption.find("response at offset 125"),
              std::string::npos)
        << stream.last_corruption;
    described = true;
  }
  EXPECT_TRUE(described);
}

TEST_F(ReferenceReaderFaultTest, CorruptPayloadCountedWhenNotRefetched) {
  server_->faults().Add(Rule(FaultKind::kCorruptPayload, 130));
  options_.stream.refetch_corrupt_responses = false;
  ReadAccount account = ReadSmall();
  EXPECT_FALSE(account.exactly_once());
  EXPECT_TRUE(account.first_error.ok()) << account.first_error;
  EXPECT_EQ(account.corrupt_responses, 1);
  EXPECT_EQ(account.corrupted_rows, 25);
  EXPECT_EQ(account.missing_rows, 25) << Dump(account);
  EXPECT_EQ(account.unique_rows, kSmallRows - 25);
  EXPECT_EQ(account.retries.total(), 0);
}

TEST_F(ReferenceReaderFaultTest, PersistentCorruptionGivesUp) {
  FaultRule rule = Rule(FaultKind::kCorruptPayload, 130);
  rule.max_fires = -1;
  server_->faults().Add(rule);
  options_.stream.retry.max_retries_without_progress = 3;
  ReadAccount account = ReadSmall();
  EXPECT_FALSE(account.exactly_once());
  EXPECT_EQ(account.first_error.code(), absl::StatusCode::kDataLoss)
      << account.first_error;
  EXPECT_NE(account.first_error.message().find("max_retries_without_progress"),
            std::string::npos)
      << account.first_error;
  // Each stream stops at its corrupt response: rows 125.. of each are missing.
  EXPECT_EQ(account.missing_rows, kStreams * (kStreamRows - 125))
      << Dump(account);
  EXPECT_EQ(account.unique_rows, kStreams * 125);
}

TEST_F(ReferenceReaderFaultTest, TooManyFailuresEndInAClearError) {
  FaultRule rule = Rule(FaultKind::kUnavailable, 100);
  rule.max_fires = -1;
  server_->faults().Add(rule);
  options_.stream.retry.max_retries_without_progress = 2;
  ReadAccount account = ReadSmall();
  EXPECT_FALSE(account.exactly_once());
  EXPECT_EQ(account.first_error.code(), absl::StatusCode::kUnavailable)
      << account.first_error;
  EXPECT_NE(account.first_error.message().find("at offset 100"),
            std::string::npos)
      << account.first_error;
  EXPECT_NE(account.first_error.message().find("injected UNAVAILABLE"),
            std::string::npos)
      << account.first_error;
  // Rows [100, 200) of each stream (streams are contiguous row ranges).
  EXPECT_EQ(account.missing_rows, kStreams * 100);
  EXPECT_EQ(account.unique_rows, kStreams * 100);
  EXPECT_EQ(account.ledger.MissingRanges().size(), 5u);
  // Per stream: one retry after the call that made progress, then two
  // without progress (max_retries_without_progress) before giving up.
  EXPECT_EQ(account.retries[RetryCause::kUnavailable], kStreams * 3);
  EXPECT_EQ(account.injected_fault_retries, kStreams * 3);
  nlohmann::json json = ReadAccountToJson(account);
  EXPECT_EQ(json["missing_ranges"], "100-199,300-399,500-599,700-799,900-999")
      << json.dump(1);
  EXPECT_EQ(json["error"]["code"], "UNAVAILABLE");
  for (const StreamAccount& stream : account.streams) {
    EXPECT_EQ(stream.status_code, grpc::StatusCode::UNAVAILABLE);
    EXPECT_EQ(stream.offset, 100);
    EXPECT_EQ(stream.calls, 4);
  }
}

TEST_F(ReferenceReaderFaultTest, PerResponseDelaySlowsButDoesNotFail) {
  FaultRule rule = Rule(FaultKind::kDelayPerResponse, 0);
  rule.micros = 2000;
  server_->faults().Add(rule);
  ReadAccount account = ReadSmall();
  ExpectExactlyOnce(account);
  EXPECT_EQ(account.retries.total(), 0);
  EXPECT_GT(server_->faults().fired(FaultKind::kDelayPerResponse), 0);
  // 40 responses of 2 ms on 2 threads.
  EXPECT_GE(account.total_time, absl::Milliseconds(40));
}

}  // namespace
}  // namespace forkcheck
