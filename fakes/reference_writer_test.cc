// End-to-end: the reference writer against the fake server's Write service,
// on every stream type, then the table read back through the Read API with
// the reference reader (client/written_table_check.h).

#include "client/reference_writer.h"

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/written_table_check.h"
#include "dataset/catalogue.h"
#include "fakes/fake_server.h"
#include "fakes/fault_injector.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

// A writable copy of the catalogue's `small` table in a project of the
// test's own (fakes/README.md, "Writable tables").
std::string WritableSmall(const std::string& project) {
  return absl::StrCat("projects/", project, "/datasets/writable/tables/small");
}

const TableSpec& Small() { return *Catalogue::Default().Resolve("small"); }

WriterOptions SmallAppends() {
  WriterOptions options;
  // Several requests in flight at once, and an uneven last one.
  options.rows_per_append = 37;
  options.max_in_flight = 3;
  options.call_timeout = absl::Seconds(60);
  options.retry.initial_backoff = absl::Milliseconds(1);
  options.retry.max_backoff = absl::Milliseconds(20);
  return options;
}

class WriterAgainstFake : public ::testing::Test {
 protected:
  void SetUp() override {
    FakeServerOptions options;
    options.listen_address = "127.0.0.1:0";
    absl::StatusOr<std::unique_ptr<FakeServer>> server =
        FakeServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    channel_ = grpc::CreateChannel(server_->address(),
                                   grpc::InsecureChannelCredentials());
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown(/*grace_millis=*/100);
  }

  void ExpectTableHolds(const std::string& table, int64_t rows) {
    absl::StatusOr<ReadAccount> read =
        ReadBackWrittenTable(channel_, table, Small(), rows);
    ASSERT_TRUE(read.ok()) << read.status();
    EXPECT_TRUE(read->exactly_once())
        << "unique " << read->unique_rows << ", duplicate "
        << read->duplicate_rows << ", missing " << read->missing_rows
        << ", stray " << read->out_of_range_rows << ", corrupted "
        << read->corrupted_rows << ": " << read->first_error;
    EXPECT_EQ(read->unique_rows, rows);
  }

  std::unique_ptr<FakeServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

class ReferenceWriterTest
    : public WriterAgainstFake,
      public ::testing::WithParamInterface<WriteStreamKind> {};

TEST_P(ReferenceWriterTest, EveryRowIsReadBackExactlyOnce) {
  const std::string table = WritableSmall("writer-every-row");
  ReferenceWriter writer(channel_, SmallAppends());
  const WriteAccount account =
      writer.Write(table, Small(), 0, Small().row_count, GetParam());
  ASSERT_TRUE(account.ok()) << account.first_error;
  EXPECT_EQ(account.rows_acknowledged, Small().row_count);
  EXPECT_EQ(account.appends, (Small().row_count + 36) / 37);
  EXPECT_EQ(account.calls, 1);
  EXPECT_EQ(account.retries.total(), 0);
  switch (GetParam()) {
    case WriteStreamKind::kDefault:
      EXPECT_EQ(account.stream, table + "/streams/_default");
      break;
    case WriteStreamKind::kPending:
      EXPECT_EQ(account.finalized_rows, Small().row_count);
      EXPECT_TRUE(account.committed);
      break;
    case WriteStreamKind::kBuffered:
      EXPECT_EQ(account.flushed_offset, Small().row_count - 1);
      break;
    case WriteStreamKind::kCommitted:
      break;
  }
  ExpectTableHolds(table, Small().row_count);
}

// The latency hook sees every append answered, once, with a duration no
// longer than the whole write.
TEST_P(ReferenceWriterTest, TimesEveryAnsweredAppend) {
  const std::string table = WritableSmall("writer-timed");
  WriterOptions options = SmallAppends();
  std::vector<absl::Duration> latencies;
  options.on_append_answered = [&latencies](absl::Duration latency) {
    latencies.push_back(latency);
  };
  ReferenceWriter writer(channel_, options);
  const WriteAccount account =
      writer.Write(table, Small(), 0, Small().row_count, GetParam());
  ASSERT_TRUE(account.ok()) << account.first_error;
  ASSERT_EQ(static_cast<int64_t>(latencies.size()), account.appends);
  for (const absl::Duration latency : latencies) {
    EXPECT_GT(latency, absl::ZeroDuration());
    EXPECT_LE(latency, account.total_time);
  }
}

// Writers of one table on threads of their own, each its own stream of the
// kind (or all on `_default`), each a disjoint part of the rows.
TEST_P(ReferenceWriterTest, WritersOfDisjointRowsFillOneTable) {
  const std::string table = WritableSmall("writer-threads");
  constexpr int kWriters = 4;
  const int64_t rows = Small().row_count;
  std::vector<WriteAccount> accounts(kWriters);
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      ReferenceWriter writer(channel_, SmallAppends());
      accounts[w] = writer.Write(table, Small(), rows * w / kWriters,
                                 rows * (w + 1) / kWriters, GetParam());
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const WriteAccount& account : accounts) {
    EXPECT_TRUE(account.ok()) << account.first_error;
  }
  ExpectTableHolds(table, rows);
}

TEST_P(ReferenceWriterTest, NothingToWriteWritesNothing) {
  const std::string table = WritableSmall("writer-nothing");
  ReferenceWriter writer(channel_, SmallAppends());
  const WriteAccount account = writer.Write(table, Small(), 0, 0, GetParam());
  // A pending stream with no rows is still committed.
  EXPECT_TRUE(account.ok()) << account.first_error;
  EXPECT_EQ(account.appends, 0);
  ExpectTableHolds(table, 0);
}

// Over an in-process channel a send waits until the server takes the
// message: a writer that read no answer before sending its whole window
// would wait for the call's deadline.
TEST_P(ReferenceWriterTest, AWindowOfAppendsWorksInProcess) {
  const std::string table = WritableSmall("writer-in-process");
  WriterOptions options = SmallAppends();
  options.call_timeout = absl::Seconds(20);
  ReferenceWriter writer(server_->InProcessChannel(), options);
  const WriteAccount account =
      writer.Write(table, Small(), 0, Small().row_count, GetParam());
  ASSERT_TRUE(account.ok()) << account.first_error;
  EXPECT_EQ(account.calls, 1);
  ExpectTableHolds(table, Small().row_count);
}

INSTANTIATE_TEST_SUITE_P(
    StreamKinds, ReferenceWriterTest,
    ::testing::Values(WriteStreamKind::kDefault, WriteStreamKind::kCommitted,
                      WriteStreamKind::kPending, WriteStreamKind::kBuffered),
    [](const ::testing::TestParamInfo<WriteStreamKind>& info) {
      return std::string(WriteStreamKindName(info.param));
    });

using ReferenceWriterErrorTest = WriterAgainstFake;

TEST_F(ReferenceWriterErrorTest, ANameThatIsNotWritableIsTheFirstError) {
  ReferenceWriter writer(channel_, SmallAppends());
  const WriteAccount account =
      writer.Write("projects/forkcheck/datasets/synthetic/tables/small",
                   Small(), 0, 10, WriteStreamKind::kCommitted);
  EXPECT_EQ(account.first_error.code(), absl::StatusCode::kNotFound)
      << account.first_error;
  EXPECT_EQ(account.rows_acknowledged, 0);
}

TEST_F(ReferenceWriterErrorTest, BadRangesAreRefusedBeforeAnyCall) {
  ReferenceWriter writer(channel_, SmallAppends());
  const WriteAccount account = writer.Write(
      WritableSmall("writer-bad"), Small(), 5, 2, WriteStreamKind::kCommitted);
  EXPECT_EQ(account.first_error.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(account.calls, 0);
}

// Injected AppendRows failures (fakes/README.md, "Fault scripts"): the
// writer resumes on a new call from the last acknowledged offset.
class ReferenceWriterFaultTest : public WriterAgainstFake {
 protected:
  void Inject(FaultKind kind, const std::string& project) {
    FaultRule rule;
    rule.kind = kind;
    rule.rpc = FaultRpc::kAppendRows;
    rule.target = "projects/" + project;
    rule.after_appends = 3;
    server_->faults().Add(rule);
  }
};

TEST_F(ReferenceWriterFaultTest, AFailedCallIsResumedFromTheLastAcknowledged) {
  for (WriteStreamKind kind :
       {WriteStreamKind::kCommitted, WriteStreamKind::kPending}) {
    SCOPED_TRACE(WriteStreamKindName(kind));
    const std::string project =
        "writer-unavailable-" + std::string(WriteStreamKindName(kind));
    Inject(FaultKind::kUnavailable, project);
    ReferenceWriter writer(channel_, SmallAppends());
    const WriteAccount account = writer.Write(WritableSmall(project), Small(),
                                              0, Small().row_count, kind);
    ASSERT_TRUE(account.ok()) << account.first_error;
    EXPECT_EQ(account.calls, 2);
    EXPECT_EQ(account.retries[RetryCause::kUnavailable], 1);
    EXPECT_EQ(account.rows_acknowledged, Small().row_count);
    ExpectTableHolds(WritableSmall(project), Small().row_count);
  }
}

// An in-band ABORTED ends the call like a failure; the appends in flight
// behind it are refused as out of range, and resent on the new call.
TEST_F(ReferenceWriterFaultTest, AnAbortedAppendIsResent) {
  const std::string project = "writer-aborted";
  Inject(FaultKind::kAborted, project);
  ReferenceWriter writer(channel_, SmallAppends());
  const WriteAccount account =
      writer.Write(WritableSmall(project), Small(), 0, Small().row_count,
                   WriteStreamKind::kCommitted);
  ASSERT_TRUE(account.ok()) << account.first_error;
  EXPECT_EQ(account.calls, 2);
  EXPECT_EQ(account.first_retried_failure.code(), absl::StatusCode::kAborted)
      << account.first_retried_failure;
  ExpectTableHolds(WritableSmall(project), Small().row_count);
}

// ABORTED before any append was acknowledged (the first append of the
// stream refused) is resumed too: the service asks for the request again.
TEST_F(ReferenceWriterFaultTest, AnAbortedFirstAppendIsResent) {
  const std::string project = "writer-aborted-first";
  FaultRule rule;
  rule.kind = FaultKind::kAborted;
  rule.rpc = FaultRpc::kAppendRows;
  rule.target = "projects/" + project;
  rule.after_appends = 0;
  server_->faults().Add(rule);
  ReferenceWriter writer(channel_, SmallAppends());
  const WriteAccount account =
      writer.Write(WritableSmall(project), Small(), 0, Small().row_count,
                   WriteStreamKind::kCommitted);
  ASSERT_TRUE(account.ok()) << account.first_error;
  EXPECT_EQ(account.retries[RetryCause::kAborted], 1);
  ExpectTableHolds(WritableSmall(project), Small().row_count);
}

// `_default` takes no offsets: a resend may apply rows twice, and the
// account says how many it may have. The fault ends the call before the
// request it hits is applied, but with a window of appends in flight the
// server may have applied one more by then (when it counts answers is a
// race), so the table holds every row once and at most that many again.
TEST_F(ReferenceWriterFaultTest, DefaultStreamResendsAreCounted) {
  const std::string project = "writer-default-resend";
  Inject(FaultKind::kUnavailable, project);
  ReferenceWriter writer(channel_, SmallAppends());
  const WriteAccount account =
      writer.Write(WritableSmall(project), Small(), 0, Small().row_count,
                   WriteStreamKind::kDefault);
  ASSERT_TRUE(account.ok()) << account.first_error;
  EXPECT_EQ(account.calls, 2);
  EXPECT_GT(account.rows_maybe_duplicated, 0);
  absl::StatusOr<ReadAccount> read = ReadBackWrittenTable(
      channel_, WritableSmall(project), Small(), Small().row_count);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->unique_rows, Small().row_count);
  EXPECT_EQ(read->missing_rows, 0);
  EXPECT_EQ(read->out_of_range_rows, 0);
  EXPECT_EQ(read->corrupted_rows, 0);
  EXPECT_LE(read->duplicate_rows, account.rows_maybe_duplicated);
}

}  // namespace
}  // namespace forkcheck
